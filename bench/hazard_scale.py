"""Server time of the hazard ledgers, worklists, filing status and the quarterly
table at Beijing size: 500,000 enterprises, 5,000,000 hazard rows, 2,000,000
self-reports, each figure beside its main queries run bare (the same SQL).

Run from the project directory against a PostgreSQL database, e.g.

    createdb -h 127.0.0.1 -U postgres bench_hazards
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hazards
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_standards
    DEBUG=true .venv/bin/python manage.py load_hazard_catalogues
    DEBUG=true .venv/bin/python manage.py seed_demo --enterprises 500000
    .venv/bin/python bench/hazard_scale.py

When the database holds fewer hazards than ``--hazards`` it adds them with COPY
(bench data, not the services): about ten per active enterprise and 200 for
demo-enterprise, found over the last three years, most of the old ones closed,
one in a hundred major; and self-reports for the last four quarters and the last
year (85% filed, one in seven of those late). Then, in-process through
django.test.Client with DEBUG off: warm-up, N timed requests, median and p95 ms
and the queries of one more request, for the enterprise's ledger, the street's
and the district's worklists, the district's filing status for a quarter, and
the generation of the quarterly district → city tables for all of Beijing.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

TARGETS_MS = {
    "enterprise ledger": 50,
    "district worklist": 100,
    "street worklist": 50,
    "district filing status": 150,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=5_000_000, help="add hazards up to this")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the pages")
    return parser.parse_args(argv)


# --- COPY ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A value in COPY's text format (our bench data has no tabs or newlines)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\")


def copy_rows(model: Any, rows: Iterable[dict[str, Any]], *, chunk: int = 200_000) -> int:
    """COPY dicts of field values into the model's table; fields not given take
    their model default (Django's defaults live in Python, not in the table)."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:  # the default, or "" for text and None for nullable fields
            defaults[f.attname] = f.get_default()
    written = 0
    buffer = io.StringIO()

    def flush() -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for n, row in enumerate(rows, 1):
        buffer.write("\t".join(_text(row.get(f.attname, defaults[f.attname])) for f in fields))
        buffer.write("\n")
        written = n
        if n % chunk == 0:
            flush()
    flush()
    # The foreign-key checks of a COPY in a transaction run at its commit, each planned
    # once from the statistics: without these, a table filled in the same transaction
    # looks as small as before and is scanned once per referencing row.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    return written


# --- bench data ---------------------------------------------------------------------

DESCRIPTIONS = (
    "配电箱门未关闭，箱内积尘",
    "安全出口被货物堵塞",
    "砂轮机防护罩缺失",
    "有限空间作业未审批",
    "叉车司机未持证上岗",
    "消防器材过期未更换",
    "高处作业未系安全带",
    "涉爆粉尘除尘系统未定期清理",
)
LOCATIONS = ("一号车间", "二号车间", "仓库", "配电室", "锅炉房", "厂区道路", "办公楼")


def add_hazards(target: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from enterprises.models import Enterprise
    from hazards.models import CatalogueItem, Hazard

    have = Hazard.objects.count()
    if have >= target:
        print(f"  {have:,} hazards already")
        return
    major_items = list(CatalogueItem.objects.values_list("pk", flat=True)[:40]) or [None]
    author = get_user_model().objects.get(username="demo-enterprise").pk
    enterprises = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", "uscc", "region_id", "street_id", "industry_id")
    )
    demo = Enterprise.objects.filter(account__users__username="demo-enterprise").first()
    today = timezone.localdate()
    per = (target - have) / len(enterprises)
    sequence: dict[tuple[int, int], int] = {}
    for key in Hazard.objects.values_list("enterprise_id", "found_on__year"):
        sequence[key] = sequence.get(key, 0) + 1

    def rows() -> Iterable[dict[str, Any]]:
        made = 0
        for pk, uscc, region, street, industry in enterprises:
            count = 200 if demo and pk == demo.pk else int(per) + (rng.random() < per % 1)
            for _ in range(count):
                if made >= target - have:
                    return
                made += 1
                found = today - datetime.timedelta(days=rng.randrange(3 * 365))
                deadline = found + datetime.timedelta(days=rng.choice((3, 7, 15, 30, 60)))
                major = rng.random() < 0.01 and major_items[0] is not None
                old = deadline < today - datetime.timedelta(days=30)
                closed = rng.random() < (0.97 if old else 0.4)
                if closed:
                    status = "closed"
                elif major:
                    status = rng.choice(("reported", "plan_approved", "treating", "evaluated"))
                else:
                    status = rng.choice(("pending", "in_progress", "awaiting_acceptance"))
                key = (pk, found.year)
                sequence[key] = sequence.get(key, 0) + 1
                closed_on = min(today, deadline + datetime.timedelta(days=rng.randrange(-5, 4)))
                yield {
                    "number": f"{uscc}-{found.year}-{sequence[key]:05d}",
                    "enterprise_id": pk,
                    "region_id": region,
                    "street_id": street,
                    "industry_id": industry,
                    "enterprise_region_id": region,
                    "found_on": found,
                    "source": rng.choice(("self", "self", "self", "principal", "enforcement")),
                    "location": rng.choice(LOCATIONS),
                    "description": rng.choice(DESCRIPTIONS),
                    "category": rng.choice(("management", "site")),
                    "grade": "major" if major else "general",
                    "major_basis_id": rng.choice(major_items) if major else None,
                    "funds": Decimal(rng.randrange(0, 50_000)),
                    "deadline": deadline,
                    "completed_on": max(found, closed_on) if closed else None,
                    "closed_on": max(found, closed_on) if closed else None,
                    "status": status,
                    "created_by_id": author,
                }

    started = time.perf_counter()
    with transaction.atomic():
        written = copy_rows(Hazard, rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_hazard")
    print(f"  added {written:,} hazards in {time.perf_counter() - started:.0f} s")


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end - datetime.timedelta(days=1)


def last_quarters(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, quarter = today.year, (today.month - 1) // 3  # the last complete quarter
    out = []
    for _ in range(count):
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
        quarter -= 1
    return out


def add_self_reports(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from enterprises.models import Enterprise
    from hazards.models import SelfReport

    if SelfReport.objects.exists():
        print(f"  {SelfReport.objects.count():,} self-reports already")
        return
    author = get_user_model().objects.get(username="demo-enterprise").pk
    today = timezone.localdate()
    periods: list[tuple[str, int, int, datetime.date]] = []
    for year, quarter in last_quarters(today, 4):
        _, end = quarter_bounds(year, quarter)
        periods.append(("quarter", year, quarter, end + datetime.timedelta(days=15)))
    periods.append(("year", today.year - 1, 0, datetime.date(today.year, 1, 31)))
    enterprises = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).values_list(
            "pk", "region_id", "street_id", "industry_id"
        )
    )
    now = timezone.now()

    def rows() -> Iterable[dict[str, Any]]:
        for kind, year, period, due in periods:
            for pk, region, street, industry in enterprises:
                if rng.random() >= 0.85:
                    continue  # missing
                late = rng.random() < 1 / 7
                submitted = due + datetime.timedelta(
                    days=rng.randrange(1, 20) if late else -rng.randrange(0, 14)
                )
                found = rng.randrange(0, 12)
                yield {
                    "enterprise_id": pk,
                    "region_id": region,
                    "street_id": street,
                    "industry_id": industry,
                    "period_kind": kind,
                    "year": year,
                    "period": period,
                    "due_on": due,
                    "status": rng.choice(("submitted", "acknowledged", "acknowledged")),
                    "zero_report": found == 0,
                    "general_found": found,
                    "general_rectified": found,
                    "general_rectified_on_time": found,
                    "submitted_at": min(
                        now,
                        datetime.datetime.combine(
                            submitted, datetime.time(10), tzinfo=datetime.UTC
                        ),
                    ),
                    "submitted_by_id": author,
                    "late": late,
                    "created_by_id": author,
                }

    started = time.perf_counter()
    with transaction.atomic():
        written = copy_rows(SelfReport, rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_selfreport")
    print(f"  added {written:,} self-reports in {time.perf_counter() - started:.0f} s")


# --- measuring ----------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def timed(call: Callable[[], Any], requests: int, warmup: int) -> tuple[float, float]:
    for _ in range(max(1, warmup)):
        call()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95)


def measure_url(client: Any, url: str, args: argparse.Namespace) -> tuple[Any, ...]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, None, None, None, []
    median, p95 = timed(lambda: client.get(url), args.requests, args.warmup)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return 200, median, p95, len(captured), captured.captured_queries


def main_queries(queries: list[dict[str, Any]]) -> list[str]:
    """The page's queries that read the ledger or the self-reports, as sent."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT")
        and ("hazards_hazard" in query["sql"] or "hazards_selfreport" in query["sql"])
    ]


def measure_sql(statements: list[str], args: argparse.Namespace) -> float:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return timed(run, args.requests, args.warmup)[0]


def explain(queries: list[dict[str, Any]]) -> None:
    from django.db import connection

    for query in queries:
        if query["sql"] not in main_queries([query]):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
        print()


def client_for(username: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from enterprises.models import Enterprise
    from hazards.models import Hazard
    from portal.models import Organisation

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…).")
    rng = random.Random(2026)
    print("Seeding (COPY) …")
    add_hazards(args.hazards, rng)
    add_self_reports(rng)
    # The planner needs statistics and the visibility map (index-only scans); a server
    # with autovacuum off (as bench servers often are) has neither after COPY.
    with connection.cursor() as cursor:
        for table in ("enterprises_enterprise", "hazards_hazard", "hazards_selfreport"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    today = timezone.localdate()
    district = Organisation.objects.get(users__username="demo-district")
    print(
        f"{Enterprise.objects.count():,} enterprises, {Hazard.objects.count():,} hazards; "
        f"朝阳区 {Enterprise.objects.filter(region_id=district.region_id).count():,} "
        f"enterprises, {Hazard.objects.filter(region_id=district.region_id).count():,} hazards"
    )
    year, quarter = last_quarters(today, 1)[0]
    status_url = None
    try:
        status_url = reverse("hazards:selfreports:status") + (
            f"?period_kind=quarter&year={year}&period={quarter}"
        )
    except NoReverseMatch:
        pass
    worklist_url = None
    try:
        worklist_url = reverse("hazards:oversight:worklist")
    except NoReverseMatch:
        pass
    # (case, user, URL). Beside each page's time, its main queries (those reading the
    # hazard or self-report tables, as the page sent them) run bare through a cursor: the
    # ratio is what the ORM, the session, the template and the rest of the page add.
    cases: list[tuple[str, str, str | None]] = [
        ("enterprise ledger", "demo-enterprise", "/hazards/"),
        ("enterprise ledger API", "demo-enterprise", "/api/v1/hazards/"),
        ("district worklist", "demo-district", "/hazards/?overdue=1"),
        ("district worklist (major)", "demo-district", "/hazards/?grade=major&open=1"),
        ("street worklist", "demo-street", "/hazards/?overdue=1"),
        ("district worklist", "demo-district", worklist_url),
        ("street worklist", "demo-street", worklist_url),
        ("district filing status", "demo-district", status_url),
    ]
    print()
    print(
        f"{'case':<28} {'URL':<58} {'median':>8} {'p95':>8} {'queries':>7} {'SQL':>7} {'ratio':>6} {'target':>7}"
    )
    clients: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for name, username, url in cases:
        if url is None:
            continue
        client = clients.setdefault(username, client_for(username))
        status, median, p95, count, queries = measure_url(client, url, args)
        target = TARGETS_MS.get(name)
        if status != 200:
            print(f"{name:<28} {url:<58} {'HTTP ' + str(status):>8}")
            rows.append(_row(f"{name} ({username}, HTTP {status})", url))
            continue
        floor = measure_sql(main_queries(queries), args)
        print(
            f"{name:<28} {url[:58]:<58} {median:8.1f} {p95:8.1f} {count:7d} {floor:7.1f} "
            f"{median / floor if floor else 0:6.1f} {('≤ ' + str(target)) if target else '':>7}"
        )
        rows.append(
            _row(
                f"{name} ({username})",
                url,
                median_ms=median,
                p95_ms=p95,
                floor_ms=floor,
                ratio=median / floor if floor else None,
                queries=count,
                target=f"≤ {target} ms" if target else "",
            )
        )
        if args.explain:
            explain(queries)
    seconds = generate_tables(year, quarter)
    rows.append(_row("quarterly tables, all districts", "", median_ms=seconds * 1000))
    rows[-1]["target"] = "≤ 30 s"
    return rows


def _row(case: str, url: str, **figures: Any) -> dict[str, Any]:
    path = url.split("?")[0]
    row = {"bench": "hazard_scale", "case": f"{case} {path}".strip(), "target": ""}
    for key in ("median_ms", "p95_ms", "floor_ms", "ratio", "queries"):
        row[key] = figures.get(key)
    return {**row, **figures}


def generate_tables(year: int, quarter: int) -> float:
    """Last quarter's district → city tables for every district, by one worker (in
    this process, as the beat job runs them)."""
    from hazards.models import QuarterlyTable
    from hazards.selfreports.tables import generate_last_quarter

    QuarterlyTable.objects.filter(year=year, quarter=quarter).delete()
    started = time.perf_counter()
    built = generate_last_quarter()
    elapsed = time.perf_counter() - started
    print(
        f"\nquarterly tables {year}Q{quarter}, {built} districts: {elapsed:.1f} s (target ≤ 30 s)"
    )
    return elapsed


if __name__ == "__main__":
    main(sys.argv[1:])

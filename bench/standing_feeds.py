"""The nightly warning list and supervision tiers at Beijing size, and a feed client's
bulk status lookup of 1,000 USCCs (targets: the night ≤ 5 minutes at 500,000
enterprises; the lookup ≤ 200 ms).

Run from the project directory against a PostgreSQL database with the demo data
(any size: the bench adds what is missing), e.g.

    createdb -h 127.0.0.1 -U postgres bench_standing
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_standing
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_standards
    DEBUG=true .venv/bin/python manage.py load_hazard_catalogues
    DEBUG=true .venv/bin/python manage.py seed_demo --no-snapshot
    .venv/bin/python bench/standing_feeds.py --enterprises 500000

Bench data (COPY, not the services), added when the database holds less: active
enterprises up to ``--enterprises``; certificates for one in twenty-five with their
applications (bench/_dashboard_seed.py: valid, suspended, revoked, expired); four
hazards per enterprise (bench/hazard_scale.py: most closed, one in a hundred
major); accidents for one in a hundred; the last four quarters' self-reports (85%
filed, one in seven of those late). Then it times the night twice: the first run
(every row written, the whole warning list opened) and the next night's (nothing
changed: what the job costs every night), and the lookup of 1,000 USCCs through
django.test.Client with DEBUG off (median and p95 of ``--requests``), with the
change feed's first page. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

TARGET_LOOKUP_MS = 200
TARGET_NIGHT_S = 300


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="seed nothing")
    return parser.parse_args(argv)


def add_enterprises(target: int, rng: random.Random) -> None:
    from _dashboard_seed import copy_rows
    from django.db import connection, transaction
    from django.utils import timezone

    from enterprises.models import Enterprise
    from enterprises.uscc import make_uscc
    from portal.models import Industry, Region, Street

    have = Enterprise.objects.count()
    if have >= target:
        print(f"  {have:,} enterprises already")
        return
    regions = list(Region.objects.values_list("code", flat=True))
    streets: dict[str, list[int]] = {}
    for pk, region in Street.objects.values_list("pk", "region_id"):
        streets.setdefault(region, []).append(pk)
    industries = list(Industry.objects.values_list("pk", flat=True))
    registered = timezone.now() - datetime.timedelta(days=3 * 365)
    started = time.perf_counter()

    def rows():
        for n in range(have, target):
            region = rng.choice(regions)
            yield {
                "name": f"基准测试企业{n:07d}",
                "uscc": make_uscc(region if region.isdigit() else "110000", f"MB{n:07d}"),
                "region_id": region,
                "street_id": rng.choice(streets[region]) if streets.get(region) else None,
                "industry_id": rng.choice(industries),
                "scale": rng.choice(("above", "below", "below", "small_micro")),
                "status": "active",
                "created_at": registered,
                "updated_at": registered,
            }

    with transaction.atomic():
        written = copy_rows(Enterprise, rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    print(f"  added {written:,} enterprises in {time.perf_counter() - started:.0f} s")


def seed(args: argparse.Namespace) -> None:
    import _dashboard_seed as dashboard_seed
    import hazard_scale

    rng = random.Random(args.seed)
    print("seeding:")
    add_enterprises(args.enterprises, rng)
    certificates = args.enterprises // 25
    dashboard_seed.seed_certification(certificates // 2, certificates, rng)
    hazard_scale.add_hazards(4 * args.enterprises, rng)
    dashboard_seed.seed_accidents(args.enterprises // 100, rng)
    dashboard_seed.seed_self_reports(4, rng)


def night() -> tuple[float, float, str]:
    from reporting.standing import tiers, warnings

    started = time.perf_counter()
    listed = warnings.evaluate()
    listed_s = time.perf_counter() - started
    computed = tiers.compute()
    total_s = time.perf_counter() - started
    return (
        listed_s,
        total_s,
        f"{listed.opened:,} entries opened, {listed.closed:,} closed; "
        f"{computed.enterprises:,} enterprises, {computed.written:,} rows written, "
        f"{computed.changes:,} changes",
    )


def lookup(args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from enterprises.models import Enterprise
    from portal.models import User
    from reporting.standing.feeds import status
    from reporting.standing.feeds.clients import create_client

    city = User.objects.filter(organisation__kind="city_office").first()
    feed, token = create_client(
        actor=city,
        name=f"基准测试征信 {secrets.token_hex(3)}",
        kind="credit",
        scopes=["status", "changes", "export"],
        regions=[],
        rate_limit="100000/min",
    )
    ids = list(Enterprise.objects.filter(status="active").values_list("uscc", flat=True)[:200_000])
    rng = random.Random(args.seed)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Feed {token}"}

    def one() -> float:
        codes = rng.sample(ids, min(args.codes, len(ids)))
        started = time.perf_counter()
        response = client.post(
            "/api/v1/feeds/status/", {"uscc": codes}, content_type="application/json", **auth
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:300]
        return elapsed

    def bare() -> float:
        """The floor: the lookup's one statement alone, its rows fetched."""
        codes = rng.sample(ids, min(args.codes, len(ids)))
        started = time.perf_counter()
        status._found_postgresql(feed, codes, timezone.localdate())
        return (time.perf_counter() - started) * 1000

    for _ in range(3):
        one()
    times = sorted(one() for _ in range(args.requests))
    floor = statistics.median(bare() for _ in range(args.requests))
    with CaptureQueriesContext(connection) as queries:
        one()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    verdict = "ok" if median <= TARGET_LOOKUP_MS else "OVER"
    print(
        f"status lookup of {args.codes:,} USCCs: median {median:.0f} ms, p95 {p95:.0f} ms, "
        f"{len(queries)} queries, its statement alone {floor:.0f} ms "
        f"(target ≤ {TARGET_LOOKUP_MS} ms: {verdict}); load average {os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    response = client.get("/api/v1/feeds/changes/", **auth)
    print(
        f"change feed, first page ({len(response.json()['changes'])} rows): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    feed.revoked_at = feed.created_at
    feed.save(update_fields=["revoked_at"])
    found = row(f"status lookup of {args.codes:,} USCCs", median, p95, len(queries), "≤ 200 ms")
    found.update(floor_ms=round(floor, 1), ratio=round(median / floor, 2) if floor else None)
    return found


def row(case: str, median: float, p95: float | None, queries: int | None, target: str) -> dict:
    """One figure for bench/run_all.py."""
    return {
        "bench": "standing_feeds",
        "case": case,
        "median_ms": median,
        "p95_ms": p95,
        "floor_ms": None,
        "ratio": None,
        "queries": queries,
        "target": target,
    }


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (COPY seeds the data).")
    assert not settings.DEBUG, "DEBUG would keep every query in memory"
    if not args.reuse:
        seed(args)
    rows = []
    for name in ("the first night", "the next night"):
        listed_s, total_s, what = night()
        verdict = "ok" if total_s <= TARGET_NIGHT_S else "OVER"
        print(
            f"{name}: warning list {listed_s:.1f} s, with the tiers {total_s:.1f} s "
            f"(target ≤ {TARGET_NIGHT_S} s: {verdict}); {what}"
        )
        rows.append(row(f"{name}: warning list and tiers", total_s * 1000, None, None, "≤ 300 s"))
    rows.append(lookup(args))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

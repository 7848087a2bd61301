"""Server time of the self-assessment checklist: page, one answer, creation,
each beside its floor; and saving one answer with 10,000 to 10,000,000 answer
rows in the table.

Run from the project directory against the database to measure, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_checklist \
        .venv/bin/python bench/assessment_page.py

Part one (``--sizes``) migrates the database if needed, then, inside one
transaction that is rolled back at the end, seeds an enterprise of its own (an
account, its registry entry in 朝阳区, machinery, and its user: names no seeded
database holds) and a published standard version of each size
(tests/reviews/test_assessment_pages.py::make_version), and measures through
django.test.Client in-process as the enterprise user (half the rows answered):

- the checklist page /assessments/<id>/, beside the floor: a bare view that
  renders the same rows (code, requirement, answer) from one query through the
  same client and middleware (targets: ≤ 3× the floor at 200 criteria,
  ≤ 60 ms median at 600);
- saving one answer as htmx posts it, totals included (≤ 20 ms median);
- the printable report; creating an assessment (one bulk insert of the rows).

Part two (``--scale 10000,1000000,10000000``) grows, with COPY and committed,
the bulk answer rows (assessments of 200 criteria of one bulk standard) to each
size in turn and measures saving one answer of a draft picked at random among
them, and its page, at each size. Only on a database whose name starts with
``bench_`` (never ``bench_beijing``, which others copy). Without ``--scale`` it
seeds nothing and, if bulk rows are there, measures at the size they have.

``main(argv)`` returns the figures as rows for bench/run_all.py. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off) unless told otherwise; the client runs
# in-process, so this key never protects anything.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

BULK_CRITERIA = 200
BULK_CODE = "bench-bulk"


class Rollback(Exception):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--sizes", default="200,600", help="criteria per version")
    parser.add_argument(
        "--creations", type=int, default=10, help="assessments created per size (creation time)"
    )
    parser.add_argument(
        "--scale",
        default="",
        help="grow the bulk answer rows to each size in turn and measure a save at each "
        "(e.g. 10000,1000000,10000000); without it, measured at the size seeded earlier",
    )
    return parser.parse_args(argv)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def timed(func, requests: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        func()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def count_queries(func) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


# --- bulk answer rows ---------------------------------------------------------------


def bulk_version():
    """The committed standard version of the bulk rows (made once)."""
    from reviews.models import StandardVersion
    from tests.reviews.test_assessment_pages import make_version

    found = StandardVersion.objects.filter(standard__code=BULK_CODE).first()
    return found or make_version(BULK_CRITERIA, code=BULK_CODE, version="bulk")


def bulk_rows() -> int:
    """Answer rows in the table when bulk rows were seeded, else 0."""
    from reviews.models import Assessment, AssessmentRow

    if not Assessment.objects.filter(version__standard__code=BULK_CODE).exists():
        return 0
    return AssessmentRow.objects.count()


def grow_rows(target_rows: int, rng: random.Random) -> int:
    """COPY bulk assessments of BULK_CRITERIA rows until the table holds about
    ``target_rows`` rows; returns the rows in the table."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from enterprises.models import Enterprise
    from enterprises.uscc import make_uscc
    from portal.models import Organisation, OrganisationKind, Region, User
    from reviews.models import Assessment, AssessmentRow, Criterion

    have = AssessmentRow.objects.count()
    version = bulk_version()
    criteria = list(
        Criterion.objects.filter(version=version).order_by("position").values_list("pk", flat=True)
    )
    missing = (target_rows - have) // len(criteria)
    if missing <= 0:
        return have
    started = time.perf_counter()
    with transaction.atomic():
        org, _ = Organisation.objects.get_or_create(
            name="基准测试批量企业", defaults={"kind": OrganisationKind.ENTERPRISE}
        )
        user = User.objects.filter(username="bench-bulk").first() or User.objects.create(
            username="bench-bulk", organisation=org, password=make_password(None)
        )
        region = Region.objects.get(code="110108")
        enterprises = list(
            Enterprise.objects.filter(uscc__contains="MB").values_list("pk", "name")
        ) or [
            (e.pk, e.name, e.region_id, e.industry_id)
            for e in Enterprise.objects.bulk_create(
                Enterprise(
                    name=f"批量测试企业{n}",
                    uscc=make_uscc(region.code, f"MB{n:07d}"),
                    region=region,
                    industry=version.standard.industries.first(),
                    scale=Enterprise.Scale.BELOW,
                )
                for n in range(500)
            )
        ]
        now = timezone.now().isoformat()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Assessment._meta.db_table, missing],
            )
            ids = [row[0] for row in cursor.fetchall()]
        buffer = io.StringIO()
        for pk in ids:
            status = "submitted" if rng.random() < 0.8 else "draft"
            enterprise, name, region, industry = rng.choice(enterprises)
            industry = industry or "\\N"  # COPY's NULL
            buffer.write(
                f"{pk}\t{enterprise}\t{name}\t{region}\t{industry}\t{version.pk}"
                f"\tself\t{status}\t张伟\t\t0\t{user.pk}\t{now}\t\n"
            )
        _copy(
            buffer,
            "reviews_assessment (id, enterprise_id, enterprise_name, region_id, "
            "enterprise_industry_id, version_id, kind, status, team_leader, team_members, "
            "deaths_last_year, created_by_id, created_at, submitted_grade)",
        )
        # Answers: most compliant, some partial, not compliant, not applicable, open.
        answers = [
            ("compliant\t0.0\t\t1", 60),
            ("partial\t2.0\t\t1", 10),
            ("non_compliant\t0.0\t\t1", 10),
            ("na\t0.0\t本企业无此岗位\t1", 5),
            ("\t0.0\t\t0", 15),
        ]
        pool = rng.choices([a for a, _w in answers], [w for _a, w in answers], k=4096)
        columns = (
            "reviews_assessmentrow (assessment_id, criterion_id, result, deduction, na_reason, "
            "revision, notes, extra_condition, updated_at)"
        )
        for start in range(0, len(ids), 2000):
            buffer = io.StringIO()
            for pk in ids[start : start + 2000]:
                for criterion in criteria:
                    buffer.write(f"{pk}\t{criterion}\t{rng.choice(pool)}\t\tf\t{now}\n")
            _copy(buffer, columns)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_assessment")
        cursor.execute("ANALYZE reviews_assessmentrow")
    have = AssessmentRow.objects.count()
    print(
        f"  seeded {missing:,} assessments ({have:,} rows) in {time.perf_counter() - started:.0f} s"
    )
    return have


def _copy(buffer: io.StringIO, target: str) -> None:
    from django.db import connection

    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {target} FROM STDIN", buffer)


# --- the measurements ---------------------------------------------------------------


BENCH_USER = "bench-checklist-enterprise"


@dataclasses.dataclass
class BenchEnterprise:
    enterprise: Any  # the user
    ent: Any  # the registry entry


def bench_enterprise() -> BenchEnterprise:
    """An enterprise account, its registry entry and its user, under names that
    neither an empty database nor the Beijing seed holds (the test cast's streets
    and organisations are in the seed)."""
    from enterprises.models import Enterprise
    from portal.models import Industry, Organisation, OrganisationKind, Region
    from tests.cast import make_enterprise, make_user

    chaoyang = Region.objects.get(code="110105")
    account = Organisation.objects.create(
        name="基准测试检查表企业（bench）", kind=OrganisationKind.ENTERPRISE, region=chaoyang
    )
    serial = 9_999_999
    while Enterprise.objects.filter(uscc__contains=f"MA{serial:07d}").exists():
        serial -= 1
    ent = make_enterprise(
        account.name,
        chaoyang,
        serial,
        industry=Industry.objects.get(code="machinery"),
        account=account,
    )
    return BenchEnterprise(enterprise=make_user(BENCH_USER, account), ent=ent)


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from portal.models import User

    call_command("migrate", verbosity=0)
    name = settings.DATABASES["default"].get("NAME")
    print(
        f"Database: {connection.vendor} {name}; DEBUG={settings.DEBUG}. {args.requests} "
        f"requests after {args.warmup} warm-up per case; load {os.getloadavg()[0]:.1f}.\n"
    )
    print(
        f"{'case':<34} {'criteria':>8} {'median ms':>10} {'p95 ms':>8} {'floor ms':>9} "
        f"{'ratio':>6} {'queries':>8}  load"
    )
    results: list[dict] = []

    def line(case, size, timings, *, floor=None, queries=None, target=""):
        median = statistics.median(timings)
        ratio = median / floor if floor else None
        row = {
            "bench": "assessment_page",
            "case": f"{case} ({size})",
            "median_ms": round(median, 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "floor_ms": round(floor, 1) if floor else None,
            "ratio": round(ratio, 2) if ratio else None,
            "queries": queries,
            "target": target,
        }
        results.append(row)
        print(
            f"{case:<34} {size!s:>8} {row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} "
            f"{row['floor_ms'] or '':>9} {row['ratio'] or '':>6} {queries or '':>8}  "
            f"{os.getloadavg()[0]:.1f}"
        )

    def rolled_back(measure) -> None:
        """Build the cast, measure, roll everything back."""
        try:
            with transaction.atomic():
                cast = bench_enterprise()
                client = Client(raise_request_exception=True)
                client.force_login(cast.enterprise)
                measure(client, cast)
                raise Rollback
        except Rollback:
            pass

    if User.objects.filter(username=BENCH_USER).exists():
        print(f"User {BENCH_USER} exists already: its transaction was not rolled back?")
        return results
    for size in [int(s) for s in args.sizes.split(",") if s]:
        rolled_back(lambda client, cast, size=size: measure_size(args, client, cast, size, line))
    scale = [int(s) for s in args.scale.split(",") if s]
    if scale and not (str(name).startswith("bench_") and name != "bench_beijing"):
        print("--scale seeds committed rows: only on a database of its own named bench_…")
        scale = []
    for rows in scale:
        have = grow_rows(rows, random.Random(rows))
        rolled_back(lambda client, cast, have=have: measure_scale(args, client, cast, have, line))
    if not scale and (have := bulk_rows()):
        # Seeded by an earlier run: measured at the size it has.
        rolled_back(lambda client, cast: measure_scale(args, client, cast, have, line))
    print("\nThe cast and the sized versions were rolled back; the bulk rows stay.")
    return results


def _page_pair(client, args, assessment_pk: int):
    """The checklist page, and its floor (bench/_floor.py): the same rows'
    code, requirement and answer from one query in a bare template."""
    from bench._floor import Floor
    from reviews.models import AssessmentRow

    def page():
        response = client.get(f"/assessments/{assessment_pk}/")
        assert response.status_code == 200, response.status_code

    floor = Floor(
        lambda: (
            AssessmentRow.objects.filter(assessment_id=assessment_pk)
            .order_by("criterion__position")
            .values_list("criterion__code", "criterion__requirement", "result")
        )
    )
    before, _p95 = floor.measure(client, requests=args.requests, warmup=args.warmup)
    pages = timed(page, args.requests, args.warmup)
    after, _p95 = floor.measure(client, requests=args.requests, warmup=0)
    # The load moves: the floor measured on both sides of the page.
    return pages, (before + after) / 2, count_queries(page)


def _whole_page(client, args, assessment) -> list[float]:
    def page():
        assert client.get(f"/assessments/{assessment.pk}/?all=1").status_code == 200

    return timed(page, args.requests, args.warmup)


def _later_element(assessment) -> str | None:
    """The URL of the checklist's last A element, which the page loads when reached
    (None when the page carries every element)."""
    from reviews.views.checklist_page import ROWS_FIRST
    from reviews.views.checklist_tree import checklist_tree

    sections = checklist_tree(assessment.version).sections
    if (
        sum(len(s.criteria) + sum(len(c.criteria) for c in s.children) for s in sections)
        <= ROWS_FIRST
    ):
        return None
    return f"/assessments/{assessment.pk}/elements/{sections[-1].pk}/rows/"


def _saver(client, assessment_pk: int, row_ids: list[int], rng: random.Random):
    """A save of one answer, as htmx posts it, of a row picked at random each
    time (met or not: a veto criterion refuses "partly")."""
    from reviews.models import AssessmentRow

    revisions = dict(AssessmentRow.objects.filter(pk__in=row_ids).values_list("pk", "revision"))

    def save():
        row = rng.choice(row_ids)
        response = client.post(
            f"/assessments/{assessment_pk}/rows/{row}/",
            {
                "result": rng.choice(("compliant", "non_compliant")),
                "deduction": "",
                "notes": "",
                "na_reason": "",
                "revision": revisions[row],
            },
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.content[:300]
        revisions[row] += 1

    return save


def measure_size(args, client, cast, size, line) -> None:
    from reviews import services
    from reviews.models import Assessment, AssessmentRow
    from tests.reviews.test_assessment_pages import make_version

    version = make_version(size, code=f"bench-{size}", version=f"b{size}")
    creations = []
    for _ in range(args.creations):
        started = time.perf_counter()
        assessment = services.assessment_create(
            actor=cast.enterprise, enterprise=cast.ent, version=version, team_leader="张伟"
        )
        creations.append((time.perf_counter() - started) * 1000)
    line("create assessment (bulk insert)", size, creations, target="≤ 300 ms at 600")
    # Half the rows answered, a few of them not compliant.
    ids = list(assessment.rows.order_by("criterion__position").values_list("pk", flat=True))
    AssessmentRow.objects.filter(pk__in=ids[: size // 2]).update(result="compliant")
    AssessmentRow.objects.filter(pk__in=ids[: size // 2 : 7]).update(result="non_compliant")
    pages, floor, queries = _page_pair(client, args, assessment.pk)
    target = "≤ 3× floor" if size <= 200 else "≤ 60 ms"
    line("checklist page", size, pages, floor=floor, queries=queries, target=target)
    line("checklist page, every criterion (?all=1)", size, _whole_page(client, args, assessment))
    later = _later_element(assessment)
    if later is not None:  # what the page loads as the user reaches a later A element

        def element():
            assert client.get(later).status_code == 200

        line(
            "a later element's rows",
            size,
            timed(element, args.requests, args.warmup),
            queries=count_queries(element),
        )

    def report():
        assert client.get(f"/assessments/{assessment.pk}/print/").status_code == 200

    line("printable report", size, timed(report, args.requests, args.warmup))
    save = _saver(client, assessment.pk, ids, random.Random(size))
    line(
        "save one answer (+ totals)",
        size,
        timed(save, args.requests, args.warmup),
        queries=count_queries(save),
        target="≤ 20 ms",
    )
    assert Assessment.objects.filter(version=version).count() == args.creations


def measure_scale(args, client, cast, have: int, line) -> None:
    """Save one answer, and open the page, of a draft picked at random among
    the bulk assessments, with ``have`` rows in the table."""
    from reviews.models import Assessment, AssessmentRow

    rng = random.Random(have)
    bulk = Assessment.objects.filter(version__standard__code=BULK_CODE, status="draft")
    picked = bulk.order_by("pk")[rng.randrange(bulk.count())]
    # Lent to the cast's enterprise for the measurement (rolled back with the cast).
    Assessment.objects.filter(pk=picked.pk).update(enterprise=cast.ent)
    ids = list(AssessmentRow.objects.filter(assessment=picked).values_list("pk", flat=True))
    save = _saver(client, picked.pk, ids, rng)
    label = f"{have / 1e6:g}M rows" if have >= 1e6 else f"{have / 1e3:g}k rows"
    line(
        "save one answer, table of",
        label,
        timed(save, args.requests, args.warmup),
        queries=count_queries(save),
        target="≤ 20 ms, flat",
    )
    pages, floor, queries = _page_pair(client, args, picked.pk)
    line("checklist page, table of", label, pages, floor=floor, queries=queries)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Server time of the self-assessment checklist: page, one answer, creation.

Run from the project directory against the database to measure, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal \
        .venv/bin/python bench/assessment_page.py

It migrates the database if needed, then, inside one transaction that is
rolled back at the end (the database is left as it was), seeds the test cast
(tests/cast.py) and a published standard version of 200 and of 600 criteria
(tests/reviews/test_assessment_pages.py::make_version), and measures through
django.test.Client in-process as the enterprise user:

- the checklist page /assessments/<id>/ (half the rows answered): median and
  p95 ms, queries of one more request (target: ≤ 150 ms median, ≤ 15 queries
  at 200 criteria);
- saving one answer as htmx posts it, totals included (≤ 30 ms median);
- the printable report;
- creating an assessment (services.assessment_create, one bulk insert of the
  rows) at 600 criteria (≤ 300 ms).

See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off) unless told otherwise; the client runs
# in-process, so this key never protects anything.
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


class Rollback(Exception):
    pass


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--sizes", default="200,600", help="criteria per version")
    parser.add_argument(
        "--creations",
        type=int,
        default=10,
        help="assessments created per size for the creation time",
    )
    return parser.parse_args()


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


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from portal.models import User
    from reviews import services
    from reviews.models import Assessment, AssessmentRow
    from tests.cast import build_cast
    from tests.reviews.test_assessment_pages import make_version

    call_command("migrate", verbosity=0)
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"DEBUG={settings.DEBUG}. {args.requests} requests after {args.warmup} warm-up "
        f"per case.\n"
    )
    print(f"{'case':<34} {'criteria':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")

    def line(label, size, timings, queries=""):
        print(
            f"{label:<34} {size:>8} {statistics.median(timings):>10.1f} "
            f"{percentile(timings, 0.95):>8.1f} {queries!s:>8}"
        )

    try:
        with transaction.atomic():
            if User.objects.filter(username="t-enterprise").exists():
                print("User t-enterprise exists already: run on a database without the test cast.")
                return 1
            cast = build_cast()
            client = Client(raise_request_exception=True)
            client.force_login(cast.enterprise)
            for size in [int(s) for s in args.sizes.split(",")]:
                version = make_version(size, code=f"bench-{size}", version=f"b{size}")

                creations = []
                for _ in range(args.creations):
                    started = time.perf_counter()
                    assessment = services.assessment_create(
                        actor=cast.enterprise,
                        enterprise=cast.ent,
                        version=version,
                        team_leader="张伟",
                    )
                    creations.append((time.perf_counter() - started) * 1000)
                line("create assessment (bulk insert)", size, creations)

                # Half the rows answered, a few of them partial or not applicable.
                ids = list(
                    assessment.rows.order_by("criterion__position").values_list("pk", flat=True)
                )
                AssessmentRow.objects.filter(pk__in=ids[: size // 2]).update(result="compliant")
                AssessmentRow.objects.filter(pk__in=ids[: size // 2 : 7]).update(
                    result="non_compliant"
                )
                url = f"/assessments/{assessment.pk}/"

                def page(url=url):
                    response = client.get(url)
                    assert response.status_code == 200, response.status_code

                line(
                    "checklist page",
                    size,
                    timed(page, args.requests, args.warmup),
                    count_queries(page),
                )

                def report(url=url):
                    assert client.get(url + "print/").status_code == 200

                line(
                    "printable report",
                    size,
                    timed(report, args.requests, args.warmup),
                    count_queries(report),
                )

                target = AssessmentRow.objects.get(pk=ids[-1])
                state = {"revision": target.revision, "flip": False}

                def save(assessment=assessment, target=target, state=state):
                    state["flip"] = not state["flip"]
                    response = client.post(
                        f"/assessments/{assessment.pk}/rows/{target.pk}/",
                        {
                            "result": "compliant" if state["flip"] else "partial",
                            "deduction": "" if state["flip"] else "2.5",
                            "notes": "",
                            "na_reason": "",
                            "revision": state["revision"],
                        },
                        headers={"HX-Request": "true"},
                    )
                    assert response.status_code == 200, response.content[:300]
                    state["revision"] += 1

                line(
                    "save one answer (+ totals)",
                    size,
                    timed(save, args.requests, args.warmup),
                    count_queries(save),
                )
                assert Assessment.objects.filter(version=version).count() == args.creations
            raise Rollback
    except Rollback:
        pass
    print("\nEverything seeded here was rolled back.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Server time of the enterprise registry list, page and API.

Run from the project directory against the database to measure, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal \
        .venv/bin/python bench/registry_list.py

It needs ``seed_demo --enterprises 100000`` loaded (it runs seed_demo itself
when fewer enterprises exist), then requests each URL in-process through
django.test.Client as the demo users: warm-up, then N timed requests; it
prints median and p95 in ms and the queries per request. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off) unless told otherwise; the client runs
# in-process, so this key never protects anything.
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument(
        "--enterprises",
        type=int,
        default=100_000,
        help="seed_demo up to this many if fewer exist (0: never seed)",
    )
    parser.add_argument("--q", default="华信", help="name fragment to search for")
    parser.add_argument("--district", default="110105", help="district filter (朝阳区)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of the list's queries (PostgreSQL)",
    )
    return parser.parse_args()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def measure(client, url: str, requests: int, warmup: int):
    """(status, median ms, p95 ms, queries, captured queries) for one URL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
    if response.status_code != 200:
        return response.status_code, None, None, None, []
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return (
        200,
        statistics.median(timings),
        percentile(timings, 0.95),
        len(captured),
        captured.captured_queries,
    )


def explain(queries) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("    (EXPLAIN ANALYZE only on PostgreSQL)")
        return
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if "enterprises_enterprise" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n    -- {query['time']} s: {sql[:300]}{'…' if len(sql) > 300 else ''}")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("    " + line)


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from enterprises.models import Enterprise
    from portal.models import User

    count = Enterprise.objects.count()
    if args.enterprises and count < args.enterprises:
        print(f"{count} enterprises; running seed_demo --enterprises {args.enterprises} …")
        call_command("seed_demo", enterprises=args.enterprises)
        count = Enterprise.objects.count()
    users = {
        name: User.objects.filter(username=name).first() for name in ("demo-district", "demo-city")
    }
    if not all(users.values()):
        print("The demo users are missing: run manage.py seed_demo first.")
        return 1
    district_count = Enterprise.objects.filter(region_id=args.district).count()
    matches = Enterprise.objects.filter(region_id=args.district, name__icontains=args.q).count()
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{count} enterprises, {district_count} in {args.district}, "
        f"{matches} of them match “{args.q}”. DEBUG={settings.DEBUG}. "
        f"{args.requests} requests after {args.warmup} warm-up.\n"
    )

    search = {"district": args.district, "q": args.q}
    cases = [
        ("page, district + name", "/enterprises/?" + urlencode(search)),
        ("page, name only", "/enterprises/?" + urlencode({"q": args.q})),
        ("page, no filter", "/enterprises/"),
        (
            "API, district + search",
            "/api/v1/enterprises/?" + urlencode({"district": args.district, "search": args.q}),
        ),
        ("API, no filter", "/api/v1/enterprises/"),
    ]
    print(f"{'case':<26} {'user':<15} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    api_missing = False
    to_explain = []
    for label, url in cases:
        for username, user in users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            status, median, p95, queries, captured = measure(
                client, url, args.requests, args.warmup
            )
            if status == 404 and label.startswith("API"):
                api_missing = True
                print(f"{label:<26} {username:<15} {status:>6}   API not available")
                continue
            if median is None:
                print(f"{label:<26} {username:<15} {status:>6}   (not measured)")
                continue
            print(
                f"{label:<26} {username:<15} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}"
            )
            if label == "page, district + name":
                to_explain.append((username, captured))
    if api_missing:
        print("\nAPI not available (404): /api/v1/enterprises/ is not mounted yet.")
    if args.explain:
        for username, captured in to_explain:
            print(f"\nQueries of the filtered page as {username}:")
            explain(captured)
    return 0


if __name__ == "__main__":
    sys.exit(main())

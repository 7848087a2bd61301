"""Server time of the enterprise registry list, page and API, beside a bare-Django floor.

Run from the project directory against the database to measure, e.g. a copy of
the Beijing-size bench database:

    createdb -h 127.0.0.1 -U postgres -T bench_beijing bench_mine
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mine
    DEBUG=true .venv/bin/python manage.py migrate
    .venv/bin/python bench/registry_list.py --enterprises 0

It needs ``seed_demo`` loaded (with ``--enterprises N`` it runs seed_demo itself when
fewer than N exist; 500,000 by default, 0: never seed), then requests each URL
in-process through django.test.Client as the demo users: warm-up, then N timed
requests. For each it prints median and p95 in ms, the queries per request, and
the floor: the same 50 rows rendered by a minimal view (one query, a minimal
template or JSON) through the same client and middleware, measured in the same run
(bench/_floor.py), with the ratio page / floor. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off) unless told otherwise; the client runs
# in-process, so this key never protects anything.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

TARGET_MS = 30.0
USERS = ("demo-district", "demo-city")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
    parser.add_argument(
        "--enterprises",
        type=int,
        default=500_000,
        help="seed_demo up to this many if fewer exist (0: never seed)",
    )
    parser.add_argument("--q", default="华信", help="a two-character name fragment (a 字号)")
    parser.add_argument("--q4", default="精密机械", help="a four-character name fragment")
    parser.add_argument("--uscc", default="", help="a USCC prefix (default: from the data)")
    parser.add_argument("--district", default="110105", help="district filter (朝阳区)")
    parser.add_argument("--only", default="", help="only the cases whose label contains this")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of each case's enterprise queries (PostgreSQL)",
    )
    return parser.parse_args(argv)


def cases(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """(label, URL, floor kind) of each measured request."""
    d = {"district": args.district}
    searches = [
        ("name 2 chars", args.q),
        ("name 4 chars", args.q4),
        ("USCC prefix", args.uscc),
    ]
    page = [("page, no filter", "/enterprises/?", "html")]
    page += [
        (f"page, {label}", "/enterprises/?" + urlencode({"q": q}), "html") for label, q in searches
    ]
    page += [
        ("page, district", "/enterprises/?" + urlencode(d), "html"),
        ("page, district + name 2", "/enterprises/?" + urlencode({**d, "q": args.q}), "html"),
    ]
    api = [("API, no filter", "/api/v1/enterprises/", "json")]
    api += [
        (f"API, {label}", "/api/v1/enterprises/?" + urlencode({"search": q}), "json")
        for label, q in searches
    ]
    api += [
        ("API, district", "/api/v1/enterprises/?" + urlencode(d), "json"),
        (
            "API, district + name 2",
            "/api/v1/enterprises/?" + urlencode({**d, "search": args.q}),
            "json",
        ),
    ]
    chosen = page + api
    return [case for case in chosen if args.only in case[0]]


def measure(client: Any, url: str, requests: int, warmup: int) -> dict[str, Any]:
    from _floor import percentile, timed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    timings = timed(client, url, requests, warmup)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {
        "status": 200,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(captured),
        "captured": captured.captured_queries,
    }


def explain(queries: list[dict[str, Any]]) -> None:
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


def floors(client: Any, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """The floor of each kind (html, json) for this client: the 50 rows the
    unfiltered list shows first, by primary key, in one query."""
    from _floor import Floor

    from enterprises.models import Enterprise

    ids = list(Enterprise.objects.order_by("name", "id").values_list("pk", flat=True)[:50])
    floor = Floor(
        lambda: Enterprise.objects.filter(pk__in=ids).values_list(
            "pk", "name", "uscc", "region_id", "street_id", "industry_id", "scale", "employees"
        )
    )
    return {
        kind: floor.measure(client, kind=kind, requests=args.requests, warmup=args.warmup)
        for kind in ("html", "json")
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
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
    users = {name: User.objects.filter(username=name).first() for name in USERS}
    if not all(users.values()):
        print("The demo users are missing: run manage.py seed_demo first.")
        return []
    if not args.uscc:
        sample = Enterprise.objects.filter(region_id=args.district).order_by("pk").first()
        args.uscc = sample.uscc[:10] if sample else "9111010"
    district_count = Enterprise.objects.filter(region_id=args.district).count()
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{count} enterprises, {district_count} in {args.district}. "
        f"Searches: “{args.q}”, “{args.q4}”, USCC “{args.uscc}”. DEBUG={settings.DEBUG}. "
        f"{args.requests} requests after {args.warmup} warm-up. "
        f"Load average {_load()} before.\n"
    )
    header = (
        f"{'case':<26} {'user':<14} {'median':>7} {'p95':>7} {'floor':>6} {'ratio':>6} "
        f"{'queries':>7}"
    )
    print(header + "   (ms)")
    rows: list[dict[str, Any]] = []
    to_explain = []
    for username, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        floor = floors(client, args)
        for label, url, kind in cases(args):
            result = measure(client, url, args.requests, args.warmup)
            if result["status"] != 200:
                print(f"{label:<26} {username:<14} status {result['status']}: not measured")
                rows.append({"bench": "registry_list", "case": f"{label} ({username})"})
                continue
            floor_ms = floor[kind][0]
            ratio = result["median"] / floor_ms
            print(
                f"{label:<26} {username:<14} {result['median']:>7.1f} {result['p95']:>7.1f} "
                f"{floor_ms:>6.1f} {ratio:>6.1f} {result['queries']:>7}"
            )
            rows.append(
                {
                    "bench": "registry_list",
                    "case": f"{label} ({username})",
                    "median_ms": round(result["median"], 1),
                    "p95_ms": round(result["p95"], 1),
                    "floor_ms": round(floor_ms, 1),
                    "ratio": round(ratio, 1),
                    "queries": result["queries"],
                    "target": f"≤ {TARGET_MS:.0f} ms",
                }
            )
            to_explain.append((label, username, result["captured"]))
        print(
            f"{'(floor html / json)':<26} {username:<14} "
            f"{floor['html'][0]:>7.1f} {floor['html'][1]:>7.1f}   json "
            f"{floor['json'][0]:.1f} / {floor['json'][1]:.1f}"
        )
    print(f"\nLoad average {_load()} after.")
    if args.explain:
        for label, username, captured in to_explain:
            print(f"\nQueries of “{label}” as {username}:")
            explain(captured)
    return rows


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    main(sys.argv[1:])

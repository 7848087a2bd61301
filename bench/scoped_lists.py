"""Server time of the scoped lists at Beijing size, each beside a bare-Django floor:
the application list, the certificate list, the self-assessment list, the hazard
ledger and the self-report list, pages and API lists, for a district (demo-district,
朝阳区 110105) and the city office (demo-city), with and without a status filter
and a search.

Run from the project directory against a copy of the Beijing-size bench database
(bench/dashboard_scale.py seeds it: 500,000 enterprises, 150,000 applications,
100,000 certificates, 1,000,000 hazards, self-reports of two quarters):

    createdb -h 127.0.0.1 -U postgres -T bench_beijing bench_mine
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mine
    DEBUG=true .venv/bin/python manage.py migrate
    .venv/bin/python bench/scoped_lists.py            # --requests 30 --only hazards

Each URL is requested in-process through django.test.Client (DEBUG off): warm-up,
then N timed requests; median and p95 in ms, the queries of one more request, and
the floor: the same rows (the ids the page or the API answered with) rendered by a
minimal view from one query through the same client and middleware
(bench/_floor.py), in the same run, with the ratio page / floor. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off); the client runs in-process, so this key
# never protects anything.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

TARGET_MS = 30.0
USERS = ("demo-district", "demo-city")
# (list, case, URL, model label, kind): the kind picks the floor (html or json).
CASES: list[tuple[str, str, str, str, str]] = [
    ("applications", "page", "/applications/", "certification.Application", "html"),
    ("applications", "page, status", "/applications/?status=submitted", "", "html"),
    ("applications", "page, search", "/applications/?q={q}", "", "html"),
    ("applications", "API", "/api/v1/applications/", "", "json"),
    ("applications", "API, status", "/api/v1/applications/?status=submitted", "", "json"),
    ("certificates", "page", "/applications/certificates/", "certification.Certificate", "html"),
    ("certificates", "page, status", "/applications/certificates/?status=valid", "", "html"),
    ("certificates", "API", "/api/v1/certificates/", "", "json"),
    ("self-assessments", "page", "/assessments/", "reviews.Assessment", "html"),
    ("self-assessments", "page, search", "/assessments/?q={q}", "", "html"),
    ("self-assessments", "API", "/api/v1/assessments/", "", "json"),
    ("self-assessments", "API, status", "/api/v1/assessments/?status=submitted", "", "json"),
    ("hazards", "page", "/hazards/", "hazards.Hazard", "html"),
    ("hazards", "page, status", "/hazards/?status=pending", "", "html"),
    ("hazards", "page, closed", "/hazards/?status=closed", "", "html"),
    ("hazards", "page, search", "/hazards/?q={hazard_q}", "", "html"),
    ("hazards", "API", "/api/v1/hazards/", "", "json"),
    ("hazards", "API, status", "/api/v1/hazards/?status=pending", "", "json"),
    ("self-reports", "page", "/hazards/self-reports/", "hazards.SelfReport", "html"),
    ("self-reports", "page, kind", "/hazards/self-reports/?period_kind=quarter", "", "html"),
    ("self-reports", "API", "/api/v1/self-reports/", "", "json"),
    ("self-reports", "API, status", "/api/v1/self-reports/?status=submitted", "", "json"),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--q", default="精密机械", help="an enterprise name fragment")
    parser.add_argument("--hazard-q", default="叉车司机", help="a hazard description fragment")
    parser.add_argument("--only", default="", help="only the lists whose name contains this")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest queries")
    return parser.parse_args(argv)


def measure(client: Any, url: str, requests: int, warmup: int) -> dict[str, Any]:
    from _floor import percentile, timed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    timings = timed(client, url, requests, warmup)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return {
        "status": 200,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(captured),
        "captured": captured.captured_queries,
        "ids": shown_ids(response),
    }


def shown_ids(response: Any) -> list[int]:
    """The primary keys of the rows the page or the API answered with."""
    if response.get("Content-Type", "").startswith("application/json"):
        return [row["id"] for row in response.json().get("results", [])]
    page = response.context["page"] if response.context else []
    return [row.pk for row in page]


def floor_for(client: Any, model: Any, ids: list[int], kind: str, args: Any) -> float:
    """The floor: the same rows by primary key in one query, a few columns each."""
    from _floor import Floor

    columns = [f.attname for f in model._meta.concrete_fields][:8]
    floor = Floor(lambda: model.objects.filter(pk__in=ids).values_list(*columns))
    return floor.measure(client, kind=kind, requests=args.requests, warmup=args.warmup)[0]


def explain(queries: list[dict[str, Any]], slowest: int = 2) -> None:
    from django.db import connection

    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:slowest]
    with connection.cursor() as cursor:
        for query in ranked:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"    -- {query['time']} s: {query['sql'][:200]}…")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print("    " + line)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from certification.models import Application, Certificate
    from enterprises.models import Enterprise
    from hazards.models import Hazard, SelfReport
    from portal.models import User

    users = {name: User.objects.filter(username=name).first() for name in USERS}
    if not all(users.values()):
        print("The demo users are missing: seed the database first (see the docstring).")
        return []
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{Enterprise.objects.count():,} enterprises, {Application.objects.count():,} "
        f"applications, {Certificate.objects.count():,} certificates, "
        f"{Hazard.objects.count():,} hazards, {SelfReport.objects.count():,} self-reports. "
        f"Count cap {settings.LIST_COUNT_CAP}. DEBUG={settings.DEBUG}. {args.requests} "
        f"requests after {args.warmup} warm-up. Load average {_load()} before.\n"
    )
    print(
        f"{'list':<17} {'case':<14} {'user':<14} {'median':>7} {'p95':>7} {'floor':>6} "
        f"{'ratio':>6} {'queries':>7}   (ms)"
    )
    rows: list[dict[str, Any]] = []
    for username, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        model: Any = None
        for name, case, url, label, kind in CASES:
            model = apps.get_model(label) if label else model
            if args.only and args.only not in name:
                continue
            url = url.format(q=args.q, hazard_q=args.hazard_q)
            result = measure(client, url, args.requests, args.warmup)
            row: dict[str, Any] = {"bench": "scoped_lists", "case": f"{name}: {case} ({username})"}
            if result["status"] != 200:
                print(f"{name:<17} {case:<14} {username:<14} status {result['status']}")
                rows.append(row)
                continue
            floor_ms = floor_for(client, model, result["ids"], kind, args)
            ratio = result["median"] / floor_ms
            print(
                f"{name:<17} {case:<14} {username:<14} {result['median']:>7.1f} "
                f"{result['p95']:>7.1f} {floor_ms:>6.1f} {ratio:>6.1f} {result['queries']:>7}"
            )
            row.update(
                median_ms=round(result["median"], 1),
                p95_ms=round(result["p95"], 1),
                floor_ms=round(floor_ms, 1),
                ratio=round(ratio, 1),
                queries=result["queries"],
                target=f"≤ {TARGET_MS:.0f} ms",
            )
            rows.append(row)
            if args.explain and result["median"] > TARGET_MS:
                explain(result["captured"])
    print(f"\nLoad average {_load()} after.")
    return rows


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    main(sys.argv[1:])

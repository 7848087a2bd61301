"""Server time of the statistics tables, their drill-down lists, the nightly snapshot,
the home pages (dashboards) and the worklists at Beijing size: 500,000 enterprises,
50,000 applications in the workflow's states, 100,000 certificates, hazards and
self-reports, a few hundred accidents. Each live table beside the bare SQL GROUP BY
of the same figures, written by hand (bench/_dashboard_sql.py), in the same run.

Run from the project directory against a PostgreSQL database, e.g.

    createdb -h 127.0.0.1 -U postgres bench_dashboards
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dashboards
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_standards
    DEBUG=true .venv/bin/python manage.py load_hazard_catalogues
    .venv/bin/python bench/dashboard_scale.py            # --reuse on later runs

Unless ``--reuse``, it first seeds what is missing: seed_demo up to
``--enterprises``, then with COPY the applications, certificates (with their
events, announcements and annual self-assessments) and accidents
(bench/_dashboard_seed.py), the hazards of bench/hazard_scale.py (``--hazards``,
1,000,000 by default) and its self-reports for the last ``--quarters`` (2) quarters. Then, in-process
through django.test.Client with DEBUG off: warm-up, N timed requests, median and p95
ms and the queries of one more request. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hazard_scale  # noqa: E402  (sets the settings module, a throw-away key, DEBUG off)

# The tables are measured as computed, beside their SQL: a running portal keeps their
# figures STATISTICS_CACHE_SECONDS (portal/kept.py), and a kept table runs no GROUP BY to
# compare with. The kept path is what bench/load_test.py measures.
os.environ.setdefault("STATISTICS_CACHE_SECONDS", "0")
from hazard_scale import client_for, percentile  # noqa: E402

USERS = {
    "district": "demo-district",
    "street": "demo-street",
    "regulator": "demo-regulator",
    "city": "demo-city",
    "organising unit": "demo-association",
}
TABLE_USERS = ("demo-district", "demo-city")
# Drill-down measures timed per table (the first page); other tables: their first two.
DRILL = {
    "compliance": ("active", "compliant", "live_3", "expired_unrenewed"),
    "certificates": ("expiring_90", "renewal_due", "annual_overdue", "revoked"),
}
PAGE_MS = 100
# A call slower than this (seconds) in the warm-up is timed SLOW_REQUESTS times only.
SLOW_S = 2.0
SLOW_REQUESTS = 3
RATIO = 1.5
ROWS: list[dict[str, Any]] = []
BARE_STEPS: list[tuple[Any, ...]] = []


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=500_000)
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--quarters", type=int, default=2, help="quarters of self-reports")
    parser.add_argument("--accidents", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="seed nothing")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow pages")
    parser.add_argument(
        "--no-jit", action="store_true", help="SET jit = off on this process's connection"
    )
    parser.add_argument("--only", default="", help="tables,drill,snapshot,home,worklists")
    parser.add_argument("--tables", default="", help="these statistics tables only, e.g. reviews")
    parser.add_argument(
        "--drill-n",
        action="store_true",
        help="drill-downs also as the table cell links them (n=, the number clicked)",
    )
    return parser.parse_args(argv)


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# --- seeding ------------------------------------------------------------------------


def seed(args: argparse.Namespace) -> None:
    import _dashboard_seed as seeding
    from django.core.management import call_command
    from django.db import connection

    from enterprises.models import Enterprise

    rng = random.Random(2027)
    started = time.perf_counter()
    have = Enterprise.objects.count()
    if have < args.enterprises:
        print(f"seed_demo --enterprises {args.enterprises} ({have:,} now) …")
        call_command("seed_demo", enterprises=args.enterprises, verbosity=0)
        print(f"  {time.perf_counter() - started:.0f} s")
    print("Seeding (COPY) …")
    # A server process of its own: the foreign-key checks this one ran for seed_demo
    # keep plans made when the tables were nearly empty (a scan per referencing row).
    connection.close()
    seeding.seed_certification(args.applications, args.certificates, rng)
    seeding.seed_accidents(args.accidents, rng)
    hazard_scale.add_hazards(args.hazards, rng)
    seeding.seed_self_reports(args.quarters, rng)
    # Statistics and the visibility map (index-only scans) for the planner.
    connection.cursor().execute("VACUUM ANALYZE")
    print(f"  seeded in {time.perf_counter() - started:.0f} s ({load()})")


def summary() -> None:
    from certification.models import Application, Certificate
    from enterprises.models import Accident, Enterprise
    from hazards.models import Hazard, SelfReport

    district = Enterprise.objects.filter(region_id="110105")
    print(
        f"{Enterprise.objects.count():,} enterprises ({district.count():,} in 朝阳区), "
        f"{Application.objects.count():,} applications "
        f"({Application.objects.exclude(status='announced').count():,} not announced), "
        f"{Certificate.objects.count():,} certificates "
        f"({Certificate.objects.filter(enterprise__region_id='110105').count():,} in 朝阳区), "
        f"{Hazard.objects.count():,} hazards, {SelfReport.objects.count():,} self-reports, "
        f"{Accident.objects.count():,} accidents"
    )


# --- measuring ----------------------------------------------------------------------


def timed(call: Any, requests: int, warmup: int) -> tuple[float, float]:
    started = time.perf_counter()
    for _ in range(max(1, warmup)):
        call()
    if time.perf_counter() - started > SLOW_S * max(1, warmup):
        requests = min(requests, SLOW_REQUESTS)  # a page of seconds: fewer samples
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95)


def get_page(client: Any, url: str, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    median, p95 = timed(lambda: client.get(url), args.requests, args.warmup)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {
        "status": 200,
        "median": median,
        "p95": p95,
        "queries": len(captured),
        "captured": captured.captured_queries,
    }


def record(section: str, case: str, user: str, url: str, found: dict[str, Any], **more) -> None:
    row = {"section": section, "case": case, "user": user, "url": url, **found, **more}
    ROWS.append(row)
    if found.get("status") != 200:
        print(f"  {case:<34} {user:<17} HTTP {found.get('status')}  {url}")
        return
    extra = ""
    if more.get("sql") is not None:
        extra = f"  SQL {more['sql']:7.1f}  ×{found['median'] / more['sql']:.2f}"
    print(
        f"  {case:<34} {user:<17} {found['median']:8.1f} {found['p95']:8.1f} "
        f"{found['queries']:4d} q{extra}  {url}"
    )


def slowest(captured: list[dict[str, Any]], count: int = 3) -> None:
    for query in sorted(captured, key=lambda q: -float(q["time"]))[:count]:
        print(f"      {float(query['time']) * 1000:7.1f} ms  {query['sql'][:220]}")


def explain(sql: str, params: Any = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("      " + "\n      ".join(row[0] for row in cursor.fetchall()))


def url_for(name: str, fallback: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


# --- statistics tables --------------------------------------------------------------


def live_tables(args: argparse.Namespace) -> None:
    import _dashboard_sql as hand
    from _floor import Floor
    from django.db import connection
    from django.http import QueryDict
    from django.utils import timezone

    from portal.models import User
    from reporting.statistics import figures
    from reporting.statistics.filters import NONE, parse_filters

    print(f"\nLive statistics tables ({load()}): median / p95 ms, queries, bare SQL, ratio")
    today = timezone.localdate()
    chosen = set(filter(None, args.tables.split(","))) or set(figures.TABLES)
    for table in [name for name in figures.TABLES if name in chosen]:
        url = url_for(f"statistics:{table}", f"/statistics/{table}/")
        for username in TABLE_USERS:
            user = User.objects.select_related("organisation").get(username=username)
            client = client_for(username)
            found = get_page(client, url, args)
            if found.get("status") != 200:
                record("table", f"table {table}", username, url, found)
                continue
            filters = parse_filters(user, QueryDict(""))
            region = user.organisation.region_id if user.organisation.kind == "district" else None
            prepared = hand.statements(table, filters.dimension, region)
            label = "hand SQL"
            if prepared is not None:
                params = hand.parameters(filters, region, today)

                steps_sql = hand.steps_statement(region) if table == "reviews" else None

                def bare(prepared=prepared, params=params, steps_sql=steps_sql) -> Any:
                    with connection.cursor() as cursor:
                        found = hand.run(cursor, prepared, params)
                        if steps_sql:  # the review table's steps, on the same page
                            cursor.execute(steps_sql, params)
                            BARE_STEPS[:] = cursor.fetchall()
                        return found

                # Same figures? key -> measure -> count, against the ORM's table.
                mine = bare()
                rows, _total = figures.table(table, user, filters, today)
                theirs = {
                    (None if r["key"] == NONE else r["key"]): {
                        m.name: r[m.name] or 0 for m in figures.TABLES[table]
                    }
                    for r in rows
                }
                mine = {
                    k: {m.name: v.get(m.name) or 0 for m in figures.TABLES[table]}
                    for k, v in mine.items()
                }
                mine = {(None if k in (None, "") else str(k)): v for k, v in mine.items()}
                theirs = {(None if k is None else str(k)): v for k, v in theirs.items()}
                same = "same figures" if mine == theirs else "FIGURES DIFFER"
                if table == "reviews":
                    from reporting.statistics import reviews as review_figures

                    page_steps = {
                        s["state"]: (s["count"], s["median"], s["over_limit"])
                        for s in review_figures.steps(user, filters)
                        if s["count"]
                    }
                    bare_steps = {
                        state: (count, round(float(median), 1), over)
                        for state, count, median, _mean, over in BARE_STEPS
                    }
                    same += ", same steps" if page_steps == bare_steps else ", STEPS DIFFER"
            else:  # a table without a hand-written version: its own GROUP BYs, bare
                label = "page's GROUP BY"
                statements = [q["sql"] for q in found["captured"] if "GROUP BY" in q["sql"]]

                def bare(statements=statements) -> list[Any]:
                    rows: list[Any] = []
                    with connection.cursor() as cursor:
                        for sql in statements:
                            cursor.execute(sql)
                            rows.extend(cursor.fetchall())
                    return rows

                same = f"{len(statements)} GROUP BY"
            sql_ms = timed(bare, args.requests, args.warmup)[0]
            # The bare-Django floor running the same SQL: session, user, the SQL's
            # rows in a template of a few lines (bench/_floor.py).
            floor_ms = Floor(lambda bare=bare: _as_rows(bare())).measure(
                client, requests=args.requests, warmup=args.warmup
            )[0]

            def computed(user=user, filters=filters, table=table) -> None:
                figures.table(table, user, filters, today)

            orm_ms = timed(computed, args.requests, args.warmup)[0]
            record(
                "table",
                f"table {table}",
                username,
                url,
                found,
                sql=sql_ms,
                figures=orm_ms,
                floor=floor_ms,
                note=f"{label}, {same}",
            )
            print(
                f"      ({label}: {same}; the table's figures alone {orm_ms:.1f} ms, "
                f"×{orm_ms / sql_ms:.2f} the bare SQL; the bare-Django page of the same SQL "
                f"{floor_ms:.1f} ms, the page ×{found['median'] / floor_ms:.2f} that)"
            )
            if table == "reviews":
                from reporting.statistics import reviews as review_figures

                steps_ms = timed(
                    lambda user=user, filters=filters: review_figures.steps(user, filters),
                    args.requests,
                    args.warmup,
                )[0]
                print(f"      (the steps table alone {steps_ms:.1f} ms)")
            if args.explain or found["median"] > RATIO * sql_ms:
                slowest(found["captured"])
            if args.explain and prepared is not None:
                for sql, _names in prepared:
                    print(f"      -- hand SQL {sql.splitlines()[0][:60]} …")
                    explain(sql, params)


def _as_rows(found: Any) -> list[Any]:
    """The bare SQL's result as rows: key -> measures (hand SQL) or rows as read."""
    if isinstance(found, dict):
        return [(key, *values.values()) for key, values in found.items()]
    return list(found or ())


_TOTALS: dict[tuple[str, str], dict[str, Any]] = {}


def _figure(table: str, name: str, username: str) -> int:
    """The table's total of a measure for the user: the n= of the cell's link."""
    from portal.models import User
    from reporting.statistics import figures
    from reporting.statistics.filters import parse_filters

    if (table, username) not in _TOTALS:
        user = User.objects.get(username=username)
        _rows, total = figures.table(table, user, parse_filters(user, {}, table=table))
        _TOTALS[(table, username)] = total
    return int(_TOTALS[(table, username)][name])


def drill_downs(args: argparse.Namespace) -> None:
    from reporting.statistics import figures

    print(f"\nDrill-down lists, first page ({load()})")
    for table, measures in figures.TABLES.items():
        names = DRILL.get(table) or tuple(m.name for m in measures[:2])
        base = url_for(f"statistics:{table}_records", f"/statistics/{table}/enterprises/")
        for name in names:
            if figures.measure(table, name) is None:
                continue
            url = f"{base}?measure={name}"
            for username in TABLE_USERS:
                found = get_page(client_for(username), url, args)
                record("drill", f"drill {table}:{name}", username, url, found)
                if args.drill_n:
                    linked = f"{url}&n={_figure(table, name, username)}"
                    shown = get_page(client_for(username), linked, args)
                    record("drill", f"drill {table}:{name} n=", username, linked, shown)
                if found.get("status") == 200 and (args.explain or found["median"] > PAGE_MS):
                    slowest(found["captured"])
                    if args.explain:
                        top = max(found["captured"], key=lambda q: float(q["time"]))
                        explain(top["sql"])


# --- snapshot, home pages, worklists ---------------------------------------------------


def snapshot(args: argparse.Namespace) -> None:
    """The nightly snapshot on one worker (in this process, as the beat job runs it):
    first its computation alone (every scope, dimension, table and open period), then
    one full run (freeze, compute, upsert, prune)."""
    from django.utils import timezone

    from reporting.models import MetricSnapshot

    print(f"\nNightly snapshot ({load()})")
    try:
        from reporting.snapshots import compute as computing
        from reporting.snapshots import store
        from reporting.snapshots.periods import KINDS as PERIOD_KINDS
    except ImportError as error:
        print(f"  not available yet ({error}): not measured")
        ROWS.append({"section": "snapshot", "case": "nightly snapshot", "status": "absent"})
        return
    today = timezone.localdate()
    started = time.perf_counter()
    cells = computing.compute(today, PERIOD_KINDS)
    computed = time.perf_counter() - started
    print(
        f"  compute.compute (periods {', '.join(PERIOD_KINDS)}): {computed:.1f} s, "
        + ", ".join(f"{kind} {len(rows):,} cells" for kind, rows in cells.items())
    )
    before = MetricSnapshot.objects.count()
    started = time.perf_counter()
    result = store.snapshot_nightly(today)
    elapsed = time.perf_counter() - started
    after = MetricSnapshot.objects.count()
    print(
        f"  store.snapshot_nightly: {elapsed:.1f} s, {result} "
        f"({before:,} → {after:,} rows; target ≤ 300 s) ({load()})"
    )
    ROWS.append(
        {
            "section": "snapshot",
            "case": "nightly snapshot",
            "status": 200,
            "seconds": elapsed,
            "compute": computed,
        }
    )


def pages(section: str, url: str, args: argparse.Namespace) -> None:
    print(f"\n{section} {url} ({load()})")
    for role, username in USERS.items():
        found = get_page(client_for(username), url, args)
        record(section, f"{section} ({role})", username, url, found)
        if found.get("status") == 200 and (args.explain or found["median"] > PAGE_MS):
            slowest(found["captured"])


def results() -> list[dict[str, Any]]:
    """The run's figures as rows shared by every bench (bench/run_all.py): ``floor_ms``
    is what ``ratio`` compares the page with (the bare SQL of a table), ``target``
    the figure to meet."""
    out: list[dict[str, Any]] = []
    for row in ROWS:
        case = row["case"] + (f" ({row['user']})" if row.get("user") else "")
        base = {"bench": "dashboard_scale", "case": case, "floor_ms": None, "ratio": None}
        if row["section"] == "snapshot":
            seconds = row.get("seconds")
            out.append(
                {
                    **base,
                    "median_ms": None if seconds is None else seconds * 1000,
                    "p95_ms": None,
                    "queries": None,
                    "target": "≤ 300 s",
                }
            )
            continue
        if row.get("status") != 200:
            out.append(
                {
                    **base,
                    "median_ms": None,
                    "p95_ms": None,
                    "queries": None,
                    "target": f"HTTP {row.get('status')}",
                }
            )
            continue
        sql = row.get("sql")
        page = {"median_ms": row["median"], "p95_ms": row["p95"], "queries": row["queries"]}
        out.append(
            {
                **base,
                **page,
                "floor_ms": sql,
                "ratio": row["median"] / sql if sql else None,
                "target": f"≤ {RATIO}× SQL" if sql is not None else f"≤ {PAGE_MS} ms",
            }
        )
        if row.get("floor"):  # the same page against the bare-Django page of its SQL
            out.append(
                {
                    **base,
                    **page,
                    "case": case + " vs floor+SQL",
                    "floor_ms": row["floor"],
                    "ratio": row["median"] / row["floor"],
                    "target": f"≤ {RATIO}× floor+SQL",
                }
            )
    return out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Measure (see the module's docstring), print, and return results()."""
    args = parse_args(argv)
    ROWS.clear()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…).")
    # A role without the page (the organising unit's /worklists/) answers 403, which
    # Django logs with its traceback; the table says HTTP 403.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    if not args.reuse:
        seed(args)
    if args.no_jit:  # the client runs in-process: the pages use this same connection
        from django.db.backends.signals import connection_created

        def no_jit(connection: Any, **kwargs: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")

        connection_created.connect(no_jit, weak=False)
        connection.close()
    summary()
    print(
        f"DEBUG={settings.DEBUG}, {args.requests} requests after {args.warmup} warm-up, "
        f"jit {'off' if args.no_jit else 'as the server says'}, {load()}, "
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M}"
    )
    only = set(filter(None, args.only.split(","))) or {
        "tables",
        "drill",
        "snapshot",
        "home",
        "worklists",
    }
    if "tables" in only:
        live_tables(args)
    if "drill" in only:
        drill_downs(args)
    if "home" in only:
        pages("home", "/", args)
    if "worklists" in only:
        pages("worklists", url_for("worklists:index", "/worklists/"), args)
    if "snapshot" in only:
        snapshot(args)
    print(f"\ndone ({load()})")
    return results()


if __name__ == "__main__":
    main(sys.argv[1:])

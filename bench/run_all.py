"""Every bench at Beijing size in one command, and one table of their figures.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mine
    createdb -h 127.0.0.1 -U postgres -T bench_beijing bench_mine   # or an empty database
    DEBUG=true .venv/bin/python manage.py migrate
    .venv/bin/python bench/run_all.py                     # seeds what is missing first
    .venv/bin/python bench/run_all.py --reuse --only registry_list,queue_pages --requests 10
    .venv/bin/python bench/run_all.py --reuse --markdown  # the table in Markdown

Unless ``--reuse``, it first seeds what the database lacks, as bench/dashboard_scale.py
does (the shipped standards and hazard catalogues, seed_demo up to 500,000 enterprises
with the demo logins and applications, then with COPY 50,000 applications, 100,000
certificates, 1,000,000 hazards, self-reports and accidents); on a seeded database
each step finds its rows and adds nothing. Then it runs each bench's ``main(argv)``
in this process (DEBUG off) and prints one row per figure: bench, case, median and
p95 ms, floor ms (what the case is compared with, e.g. its bare SQL), ratio, queries,
target and whether it is met. A bench whose ``main`` does not return rows yet, or
fails, gets one row saying so. Some benches write bench rows (the accept moves of
queue_pages, the nightly warning list of standing_feeds): run it on a copy, never on
the shared bench_beijing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# DEBUG off as pages are served; the clients run in-process, so the key protects nothing.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

BEIJING = {"enterprises": 500_000, "applications": 50_000, "certificates": 100_000}
HAZARDS = 1_000_000
COLUMNS = ("bench", "case", "median ms", "p95 ms", "floor ms", "ratio", "queries", "target")


def _argv(requests: int) -> dict[str, list[str]]:
    """Each bench's arguments at Beijing size, seeding nothing of its own."""
    n = ["--requests", str(requests)]
    return {
        "registry_list": [*n, "--enterprises", "0"],
        "scoped_lists": n,
        "assessment_page": n,
        "queue_pages": [*n, "--applications", "0"],
        "later_steps": n,
        "verify_page": n,
        "hazard_scale": [*n, "--hazards", str(HAZARDS)],
        "dashboard_scale": [*n, "--reuse"],
        "standing_feeds": [*n, "--reuse"],
        "assessment_reports": [],
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="these benches, e.g. registry_list,queue_pages")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per case")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    parser.add_argument(
        "--quiet", action="store_true", help="hide the benches' own output, keep the table"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one bench, in its own process
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    parser.add_argument("bench_argv", nargs="*", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- seeding ------------------------------------------------------------------------


def seed() -> None:
    """What bench/dashboard_scale.py seeds, plus the standards, catalogues and demo
    applications it expects to find (each step adds only what is missing)."""
    import random

    import dashboard_scale
    from django.core.management import call_command

    started = time.perf_counter()
    print("Seeding what is missing (standards, catalogues, seed_demo, COPY) …")
    call_command("load_standards", verbosity=0)
    call_command("load_hazard_catalogues", verbosity=0)
    call_command("seed_demo", enterprises=BEIJING["enterprises"], no_snapshot=True, verbosity=0)
    args = dashboard_scale.parse_args(
        [f"--{name}={count}" for name, count in BEIJING.items()] + [f"--hazards={HAZARDS}"]
    )
    dashboard_scale.seed(args)
    # The dashboards read last night's snapshot: take one as the nightly job would.
    from reporting.snapshots.store import snapshot_nightly

    snapshot_nightly()
    random.seed()
    print(f"  seeded in {time.perf_counter() - started:.0f} s")


# --- running ------------------------------------------------------------------------


def failed(bench: str, why: str) -> dict[str, Any]:
    return {"bench": bench, "case": why, "target": "—"}


def run_bench(name: str, argv: list[str], quiet: bool) -> list[dict[str, Any]]:
    """The bench's ``main(argv)`` in a process of its own: each bench sets its
    environment (Celery eager, a throw-away signing key …) before Django starts, as
    when run alone, and one bench's failure or memory stays its own."""
    if not (BENCH / f"{name}.py").exists():
        return [failed(name, f"bench/{name}.py does not exist yet")]
    print(f"\n=== {name} {' '.join(argv)} ({load()})", flush=True)
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".json", prefix=f"bench-{name}-") as found:
        command = [sys.executable, __file__, "--child", name, "--rows", found.name, "--", *argv]
        done = subprocess.run(command, stdout=subprocess.DEVNULL if quiet else None, check=False)
        text = Path(found.name).read_text()
    print(f"=== {name}: {time.perf_counter() - started:.0f} s, exit {done.returncode}", flush=True)
    if not text:
        return [failed(name, f"failed (exit {done.returncode}), see its output above")]
    rows = json.loads(text)
    if not isinstance(rows, list):
        return [failed(name, "main(argv) returns no rows yet")]
    return rows


def child(name: str, rows_file: str, argv: list[str]) -> None:
    """In the bench's process: its rows, as JSON, into ``rows_file``."""
    rows = importlib.import_module(name).main(argv)
    Path(rows_file).write_text(json.dumps(rows if isinstance(rows, list) else None, default=str))


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# --- targets ------------------------------------------------------------------------

_PART = re.compile(r"^\s*(≤|<=|≥|>=)\s*([\d.,]+)\s*(×|x)?\s*(ms|s|q|queries|floor|sql|/s)?\s*$")


def met(row: dict[str, Any]) -> str:
    """ "yes", "no" or "—" for a target such as "≤ 30 ms", "≤ 3× floor", "≤ 1.5× SQL",
    "≤ 15 queries", "≤ 300 s" or several joined by commas ("≤ 100 ms, ≤ 15 queries")."""
    target = str(row.get("target") or "")
    verdicts = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]| and ", target))):
        match = _PART.match(part.lower())
        if not match:
            return "—"
        sign, number, times, unit = match.groups()
        limit = float(number.replace(",", ""))
        if times or unit in ("floor", "sql"):
            value = row.get("ratio")
        elif unit in ("q", "queries"):
            value = row.get("queries")
        elif unit == "s":
            value, limit = row.get("median_ms"), limit * 1000
        else:
            value = row.get("median_ms")
        if value is None:
            return "—"
        verdicts.append(value <= limit if sign in ("≤", "<=") else value >= limit)
    if not verdicts:
        return "—"
    return "yes" if all(verdicts) else "no"


def cells(row: dict[str, Any]) -> list[str]:
    def number(key: str, digits: int = 1) -> str:
        value = row.get(key)
        if value is None:
            return ""
        return f"{value:,.{digits}f}"

    ratio = row.get("ratio")
    return [
        str(row.get("bench", "")),
        str(row.get("case", "")),
        number("median_ms"),
        number("p95_ms"),
        number("floor_ms"),
        "" if ratio is None else f"×{ratio:.2f}",
        "" if row.get("queries") is None else str(row["queries"]),
        str(row.get("target") or ""),
        met(row),
    ]


def table(rows: list[dict[str, Any]], markdown: bool) -> str:
    header = [*COLUMNS, "met?"]
    lines = [cells(row) for row in rows]
    numeric = {2, 3, 4, 5, 6}
    if markdown:
        out = ["| " + " | ".join(header) + " |"]
        out.append("|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))))
        out[-1] += "|"
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def fmt(line: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )

    return "\n".join(fmt(line).rstrip() for line in [header, ["-" * w for w in widths], *lines])


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.rows, args.bench_argv)
        return []
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…): the benches seed with COPY.")
    benches = _argv(args.requests)
    chosen = [name for name in filter(None, args.only.split(",")) if name] or list(benches)
    unknown = [name for name in chosen if name not in benches]
    if unknown:
        sys.exit(f"Unknown bench: {', '.join(unknown)}; known: {', '.join(benches)}")
    started = time.perf_counter()
    if not args.reuse:
        seed()
    rows: list[dict[str, Any]] = []
    for name in chosen:
        rows += run_bench(name, benches[name], args.quiet)
    database = connection.settings_dict["NAME"]
    print(
        f"\nAll benches: {len(rows)} rows, {time.perf_counter() - started:.0f} s, "
        f"database {database}, {args.requests} requests per case, {load()}\n"
    )
    print(table(rows, args.markdown))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

"""Load test: gunicorn + a Celery worker on PostgreSQL and Redis, driven by Locust
with a working day's mix of users (bench/load/locustfile.py), then a table per
request type and the check that no accepted answer was lost. Not part of CI.

    createdb -h 127.0.0.1 -U postgres -T bench_beijing bench_load   # a copy, once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load DEBUG=true \\
        .venv/bin/python manage.py migrate
    pip install -e '.[bench]'                                        # locust
    .venv/bin/python bench/load_test.py                # 200 users for 5 minutes
    .venv/bin/python bench/load_test.py --users 50 --minutes 1 --workers 2

Steps: the plan (bench/load/plan.py: bench enterprise logins with draft checklists,
the demo reviewer's on-site sheet, officials, certificates), a Celery worker and
gunicorn started with pidfiles in ``--workdir``, Locust headless for ``--minutes``,
both servers stopped by their pidfiles, then the table (count, failures, median,
p95, max per request type; target p95 ≤ 300 ms, no failures) and the answers
compared with the database. See bench/README.md ("Load test").
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
P95_MS = 300


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load"),
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--think",
        default="5,15",
        help="seconds between one user's clicks, min,max (1,5 for a stress run)",
    )
    parser.add_argument(
        "--warmup", type=float, default=1, help="minutes of the same load first, not measured"
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--minutes", type=float, default=5)
    # 8 × 2 on 2 CPUs: with 4 × 4 a worker's threads share one GIL, so a heavy page
    # (an on-site sheet) slowed its 3 neighbours; with 1 thread a request queued
    # behind it on the same kept-alive connections (bench/README.md, "Load test").
    parser.add_argument("--workers", type=int, default=8, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--enterprises", type=int, default=120, help="bench enterprise logins")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "load"))
    return parser.parse_args(argv)


def environment(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """The servers' environment: production settings (DEBUG off) over plain HTTP."""
    key = workdir / "signing-key.pem"
    if not key.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        # Persistent connections: a new PostgreSQL connection per request costs
        # more than many of the pages' queries (docker-compose.yml sets 60 too).
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "CACHE_URL": args.redis,
        "CELERY_BROKER_URL": args.redis,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CERTIFICATE_SIGNING_KEY": str(key),
        # Every public visitor comes from 127.0.0.1 here; the per-address limit
        # would refuse them as one scraper.
        "CERTIFICATE_LOOKUP_LIMIT": "100000000",
        "LOGIN_ADDRESS_FAILURE_LIMIT": "100000",
        "MEDIA_ROOT": str(workdir / "media"),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{args.port}",
        "PYTHONUNBUFFERED": "1",
    }


def start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(pidfile: Path) -> None:
    """TERM the process named by the pidfile, KILL after 20 s."""
    try:
        pid = int(pidfile.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError):
        pidfile.unlink(missing_ok=True)
        return
    if b"gunicorn" not in command and b"celery" not in command:
        pidfile.unlink(missing_ok=True)  # a stale pidfile: that process is not ours
        return
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    pidfile.unlink(missing_ok=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def table(stats_csv: Path) -> bool:
    """Per request type: count, failures, median, p95, max; True when every p95 is
    within the target and nothing failed."""
    with stats_csv.open(newline="") as found:
        rows = list(csv.DictReader(found))
    header = ("request", "count", "failures", "median ms", "p95 ms", "max ms", "met?")
    lines = []
    all_met = True
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        failures = int(row["Failure Count"])
        p95 = float(row["95%"] or 0)
        met = failures == 0 and p95 <= P95_MS
        if row["Name"] != "Aggregated":
            all_met = all_met and met
        lines.append(
            (
                f"{row['Type']} {name}".strip(),
                row["Request Count"],
                str(failures),
                f"{float(row['Median Response Time'] or 0):.0f}",
                f"{p95:.0f}",
                f"{float(row['Max Response Time'] or 0):.0f}",
                "" if row["Name"] == "Aggregated" else ("yes" if met else "no"),
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    for line in (header, *lines):
        print(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
        )
    return all_met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(args, workdir)
    plan, saves = workdir / "plan.json", workdir / "saves.csv"
    saves.write_text("")
    python = str(VENV / "python")
    subprocess.run(
        [python, "bench/load/plan.py", "write", str(plan), "--enterprises", str(args.enterprises)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    celery_pid, web_pid = workdir / "celery.pid", workdir / "gunicorn.pid"
    for pidfile in (celery_pid, web_pid):  # an interrupted run's leftovers
        stop(pidfile)
    start(
        [str(VENV / "celery"), "-A", "portal", "worker", "--loglevel", "WARNING",
         "--concurrency", str(args.celery_concurrency), "--pidfile", str(celery_pid)],
        workdir / "celery.log",
        env,
    )  # fmt: skip
    start(
        [str(VENV / "gunicorn"), "portal.wsgi:application",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--worker-class", "gthread",
         "--timeout", "120", "--pid", str(web_pid),
         # Longer than the users' pauses: gunicorn's 2 s default closes idle
         # connections as a client reuses them ("connection reset by peer").
         "--keep-alive", "75",
         # Each request's time inside the worker, to tell it from time spent queued.
         "--access-logfile", str(workdir / "access.log"),
         "--access-logformat", "%(m)s %(U)s %(s)s %(M)s"],
        workdir / "gunicorn.log",
        env,
    )  # fmt: skip
    host = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(host + "/accounts/login/")
        print(
            f"\nLocust: {args.users} users for {args.minutes:g} min against gunicorn "
            f"({args.workers} workers × {args.threads} threads), {args.think} s between "
            f"clicks, {args.database_url}; {load()}",
            flush=True,
        )
        locust_env = {
            **env,
            "LOAD_PLAN": str(plan),
            "LOAD_SAVES": str(saves),
            "LOAD_THINK": args.think,
        }

        def swarm(minutes: float, csv_prefix: str) -> None:
            subprocess.run(
                [str(VENV / "locust"), "-f", "bench/load/locustfile.py", "--headless",
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", f"{int(minutes * 60)}s", "--host", host,
                 "--csv", str(workdir / csv_prefix), "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=locust_env, check=False, stdout=subprocess.DEVNULL,
            )  # fmt: skip

        if args.warmup:
            # Unmeasured: each worker's first requests compile templates and fill the
            # caches (kept statistics, checklist trees) a running portal already has.
            print(f"warm-up: {args.warmup:g} min, not measured", flush=True)
            swarm(args.warmup, "warmup")
        started = time.perf_counter()
        swarm(args.minutes, "locust")
        print(f"\nran {time.perf_counter() - started:.0f} s; {load()} at the end")
    finally:
        stop(web_pid)
        stop(celery_pid)
    print(f"\nPer request type (target: p95 ≤ {P95_MS} ms, no failures):\n")
    met = table(workdir / "locust_stats.csv")
    checked = subprocess.run(
        [python, "bench/load/plan.py", "check", str(plan), str(saves)], cwd=ROOT, env=env
    )
    print(f"\nall targets met: {'yes' if met and checked.returncode == 0 else 'no'}")
    return 0 if met and checked.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

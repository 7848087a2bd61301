"""The home pages at Beijing scale, median ms of N runs, whole and without the
worklist counts (reporting/worklists/, counted live on the district's and street's
pages): which part misses the 100 ms target. Needs the bench_dashboards database with a
snapshot (bench/README.md, dashboard_scale.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dashboards \\
        .venv/bin/python bench/dashboard_home_parts.py --requests 10
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# DEBUG off, as the pages are served; a throw-away key.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

USERS = ("demo-district", "demo-street", "demo-regulator", "demo-city", "demo-association")


def median_ms(call, runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.test import Client

    from portal.models import User

    print(f"load {os.getloadavg()[0]:.1f}; median ms of {args.requests}")
    print(f"{'user':<18} {'home /':>8} {'without worklists':>18}")
    for name in USERS:
        client = Client()
        client.force_login(User.objects.get(username=name))
        page = median_ms(lambda c=client: c.get("/"), args.requests)
        with mock.patch("reporting.dashboards.extras.worklist_sections", lambda user: []):
            rest = median_ms(lambda c=client: c.get("/"), args.requests)
        print(f"{name:<18} {page:>8.1f} {rest:>18.1f}")


if __name__ == "__main__":
    main()

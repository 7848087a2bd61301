"""Server time of the application work queues and lists, page and API, and of one move.

Run from the project directory against a PostgreSQL database, e.g.

    createdb -h 127.0.0.1 -U postgres bench_apps
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_apps
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_standards
    DEBUG=true .venv/bin/python manage.py seed_demo --enterprises 100000
    .venv/bin/python bench/queue_pages.py

When the database holds fewer applications than ``--applications`` (20,000),
it adds them first with bulk inserts (not the services: this is bench data):
one enterprise account, one submitted self-assessment and one application per
enterprise, spread over every state and tier, received where the services
would send them, with their timeline events; open steps started within the
last 30 working days, so some are overdue. Then, in-process through
django.test.Client with DEBUG off, as demo-district (朝阳区), demo-association
and demo-city: warm-up, N timed requests, median and p95 ms and the queries of
one more request, for

- the queue page /applications/queue/ and the list /applications/;
- the API /api/v1/queue/ and /api/v1/applications/ ("not available" on 404);

and the time of one move: services.application_accept by demo-district on
fresh submitted applications (made for the purpose), notifications included.
Targets: queue and list pages ≤ 100 ms median and ≤ 15 queries; one move ≤ 50 ms
median. --explain prints the plans of the queue, list and API list queries.
See bench/README.md.
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
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production-like settings (DEBUG off) unless told otherwise; the client runs
# in-process, so this key never protects anything.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The moves e-mail the organisations: keep the mail in memory.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

USERS = ("demo-district", "demo-association", "demo-city")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--applications",
        type=int,
        default=20_000,
        help="add bench applications up to this many (0: never add)",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--moves", type=int, default=30, help="timed accept moves")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of the pages' application queries",
    )
    return parser.parse_args(argv)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


# --- bench data ---------------------------------------------------------------------

# (status, weight, transitions leading there); later steps of the workflow are
# not built yet: their events are named after the state.
PATHS = {
    "draft": (5, []),
    "submitted": (9, ["submit"]),
    "returned": (5, ["submit", "return"]),
    "rejected": (3, ["submit", "reject"]),
    "withdrawn": (3, ["submit", "withdraw"]),
    "accepted": (8, ["submit", "accept"]),
    "assigned": (5, ["submit", "accept", "assigned"]),
    "on_site_review": (6, ["submit", "accept", "assigned", "on_site_review"]),
    "rectification": (4, ["submit", "accept", "assigned", "on_site_review", "rectification"]),
    "reported": (4, ["submit", "accept", "assigned", "on_site_review", "reported"]),
    "verified": (3, ["submit", "accept", "assigned", "on_site_review", "reported", "verified"]),
    "publicity": (
        3,
        ["submit", "accept", "assigned", "on_site_review", "reported", "verified", "publicity"],
    ),
    "announced": (
        30,
        [
            "submit",
            "accept",
            "assigned",
            "on_site_review",
            "reported",
            "verified",
            "publicity",
            "announced",
        ],
    ),
}
LEVEL_1_PATHS = {
    "draft": (10, []),
    "submitted": (15, ["submit"]),
    "returned": (10, ["submit", "return"]),
    "rejected": (5, ["submit", "reject"]),
    "withdrawn": (5, ["submit", "withdraw"]),
    "national": (20, ["submit", "forward_national"]),
    "national_decided": (35, ["submit", "forward_national", "record_national_result"]),
}
OPEN = {"draft", "submitted", "returned", "accepted", "national"}


@contextmanager
def explicit_timestamps(*fields):
    """Let bulk_create keep the timestamps given (auto_now_add off meanwhile)."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _flag in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, flag in saved:
            f.auto_now_add = flag


def add_applications(
    count: int,
    rng: random.Random,
    *,
    region: str | None = None,
    status: str | None = None,
    tier: str | None = None,
) -> list[int]:
    """Bulk-insert ``count`` applications (with accounts, assessments, events) for
    enterprises that have none yet; returns their ids."""
    from django.db import transaction
    from django.utils import timezone

    from certification.models import Application, ApplicationEvent
    from certification.workflow import time_limit
    from enterprises.models import Enterprise
    from portal import workdays
    from portal.models import Organisation, OrganisationKind, Qualification, User
    from reviews.models import Assessment, StandardVersion

    versions = {
        v.standard.code: v
        for v in StandardVersion.objects.filter(
            status=StandardVersion.Status.PUBLISHED
        ).select_related("standard")
    }
    general, small = versions["gongmao-general"], versions["small-micro"]
    districts = dict(
        Organisation.objects.filter(kind=OrganisationKind.DISTRICT).values_list("region_id", "pk")
    )
    city = Organisation.objects.get(kind=OrganisationKind.CITY_OFFICE).pk
    level_2 = dict(
        Qualification.objects.filter(
            tier="2", organisation__kind=OrganisationKind.ORGANISING_UNIT
        ).values_list("industry_id", "organisation_id")
    )
    applicant_user = User.objects.get(username="demo-enterprise")
    receiver_user = User.objects.get(username="demo-district")
    candidates = Enterprise.objects.filter(
        status=Enterprise.Status.ACTIVE, applications__isnull=True
    ).exclude(name__in=Organisation.objects.values("name"))
    if region:
        candidates = candidates.filter(region_id=region)
    enterprises = list(candidates.order_by("pk")[:count])
    if len(enterprises) < count:
        print(f"  only {len(enterprises)} enterprises without applications are left")
    now = timezone.now()
    today = timezone.localdate()
    with (
        transaction.atomic(),
        explicit_timestamps(
            Application._meta.get_field("created_at"),
            Application._meta.get_field("status_changed_at"),
            ApplicationEvent._meta.get_field("created_at"),
        ),
    ):
        accounts = Organisation.objects.bulk_create(
            [
                Organisation(name=e.name, kind=OrganisationKind.ENTERPRISE, region_id=e.region_id)
                for e in enterprises
                if e.group_id is None
            ],
            batch_size=2000,
        )
        account_of = {org.name: org.pk for org in accounts}
        for e in enterprises:
            e.account_id = account_of.get(e.name)
        Enterprise.objects.bulk_update(
            [e for e in enterprises if e.account_id], ["account"], batch_size=2000
        )
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    enterprise=e,
                    enterprise_name=e.name,
                    region_id=e.region_id,
                    street_id=e.street_id,
                    enterprise_industry_id=e.industry_id,
                    version=small if e.scale == "small_micro" else general,
                    status=Assessment.Status.SUBMITTED,
                    team_leader="张伟",
                    created_by=applicant_user,
                    submitted_by=applicant_user,
                    submitted_at=now,
                    submitted_score=Decimal("92.5"),
                    submitted_grade="1",
                )
                for e in enterprises
            ],
            batch_size=2000,
        )
        applications, paths = [], []
        for e, assessment in zip(enterprises, assessments, strict=True):
            if tier:
                grade = tier
            elif e.scale == "small_micro":
                grade = "pass"
            else:
                grade = rng.choices(["1", "2", "3"], weights=[3, 25, 72])[0]
                if grade == "2" and e.industry_id not in level_2:
                    grade = "3"
            table = LEVEL_1_PATHS if grade == "1" else PATHS
            state = status or rng.choices(list(table), weights=[w for w, _p in table.values()])[0]
            receiver = {"1": city, "2": level_2.get(e.industry_id)}.get(
                grade, districts[e.region_id]
            )
            moves = table[state][1]
            # open steps began in the last 30 working days (some are overdue)
            # closed ones any time in the last two years
            age = rng.randint(0, 42) if state in OPEN else rng.randint(30, 730)
            started = now - datetime.timedelta(days=age + 3 * len(moves), hours=rng.randint(0, 9))
            changed = started + datetime.timedelta(days=3 * len(moves))
            limit = time_limit(state)
            due = (
                workdays.add_working_days(timezone.localtime(changed).date(), limit)
                if limit
                else None
            )
            applications.append(
                Application(
                    enterprise=e,
                    enterprise_name=e.name,
                    applicant_id=e.account_id or e.group_id,
                    assessment=assessment,
                    tier=grade,
                    industry_id=e.industry_id,
                    region_id=e.region_id,
                    street_id=e.street_id,
                    enterprise_industry_id=e.industry_id,
                    receiver_id=receiver,
                    status=state,
                    created_at=started,
                    status_changed_at=changed,
                    due_on=due,
                    due_is_estimated=bool(due and workdays.is_estimated(today, due)),
                    declaration_confirmed=bool(moves),
                    created_by=applicant_user,
                    submitted_at=started if moves else None,
                    national_result="approved" if state == "national_decided" else "",
                    national_reference="应急管理部公告" if state == "national_decided" else "",
                )
            )
            paths.append((moves, started))
        Application.objects.bulk_create(applications, batch_size=2000)
        events = []
        for application, (moves, started) in zip(applications, paths, strict=True):
            previous = "draft"
            for step, move in enumerate(moves):
                target = {
                    "submit": "submitted",
                    "return": "returned",
                    "reject": "rejected",
                    "withdraw": "withdrawn",
                    "accept": "accepted",
                    "forward_national": "national",
                    "record_national_result": "national_decided",
                }.get(move, move)
                by_applicant = move in ("submit", "withdraw")
                events.append(
                    ApplicationEvent(
                        application=application,
                        transition=move,
                        from_status=previous,
                        to_status=target,
                        actor=applicant_user if by_applicant else receiver_user,
                        organisation_id=(
                            application.applicant_id if by_applicant else application.receiver_id
                        ),
                        created_at=started + datetime.timedelta(days=3 * (step + 1)),
                    )
                )
                previous = target
        ApplicationEvent.objects.bulk_create(events, batch_size=5000)
    return [a.pk for a in applications]


# --- measuring ----------------------------------------------------------------------


def measure(client, url: str, requests: int, warmup: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = None
    for _ in range(max(1, warmup)):
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


def explain(queries, table: str = "certification_application") -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the captured SELECTs that read ``table``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("    (EXPLAIN ANALYZE only on PostgreSQL)")
        return
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if table not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(
                f"\n    -- {float(query['time']) * 1000:.1f} ms: {sql[:400]}"
                f"{'…' if len(sql) > 400 else ''}"
            )
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("    " + line)


def time_moves(count: int, rng: random.Random) -> dict | None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.applications import services
    from certification.models import Application
    from portal.models import User

    district = User.objects.select_related("organisation").get(username="demo-district")
    ids = add_applications(
        count + 2, rng, region=district.organisation.region_id, status="submitted", tier="3"
    )
    if len(ids) < count + 2:
        print("not enough enterprises left in 朝阳区 for fresh applications")
        return None
    timings = []
    for pk in ids[:count]:
        application = Application.objects.get(pk=pk)
        started = time.perf_counter()
        services.application_accept(actor=district, application=application)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        services.application_accept(
            actor=district, application=Application.objects.get(pk=ids[count])
        )
    print(
        f"\none move: application_accept by demo-district, {count} fresh submitted "
        f"applications: median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, {len(captured)} queries "
        f"(notifications included)"
    )
    return row(
        "one move: application_accept (demo-district)",
        statistics.median(timings),
        percentile(timings, 0.95),
        len(captured),
        "≤ 50 ms",
    )


def row(case: str, median, p95, queries, target: str) -> dict:
    """One figure for bench/run_all.py."""
    return {
        "bench": "queue_pages",
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
    from django.test import Client

    from certification.models import Application
    from certification.selectors import queue_for
    from enterprises.models import Enterprise
    from portal.models import User

    rng = random.Random(4)
    users = {
        name: User.objects.select_related("organisation").filter(username=name).first()
        for name in USERS
    }
    if not all(users.values()) or not Application.objects.exists():
        sys.exit("Run load_standards, then seed_demo --enterprises 100000 first.")
    have = Application.objects.count()
    if args.applications and have < args.applications:
        started = time.perf_counter()
        print(f"{have} applications; adding {args.applications - have} …")
        add_applications(args.applications - have, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics for the planner
                cursor.execute("ANALYZE")
        print(f"  done in {time.perf_counter() - started:.1f} s")
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{Enterprise.objects.count()} enterprises, {Application.objects.count()} "
        f"applications. DEBUG={settings.DEBUG}. {args.requests} requests after "
        f"{args.warmup} warm-up."
    )
    for name, user in users.items():
        print(
            f"  {name}: {queue_for(user).count()} in the queue, "
            f"{Application.objects.visible_to(user).count()} visible"
        )
    cases = [
        ("queue page", "/applications/queue/"),
        ("list page", "/applications/"),
        ("API queue", "/api/v1/queue/"),
        ("API list", "/api/v1/applications/"),
    ]
    print(
        f"\n{'case':<12} {'user':<17} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    )
    to_explain = []
    rows = []
    for label, url in cases:
        for name, user in users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            status, median, p95, queries, captured = measure(
                client, url, args.requests, args.warmup
            )
            if status == 404:
                print(f"{label:<12} {name:<17} {status:>6}   not available")
                rows.append(row(f"{label} ({name}): HTTP 404", None, None, None, ""))
                continue
            if median is None:
                print(f"{label:<12} {name:<17} {status:>6}   (not measured)")
                rows.append(row(f"{label} ({name}): HTTP {status}", None, None, None, ""))
                continue
            page = label in ("queue page", "list page")
            target = "≤ 100 ms, ≤ 15 queries" if page else ""
            rows.append(row(f"{label} {url} ({name})", median, p95, queries, target))
            flag = ""
            if label in ("queue page", "list page") and (median > 100 or queries > 15):
                flag = "  ← over target"
            print(
                f"{label:<12} {name:<17} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}{flag}"
            )
            if label in ("queue page", "list page", "API list"):
                to_explain.append((f"{label} as {name}", captured))
    if args.moves and (moved := time_moves(args.moves, rng)):
        rows.append(moved)
    if args.explain:
        for name, captured in to_explain:
            print(f"\nApplication queries of the {name}:")
            explain(captured)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

"""Bench data of bench/dashboard_scale.py: applications, certificates with their
events and annual self-assessments, and accidents, written with COPY (bench rows,
not the services). Ids come from the tables' own sequences (one ``nextval`` per row
in a single query), so rows can point at each other without reading them back."""

from __future__ import annotations

import datetime
import io
import itertools
import json
import random
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# Each announced bench application carries one certificate: Certificate.application
# is a required one-to-one, so the certificates' applications come on top of the
# applications in the other states.
STATES = {  # status -> (weight, transitions leading there)
    "draft": (8, []),
    "submitted": (12, ["submit"]),
    "returned": (6, ["submit", "return"]),
    "rejected": (5, ["submit", "reject"]),
    "withdrawn": (4, ["submit", "withdraw"]),
    "accepted": (10, ["submit", "accept"]),
    "assigned": (8, ["submit", "accept", "assigned"]),
    "on_site_review": (10, ["submit", "accept", "assigned", "on_site_review"]),
    "rectification": (6, ["submit", "accept", "assigned", "on_site_review", "rectification"]),
    "reported": (7, ["submit", "accept", "assigned", "on_site_review", "reported"]),
    "verified": (5, ["submit", "accept", "assigned", "on_site_review", "reported", "verified"]),
    "publicity": (
        4,
        ["submit", "accept", "assigned", "on_site_review", "reported", "verified", "publicity"],
    ),
    "national": (3, ["submit", "forward_national"]),
}
TARGETS = {
    "submit": "submitted",
    "return": "returned",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "accept": "accepted",
    "forward_national": "national",
}
OPEN = {"draft", "submitted", "returned", "accepted", "national"}
REASONS = ("fatal_accident", "major_hazard", "system_not_running", "fraud", "other")


def _text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def new_ids(model: Any, count: int) -> list[int]:
    from django.db import connection

    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: Any, rows: Iterable[dict[str, Any]], *, chunk: int = 100_000) -> int:
    """COPY dicts of field values (``id`` included) into the model's table; fields
    not given take their model default (Django's defaults live in Python)."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    # Rows without an id take the next of the sequence (the column's default).
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or "id" in first]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif not f.primary_key:
            defaults[f.attname] = f.get_default()
    written = 0
    buffer = io.StringIO()

    def flush() -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for n, row in enumerate(itertools.chain([first], rows), 1):
        buffer.write("\t".join(_text(row.get(f.attname, defaults.get(f.attname))) for f in fields))
        buffer.write("\n")
        written = n
        if n % chunk == 0:
            flush()
    flush()
    # The foreign-key checks of a COPY in a transaction run at its commit, each planned
    # once from the statistics: without these, a table filled in the same transaction
    # looks as small as before and is scanned once per referencing row.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    return written


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def seed_certification(applications: int, certificates: int, rng: random.Random) -> None:
    """``certificates`` announced applications with a certificate each (distinct
    enterprises), and ``applications`` more in the other states, a third of them
    by certificate holders (renewals)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from certification.models import (
        AnnouncementBatch,
        AnnualSelfAssessment,
        Application,
        ApplicationEvent,
        Certificate,
        CertificateEvent,
    )
    from certification.validity import add_months
    from enterprises.models import Enterprise
    from portal.models import Organisation, OrganisationKind, Qualification, User
    from reviews.models import Assessment, StandardVersion

    if Certificate.objects.count() >= certificates:
        print(f"  {Certificate.objects.count():,} certificates already")
        return
    started = time.perf_counter()
    today = timezone.localdate()
    versions = {
        v.standard.code: v.pk
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
    author = User.objects.get(username="demo-enterprise").pk
    official = User.objects.get(username="demo-district").pk
    applicant, _created = Organisation.objects.get_or_create(
        name="基准测试申请单位（bench）", defaults={"kind": OrganisationKind.ENTERPRISE}
    )
    rows = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE, applications__isnull=True)
        .order_by("pk")
        .values_list("pk", "region_id", "industry_id", "scale", "street_id", "name")
    )
    street_of = {row[0]: row[4] for row in rows}
    name_of = {row[0]: row[5] for row in rows}
    pool = [row[:4] for row in rows]
    rng.shuffle(pool)
    holders = pool[:certificates]
    others = pool[certificates:]

    def grade_of(industry: int, scale: str) -> str:
        if scale == "small_micro":
            return "pass"
        grade = rng.choices(["1", "2", "3"], weights=[2, 20, 78])[0]
        return "3" if grade == "2" and industry not in level_2 else grade

    def receiver_of(grade: str, region: str, industry: int) -> int:
        return {"1": city, "2": level_2.get(industry)}.get(grade) or districts[region]

    # --- certificates and their announced applications ---------------------------
    cert_plan = []  # (enterprise, region, industry, grade, receiver, status, valid_from)
    for pk, region, industry, scale in holders:
        grade = grade_of(industry, scale)
        roll = rng.random()
        if roll < 0.80:
            status, age = "valid", rng.randrange(0, 3 * 365 - 1)
        elif roll < 0.83:
            status, age = "suspended", rng.randrange(30, 3 * 365 - 1)
        elif roll < 0.87:
            status, age = "revoked", rng.randrange(60, 3 * 365)
        else:
            status, age = "expired", rng.randrange(3 * 365, 5 * 365)
        valid_from = today - datetime.timedelta(days=age)
        cert_plan.append(
            (pk, region, industry, grade, receiver_of(grade, region, industry), status, valid_from)
        )
    n_cert = len(cert_plan)
    # --- other applications --------------------------------------------------------
    renewals = rng.sample(range(n_cert), min(n_cert, applications // 3))
    app_plan = []  # (enterprise, region, industry, grade, receiver, status, created)
    for index in renewals:
        pk, region, industry, grade, receiver, _s, valid_from = cert_plan[index]
        state = rng.choices(list(STATES), weights=[w for w, _p in STATES.values()])[0]
        if grade != "1" and state == "national":
            state = "submitted"
        created = today - datetime.timedelta(days=rng.randrange(0, 400))
        app_plan.append((pk, region, industry, grade, receiver, state, max(created, valid_from)))
    for pk, region, industry, scale in others[: applications - len(app_plan)]:
        grade = grade_of(industry, scale)
        state = rng.choices(list(STATES), weights=[w for w, _p in STATES.values()])[0]
        if grade == "1" and state not in ("draft", "submitted", "returned", "rejected"):
            state = "national"
        elif state == "national":
            state = "submitted"
        age = rng.randint(0, 60) if state in OPEN else rng.randint(30, 730)
        app_plan.append(
            (
                pk,
                region,
                industry,
                grade,
                receiver_of(grade, region, industry),
                state,
                today - datetime.timedelta(days=age),
            )
        )
    total = n_cert + len(app_plan)
    with transaction.atomic():
        assessment_ids = new_ids(Assessment, total)
        application_ids = new_ids(Application, total)
        plan = [
            (*row[:5], "announced", row[6] - datetime.timedelta(days=120), row) for row in cert_plan
        ] + [(*row, None) for row in app_plan]
        copy_rows(
            Assessment,
            (
                {
                    "id": assessment_ids[i],
                    "enterprise_id": p[0],
                    "enterprise_name": name_of[p[0]],
                    "region_id": p[1],
                    "street_id": street_of[p[0]],
                    "enterprise_industry_id": p[2],
                    "version_id": small if p[3] == "pass" else general,
                    "status": "submitted",
                    "team_leader": "张伟",
                    "created_by_id": author,
                    "created_at": _aware(p[6] - datetime.timedelta(days=10)),
                    "submitted_at": _aware(p[6] - datetime.timedelta(days=5)),
                    "submitted_by_id": author,
                    "submitted_score": Decimal("88.5"),
                    "submitted_grade": p[3],
                }
                for i, p in enumerate(plan)
            ),
        )

        def app_rows() -> Iterable[dict[str, Any]]:
            for i, p in enumerate(plan):
                pk, region, industry, grade, receiver, state, created, cert = p
                moves = STATES.get(state, (0, []))[1]
                changed = created + datetime.timedelta(days=3 * len(moves))
                if cert is not None:
                    changed = cert[6]
                open_step = state in ("submitted", "accepted", "assigned", "national")
                yield {
                    "id": application_ids[i],
                    "enterprise_id": pk,
                    "applicant_id": applicant.pk,
                    "assessment_id": assessment_ids[i],
                    "enterprise_name": name_of[pk],
                    "tier": grade,
                    "industry_id": industry,
                    "region_id": region,
                    "street_id": street_of[pk],
                    "enterprise_industry_id": industry,
                    "receiver_id": receiver,
                    "status": state,
                    "status_changed_at": _aware(changed),
                    "due_on": changed + datetime.timedelta(days=28) if open_step else None,
                    "declaration_confirmed": state != "draft",
                    "granted_tier": grade if cert is not None else "",
                    "created_by_id": author,
                    "created_at": _aware(created),
                    "submitted_at": _aware(created) if state != "draft" else None,
                }

        copy_rows(Application, app_rows())

        def event_rows() -> Iterable[dict[str, Any]]:
            for i, p in enumerate(plan):
                state, created, cert = p[5], p[6], p[7]
                if cert is not None:
                    moves = ["submit", "announced"]
                else:
                    moves = STATES[state][1]
                previous = "draft"
                for step, move in enumerate(moves):
                    target = TARGETS.get(move, move)
                    yield {
                        "application_id": application_ids[i],
                        "transition": move,
                        "from_status": previous,
                        "to_status": target,
                        "actor_id": author if move in ("submit", "withdraw") else official,
                        "organisation_id": applicant.pk if move in ("submit", "withdraw") else p[4],
                        "created_at": _aware(
                            cert[6] if cert is not None and move == "announced" else created
                        )
                        + datetime.timedelta(days=3 * step),
                    }
                    previous = target

        events = copy_rows(ApplicationEvent, event_rows())
        # Announcements: one per organiser and month of validity start.
        batches: dict[tuple[int, int, int], int] = {}
        for p in plan[:n_cert]:  # p[7][6]: the certificate's first day
            batches.setdefault((p[4], p[7][6].year, p[7][6].month), 0)
        batch_ids = new_ids(AnnouncementBatch, len(batches))
        numbers: dict[tuple[int, int], int] = {
            (organiser, year): number
            for organiser, year, number in AnnouncementBatch.objects.values_list(
                "organiser_id", "year", "number"
            )
        }
        batch_rows = []
        for (organiser, year, month), batch_id in zip(batches, batch_ids, strict=True):
            batches[(organiser, year, month)] = batch_id
            numbers[(organiser, year)] = max(numbers.get((organiser, year), 0), 900) + 1
            batch_rows.append(
                {
                    "id": batch_id,
                    "organiser_id": organiser,
                    "year": year,
                    "number": numbers[(organiser, year)],
                    "title": f"{year}年第{numbers[(organiser, year)]}批（基准）",
                    "announced_on": datetime.date(year, month, 1),
                    "kind": "award",
                    "created_by_id": official,
                }
            )
        copy_rows(AnnouncementBatch, batch_rows)
        cert_ids = new_ids(Certificate, n_cert)
        months = 3  # the renewal window

        def cert_rows() -> Iterable[dict[str, Any]]:
            for i, p in enumerate(plan[:n_cert]):
                pk, region, industry, grade, receiver, _state, _created, cert = p
                status, valid_from = cert[5], cert[6]
                valid_until = add_months(valid_from, 36) - datetime.timedelta(days=1)
                changed = None
                reason = ""
                if status == "revoked":
                    changed = valid_from + datetime.timedelta(days=rng.randrange(30, 700))
                    changed = min(changed, today)
                    reason = rng.choice(REASONS)
                elif status == "suspended":
                    changed = min(
                        today, valid_from + datetime.timedelta(days=rng.randrange(20, 600))
                    )
                    reason = rng.choice(REASONS)
                elif status == "expired":
                    changed = valid_until + datetime.timedelta(days=1)
                yield {
                    "id": cert_ids[i],
                    "number": f"BJ-BENCH-{cert_ids[i]:08d}",
                    "application_id": application_ids[i],
                    "enterprise_id": pk,
                    "tier": grade,
                    "industry_id": industry,
                    "region_id": region,
                    "street_id": street_of[pk],
                    "enterprise_industry_id": industry,
                    "announcement_id": batches[(receiver, valid_from.year, valid_from.month)],
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "status": status,
                    "created_at": _aware(valid_from),
                    "status_reason": reason,
                    "status_changed_at": _aware(changed) if changed else None,
                    "review_flagged_at": _aware(today) if rng.random() < 0.004 else None,
                }

        copy_rows(Certificate, cert_rows())
        del months

        def cert_event_rows() -> Iterable[dict[str, Any]]:
            for i, p in enumerate(plan[:n_cert]):
                status, valid_from = p[7][5], p[7][6]
                yield {
                    "certificate_id": cert_ids[i],
                    "action": "issued",
                    "to_status": "valid",
                    "to_tier": p[3],
                    "actor_id": official,
                    "created_at": _aware(valid_from),
                }
                if status in ("suspended", "revoked"):
                    yield {
                        "certificate_id": cert_ids[i],
                        "action": status,
                        "from_status": "valid",
                        "to_status": status,
                        "reason": rng.choice(REASONS),
                        "actor_id": official,
                        "created_at": _aware(today),
                    }
                elif status == "expired":
                    yield {
                        "certificate_id": cert_ids[i],
                        "action": "expired",
                        "from_status": "valid",
                        "to_status": "expired",
                        "created_at": _aware(add_months(valid_from, 36)),
                    }
                    if rng.random() < 0.5:
                        yield {
                            "certificate_id": cert_ids[i],
                            "action": "renewed",
                            "from_status": "expired",
                            "to_status": "expired",
                            "created_at": _aware(add_months(valid_from, 36)),
                        }

        cert_events = copy_rows(CertificateEvent, cert_event_rows())

        def annual_rows() -> Iterable[dict[str, Any]]:
            for i, p in enumerate(plan[:n_cert]):
                status, valid_from = p[7][5], p[7][6]
                if status not in ("valid", "suspended"):
                    continue
                for year in (1, 2, 3):
                    due = add_months(valid_from, 12 * year)
                    if due > today + datetime.timedelta(days=30):
                        break
                    submitted = due <= today and rng.random() < 0.9
                    yield {
                        "certificate_id": cert_ids[i],
                        "year": year,
                        "due_on": due,
                        "submitted_at": _aware(due - datetime.timedelta(days=5))
                        if submitted
                        else None,
                        "overdue_recorded_at": _aware(due + datetime.timedelta(days=1))
                        if due < today and not submitted
                        else None,
                    }

        annual = copy_rows(AnnualSelfAssessment, annual_rows())
    with connection.cursor() as cursor:
        for model in (Assessment, Application, ApplicationEvent, AnnouncementBatch, Certificate):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    print(
        f"  added {total:,} applications ({n_cert:,} announced with a certificate), "
        f"{events:,} application events, {len(batches):,} announcements, "
        f"{cert_events:,} certificate events, {annual:,} annual self-assessments "
        f"in {time.perf_counter() - started:.0f} s"
    )


def seed_accidents(count: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from enterprises.models import Accident, Enterprise

    if Accident.objects.count() >= count:
        print(f"  {Accident.objects.count():,} accidents already")
        return
    today = timezone.localdate()
    author = get_user_model().objects.get(username="demo-district").pk
    ids = list(Enterprise.objects.filter(status="active").values_list("pk", flat=True))
    written = copy_rows(
        Accident,
        (
            {
                "id": pk,
                "enterprise_id": rng.choice(ids),
                "occurred_on": today - datetime.timedelta(days=rng.randrange(3 * 365)),
                "deaths": rng.choices([0, 1, 2, 3], weights=[80, 14, 4, 2])[0],
                "serious_injuries": rng.choices([0, 1, 2], weights=[60, 30, 10])[0],
                "direct_loss": Decimal(rng.randrange(0, 500)),
                "description": "基准测试事故记录",
                "recorded_by_id": author,
            }
            for pk in new_ids(Accident, count - Accident.objects.count())
        ),
    )
    print(f"  added {written:,} accidents")


def seed_self_reports(quarters: int, rng: random.Random) -> None:
    """The quarterly self-reports of the last ``quarters`` quarters, as
    bench/hazard_scale.py seeds them (85% filed, one in seven of those late), for the
    active enterprises without a form yet (the demo data has a few)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone
    from hazard_scale import last_quarters, quarter_bounds

    from enterprises.models import Enterprise
    from hazards.models import SelfReport

    if SelfReport.objects.count() > 1000:
        print(f"  {SelfReport.objects.count():,} self-reports already")
        return
    started = time.perf_counter()
    author = get_user_model().objects.get(username="demo-enterprise").pk
    today = timezone.localdate()
    now = timezone.now()
    enterprises = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE, self_reports__isnull=True)
        .values_list("pk", "region_id", "street_id", "industry_id")
        .distinct()
    )

    def rows() -> Iterable[dict[str, Any]]:
        for year, quarter in last_quarters(today, quarters):
            due = quarter_bounds(year, quarter)[1] + datetime.timedelta(days=15)
            for pk, region, street, industry in enterprises:
                if rng.random() >= 0.85:
                    continue  # missing
                late = rng.random() < 1 / 7
                submitted = due + datetime.timedelta(
                    days=rng.randrange(1, 20) if late else -rng.randrange(0, 14)
                )
                found = rng.randrange(0, 12)
                yield {
                    "enterprise_id": pk,
                    "region_id": region,
                    "street_id": street,
                    "industry_id": industry,
                    "period_kind": "quarter",
                    "year": year,
                    "period": quarter,
                    "due_on": due,
                    "status": rng.choice(("submitted", "acknowledged", "acknowledged")),
                    "zero_report": found == 0,
                    "general_found": found,
                    "general_rectified": found,
                    "general_rectified_on_time": found,
                    "submitted_at": min(now, _aware(submitted)),
                    "submitted_by_id": author,
                    "late": late,
                    "created_by_id": author,
                }

    with transaction.atomic():
        written = copy_rows(SelfReport, rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_selfreport")
    print(f"  added {written:,} self-reports in {time.perf_counter() - started:.0f} s")

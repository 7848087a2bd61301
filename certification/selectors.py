"""Who sees which applications, and each organisation's work queue."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, F, Model, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from certification.models import Application, Assignment, Certificate, Status
from certification.workflow import APPLICANT, AUTHORITY, RECEIVER, RESPONSIBLE, REVIEW_UNIT
from enterprises.place_copy import place_scope
from enterprises.selectors import enterprise_scope
from portal.grants import granted_ids
from portal.models import OrganisationKind as Kind
from portal.types import AnyUser


def applications_visible_to(user: AnyUser, qs: QuerySet[Application]) -> QuerySet[Application]:
    """Drafts belong to the applicant alone; after submission, whoever sees
    the enterprise, and the receiver, see the application."""
    if not user.is_authenticated or not user.is_active or user.organisation is None:
        return qs.none()
    org = user.organisation
    if org.kind in (Kind.ENTERPRISE, Kind.GROUP):
        # The enterprise's (or group's) few registry ids as subqueries: an OR across
        # the joined registry row's columns made PostgreSQL scan all 500,000 rows.
        from enterprises.models import Enterprise

        own = Q(applicant_id=org.pk) | Q(
            enterprise_id__in=Enterprise.objects.filter(account_id=org.pk).values("pk")
        )
        members = Enterprise.objects.filter(group_id=org.pk).values("pk")
        group = Q(enterprise_id__in=members) & ~Q(status=Status.DRAFT)
        return qs.filter(own | group)
    submitted = ~Q(status=Status.DRAFT)
    if org.kind == Kind.CITY_OFFICE:
        return qs.filter(submitted)
    if org.kind == Kind.ORGANISING_UNIT:
        organised = Q(receiver_id=org.pk)
        for industry, tier in org.qualifications.values_list("industry_id", "tier"):
            organised |= Q(industry_id=industry, tier=tier)
        return qs.filter(submitted & organised)
    if org.kind == Kind.REVIEW_UNIT:
        # What is assigned to the unit: per-object grants given at assignment
        # and taken back when the application leaves the unit
        # (certification/assignment/rules.py).
        return qs.filter(submitted, pk__in=granted_ids(user, Application, "view_application"))
    return qs.filter(
        submitted & (Q(receiver_id=org.pk) | Q(authority_id=org.pk) | place_scope(user))
    )


def status_counts(user: AnyUser, visible: QuerySet[Application]) -> dict[str, int]:
    """How many of the applications the user sees (``visible``) are in each state.
    A district's or street's: its own place's (an index-only count of the
    application's region or street index) plus what it received or grades
    elsewhere (an enterprise that moved away), rather than one count over the
    OR of the three, which reads every row of the district from the table."""

    def grouped(qs: QuerySet[Application]) -> dict[str, int]:
        rows = qs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
        return dict(rows)

    org = user.organisation if user.is_authenticated else None
    if org is None or org.kind not in {Kind.DISTRICT, Kind.STREET}:
        return capped_counts(visible)
    submitted = Application.objects.exclude(status=Status.DRAFT)
    counts = grouped(submitted.filter(enterprise_scope(user)))
    if org.kind == Kind.DISTRICT:  # a street neither receives nor grades
        elsewhere = Q(region_id__lt=org.region_id) | Q(region_id__gt=org.region_id)
        for who in ("receiver_id", "authority_id"):
            moved = submitted.filter(elsewhere, **{who: org.pk})
            if who == "authority_id":
                moved = moved.exclude(receiver_id=org.pk)  # counted with the received
            for status, n in grouped(moved).items():
                counts[status] = counts.get(status, 0) + n
    return counts


def capped_counts(visible: QuerySet[Application], cap: int | None = None) -> dict[str, int]:
    """Each state's count, exact up to ``cap`` (settings.LIST_COUNT_CAP) and cap + 1
    beyond ("more than cap", as the list's own count): one statement whose branches
    each stop at cap + 1 rows of a state, where a GROUP BY over the city's 150,000
    applications read all of them for every page."""
    cap = settings.LIST_COUNT_CAP if cap is None else cap
    parts, params = [], []
    for status, sql, values in _count_statements(visible, cap):
        parts.append(f"SELECT %s, (SELECT COUNT(*) FROM ({sql}) capped)")
        params += [status, *values]
    with connections[visible.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {status: n for status, n in cursor.fetchall() if n}


_ANY_STATE = "\x00state"  # stands for each state in the statement compiled once


def _count_statements(
    visible: QuerySet[Application], cap: int
) -> Iterator[tuple[str, str, list[Any]]]:
    """Each state's statement of at most cap + 1 rows: compiled once with the state as
    a parameter (compiling it for each of the twenty states cost more than counting
    them), or for each state when the scope itself names a state."""

    def capped(status: str) -> tuple[str, list[Any]]:
        sql, values = (
            visible.filter(status=status).order_by().values("pk")[: cap + 1].query.sql_with_params()
        )
        return sql, list(values)

    sql, values = capped(_ANY_STATE)
    if values.count(_ANY_STATE) == 1:
        at = values.index(_ANY_STATE)
        for status in Status.values:
            yield status, sql, [*values[:at], status, *values[at + 1 :]]
    else:
        for status in Status.values:
            yield status, *capped(status)


def queue_for(user: AnyUser, qs: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """What awaits the user's organisation: overdue first, then by due date."""
    qs = Application.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.can_act:
        return qs.none()
    org_id = user.organisation_id
    mine = Q(pk__in=[])
    for status, who in RESPONSIBLE.items():
        if who == RECEIVER:
            mine |= Q(status=status, receiver_id=org_id)
        elif who == AUTHORITY:
            mine |= Q(status=status, authority_id=org_id)
        elif who == APPLICANT:
            mine |= Q(status=status, applicant_id=org_id)
        elif who == REVIEW_UNIT:
            mine |= Q(
                status=status,
                pk__in=Assignment.objects.filter(unit_id=org_id, withdrawn_at__isnull=True).values(
                    "application_id"
                ),
            )
    # Everything here has the user's organisation as its receiver, authority,
    # applicant or assigned review unit, so it is in scope by construction: no
    # visible_to subquery.
    return qs.filter(mine).order_by(F("due_on").asc(nulls_last=True), "status_changed_at", "id")


def list_ordering(today: datetime.date | None = None) -> tuple[str | OrderBy, ...]:
    """The application list's order: overdue first (by due date), then by due
    date, undated last, newest first (the list annotates ``is_overdue``,
    views.with_overdue).

    Overdue means a due date in the past in a state someone acts on
    (workflow.RESPONSIBLE). A due date comes only with a state's time limit
    (services._due), and every state with a time limit has someone
    responsible, so normally every past due date is overdue and "overdue
    first" is the same order as "by due date, undated last". That order is an
    index scan (app_list_idx, migration 0007) that stops after the page,
    where sorting on the computed flag sorts every application in scope.
    When some application does have a past due date in a state nobody acts
    on (e.g. a time limit configured for such a state), the order falls back
    to sorting on the flag, so the list reads the same either way. The check
    is one small query (the first past due date of an idle state, in index order).
    """
    today = today or timezone.localdate()
    by_due = (F("due_on").asc(nulls_last=True), "-created_at", "-id")
    # Named states rather than "not in RESPONSIBLE": a few ranges of
    # app_status_list_idx (migration 0016) instead of reading every past due date.
    idle = [value for value in Status.values if value not in RESPONSIBLE]
    # In the index's order: PostgreSQL, believing such rows common (it cannot know that
    # idle states rarely have a due date), would scan the table for a first one; when
    # there is none, it reads all 150,000 rows.
    stale = list(
        Application.objects.filter(status__in=idle, due_on__lt=today)
        .order_by("status", "due_on")
        .values_list("pk", flat=True)[:1]
    )
    return ("-is_overdue", *by_due) if stale else by_due


def responsible_organisation_id(application: Application) -> int | None:
    """The organisation the application's current state waits on."""
    who = RESPONSIBLE.get(application.status)
    if who == RECEIVER:
        return application.receiver_id
    if who == AUTHORITY:
        return application.authority_id
    if who == APPLICANT:
        return application.applicant_id
    if who == REVIEW_UNIT:
        return current_unit_id(application)
    return None


def current_unit_id(application: Application) -> int | None:
    """The review unit of the application's current (not withdrawn) assignment."""
    return (
        Assignment.objects.filter(application_id=application.pk, withdrawn_at__isnull=True)
        .values_list("unit_id", flat=True)
        .first()
    )


def certificates_visible_to(
    user: AnyUser, qs: QuerySet[Certificate] | None = None
) -> QuerySet[Certificate]:
    """What an organisation announced, and the certificates of the enterprises it sees
    in the registry (the enterprise its own, a group its members', a district its
    district's; the city office all)."""
    qs = Certificate.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return qs.none()
    return qs.filter(Q(announcement__organiser_id=user.organisation_id) | place_scope(user))


def rows_pointing_at(model: type[Model], field: str) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field``: a subquery
    per row shown, where ``Count`` over a join would group every row of the list
    before its page is cut (the announcements list: 100,000 certificates)."""
    rows = model._default_manager.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

"""Verification (复核) by the organising unit: batches, the reproducible
one-third spot-check draw, failed checks reopening the batch.

The rule (domain.md §4.2): the organising unit re-checks on site a random
one third of each batch of review reports. If a check fails, every
enterprise of the batch is re-checked and at least half of that review
unit's reports of the year are re-examined; failed checks count against the
review unit, and two of them lead to a proposal to remove it (the city
office is told).

Here the "organising unit" is the receiver of the applications (the district
for level 3, the organising unit such as the association for level 2): the
one that verifies them.

- ``batch_create`` puts reported applications of the receiver in a batch, one
  SpotCheck per application, and draws one third of them (``draw``).
- ``spot_check_record`` (certification/verification/spot_checks.py) records
  the on-site re-check: passed or failed. A failure reopens the batch (every
  other item becomes required) and draws the unit's reports to re-examine.
- ``prepare_verify`` (the PREPARE step of the "verify" move) lets a report be
  approved only from a batch whose required checks of it have passed, and
  records the grade reached.

An application's checks "of its current report" are those of a batch made
after its latest report (OnSiteReview.reported_at), and the checks without a
batch (unit re-examinations) still pending or recorded after that report. A
report sent back and reported again therefore needs a new batch.

Hooks of the declared moves (called by certification/engine.perform inside
its transaction).
"""

from __future__ import annotations

import datetime
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.assignment.simplified import spot_checked
from certification.engine import Move, TransitionForbidden
from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    OnSiteReview,
    SpotCheck,
    Status,
    VerificationBatch,
)
from certification.numbering import next_number
from certification.workflow import TRANSITIONS, tier_label
from portal import audit
from portal.errors import ServiceError
from portal.models import OrganisationKind
from portal.notify import message, notify_after_commit
from reviews.accident_gate import application_refusal

# The batch's name, a data value like an enterprise's name: "2026-12-03 复核批次 3"
# (the organiser's third batch).
BATCH_NAME = "{date} 复核批次 {number}"

# Who may see verification batches: the organisers (receivers that verify
# reports) their own, the city office all of them, read-only.
ORGANISER_KINDS = (OrganisationKind.DISTRICT, OrganisationKind.ORGANISING_UNIT)

# States in which a report exists and is not under review again: re-checks
# asked for after the fact (a reopened batch, a unit's reports re-examined)
# may be recorded in any of them.
AFTER_REPORT = (
    Status.REPORTED,
    Status.AWAITING_CONSENT,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PUBLICITY,
    Status.ANNOUNCED,
)

# Before any report: an application reported without a recorded time (old
# data) counts every batch as made after its report.
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

# Grades from best to lowest; "pass" (small and micro) is graded on its own.
_TIER_ORDER = ["1", "2", "3"]

DRAW_INSTRUCTIONS = (
    "import math, random\n"
    "ids = sorted({ids})\n"
    'random.Random("{seed}").sample(ids, max(1, math.ceil(len(ids) / 3)))'
)


# --- the draw ---------------------------------------------------------------------


def sample(seed: str, ids: Iterable[int], k: int) -> list[int]:
    """``k`` of the ids, picked by Python's Mersenne Twister seeded with the
    string ``seed``: ``random.Random(seed).sample(sorted(ids), k)``. The
    same seed and ids give the same picks on any machine with Python 3."""
    population = sorted(set(ids))
    k = max(0, min(k, len(population)))
    return random.Random(seed).sample(population, k)


def draw(seed: str, application_ids: Iterable[int]) -> list[int]:
    """The spot-check draw of a batch, reproducible by anyone with the seed.

    Algorithm: sort the batch's application ids ascending, then
    ``random.Random(seed).sample(sorted_ids, k)`` with
    ``k = ceil(n / 3)`` (one third, rounded up; at least one when the batch
    is not empty). ``seed`` is the batch's stored seed string (Python seeds
    ``random.Random`` from a str deterministically, via SHA-512). The picks
    come back in the order drawn.

    The unit re-examination after a failed check uses the same ``sample``
    with the seed ``<batch seed>:unit``.
    """
    population = sorted(set(application_ids))
    if not population:
        return []
    return sample(seed, population, max(1, math.ceil(len(population) / 3)))


def drawable(applications: Iterable[Application]) -> list[int]:
    """The ids the draw picks from: the small-firm grade's simplified path
    is never drawn (certification/assignment/simplified.py)."""
    return sorted({a.pk for a in applications if spot_checked(a.tier)})


def draw_instructions(batch: VerificationBatch, application_ids: Iterable[int]) -> str:
    """Python that repeats the batch's draw (shown on the batch page)."""
    return DRAW_INSTRUCTIONS.format(ids=sorted(set(application_ids)), seed=batch.seed)


# --- reads ------------------------------------------------------------------------


def last_report_expression():
    """The time of an application's latest report, for annotations."""
    event = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), transition="submit_report")
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return Coalesce(F("onsite__reported_at"), Subquery(event), Value(_EPOCH))


def _last_report_at(application: Application) -> datetime.datetime:
    reported = (
        OnSiteReview.objects.filter(application_id=application.pk)
        .values_list("reported_at", flat=True)
        .first()
    )
    if reported is not None:
        return reported
    event = (
        ApplicationEvent.objects.filter(application_id=application.pk, transition="submit_report")
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return event or _EPOCH


def _current_filter(since: datetime.datetime) -> Q:
    return (
        Q(batch__isnull=False, batch__created_at__gte=since)
        | Q(batch__isnull=True, result=SpotCheck.Result.PENDING)
        | Q(batch__isnull=True, checked_at__gte=since)
    )


def current_checks(application: Application) -> list[SpotCheck]:
    """The spot checks of the application's current report, batch first."""
    since = _last_report_at(application)
    return list(
        SpotCheck.objects.filter(application_id=application.pk)
        .filter(_current_filter(since))
        .select_related("batch", "unit", "checked_by")
        .order_by(F("batch_id").desc(nulls_last=True), "id")
    )


def with_batch_flag(qs: QuerySet) -> QuerySet:
    """Annotate ``in_batch``: the application's current report is in a batch."""
    qs = qs.annotate(last_report_at=last_report_expression())
    return qs.annotate(
        in_batch=Exists(
            SpotCheck.objects.filter(
                application=OuterRef("pk"),
                batch__isnull=False,
                batch__created_at__gte=OuterRef("last_report_at"),
            )
        )
    )


def batchable(organiser_id: int) -> QuerySet:
    """The organiser's reported applications not yet in a batch, with what
    the form shows: enterprise, tier, review unit, score, reported date."""
    unit = Assignment.objects.filter(application=OuterRef("pk"), withdrawn_at__isnull=True).values(
        "unit__name"
    )[:1]
    qs = with_batch_flag(
        Application.objects.filter(receiver_id=organiser_id, status=Status.REPORTED)
    )
    return (
        qs.filter(in_batch=False)
        .annotate(
            unit_name=Subquery(unit),
            review_score=F("onsite__score"),
            reported_at=F("onsite__reported_at"),
        )
        .select_related("enterprise")
        .order_by("onsite__reported_at", "pk")
    )


def batches_visible_to(user) -> QuerySet:
    """Organisers see their own batches, the city office all; others none."""
    if not (user.is_authenticated and user.can_act):
        return VerificationBatch.objects.none()
    kind = user.organisation.kind
    if kind == OrganisationKind.CITY_OFFICE:
        return VerificationBatch.objects.all()
    if kind in ORGANISER_KINDS:
        return VerificationBatch.objects.filter(organiser_id=user.organisation_id)
    return VerificationBatch.objects.none()


def with_counts(qs: QuerySet) -> QuerySet:
    """Batches annotated with their counts of items, drawn, required,
    pending (required, not recorded), passed and failed checks."""
    pending = Q(checks__required=True, checks__result=SpotCheck.Result.PENDING)
    return qs.annotate(
        n_items=Count("checks"),
        n_drawn=Count("checks", filter=Q(checks__reason=SpotCheck.Reason.DRAWN)),
        n_required=Count("checks", filter=Q(checks__required=True)),
        n_pending=Count("checks", filter=pending),
        n_passed=Count("checks", filter=Q(checks__result=SpotCheck.Result.PASSED)),
        n_failed=Count("checks", filter=Q(checks__result=SpotCheck.Result.FAILED)),
    )


def may_use_verification(user) -> bool:
    return bool(
        user.is_authenticated
        and user.can_act
        and user.organisation.kind in (*ORGANISER_KINDS, OrganisationKind.CITY_OFFICE)
    )


def may_create_batches(user) -> bool:
    return bool(
        user.is_authenticated and user.can_act and user.organisation.kind in ORGANISER_KINDS
    )


def may_see_notes(user, application: Application) -> bool:
    """The notes of re-checks: the application's receiver and the city office."""
    return bool(
        user.is_authenticated
        and user.can_act
        and (
            user.organisation_id == application.receiver_id
            or user.organisation.kind == OrganisationKind.CITY_OFFICE
        )
    )


def spot_check_failures(unit, year: int | None = None) -> int:
    """How many spot checks of the review unit's reports failed in a calendar year (this
    one unless told), as the unit's figures count them (reviews/bodies/figures.py)."""
    from reviews.bodies.figures import current_year, period

    unit_id = getattr(unit, "pk", unit)
    start, end = period(year or current_year())
    return SpotCheck.objects.filter(
        unit_id=unit_id,
        result=SpotCheck.Result.FAILED,
        checked_at__gte=start,
        checked_at__lt=end,
    ).count()


# --- batches ----------------------------------------------------------------------


@transaction.atomic
def batch_create(*, actor, applications) -> VerificationBatch:
    """A batch of the actor's reported applications, one spot check each,
    one third drawn for an on-site re-check (``draw``, with a fresh seed).

    Refuses (writing nothing): an application the actor's organisation did
    not receive (TransitionForbidden), one not "reported", one already in a
    batch for its current report; each message names the enterprise.
    """
    from certification.assignment import rules as assigning

    ids = sorted({getattr(item, "pk", item) for item in applications})
    if not ids:
        raise ServiceError(_("Choose at least one reported application."), field="applications")
    if not (actor.can_act and actor.organisation.kind in ORGANISER_KINDS):
        raise TransitionForbidden(
            _("Only the organisation that verifies review reports makes verification batches.")
        )
    # Locked in id order: two batches made at once wait for each other here,
    # and the second then finds the applications already batched.
    locked = list(Application.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {application.pk for application in locked})
    if missing:
        raise ServiceError(
            _("No such application: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            field="applications",
        )
    found = {
        application.pk: application
        for application in with_batch_flag(Application.objects.filter(pk__in=ids)).select_related(
            "enterprise"
        )
    }
    for pk in ids:
        application = found[pk]
        if application.receiver_id != actor.organisation_id:
            raise TransitionForbidden(
                _("%(enterprise)s: your organisation did not receive this application.")
                % {"enterprise": application.enterprise.name}
            )
        if application.status != Status.REPORTED:
            raise ServiceError(
                _(
                    "%(enterprise)s: the application is “%(status)s”; only reported applications "
                    "are verified."
                )
                % {
                    "enterprise": application.enterprise.name,
                    "status": application.get_status_display(),
                },
                field="applications",
            )
        if application.in_batch:
            raise ServiceError(
                _("%(enterprise)s: the report is already in a verification batch.")
                % {"enterprise": application.enterprise.name},
                field="applications",
            )
    units: dict[int, int] = {}
    without_unit = []
    for pk in ids:
        unit = assigning.current_unit_id(found[pk])
        if unit is None:
            without_unit.append(found[pk].enterprise.name)
        else:
            units[pk] = unit
    if without_unit:
        raise ServiceError(
            _("%(enterprise)s: the application has no review unit.")
            % {"enterprise": without_unit[0]},
            field="applications",
        )

    now = timezone.now()
    today = timezone.localdate()
    # From the counter (certification/numbering.py), not count()+1: two
    # batches made at once must not get the same number.

    number = next_number(f"verification:{actor.organisation_id}")
    seed = secrets.token_hex(16)
    population = drawable(found[pk] for pk in ids)
    picks = draw(seed, population)
    batch = VerificationBatch.objects.create(
        organiser_id=actor.organisation_id,
        seed=seed,
        drawn_at=now,
        created_by=actor,
        name=BATCH_NAME.format(date=today.isoformat(), number=number),
    )
    SpotCheck.objects.bulk_create(
        SpotCheck(
            batch=batch,
            application_id=pk,
            unit_id=units[pk],
            required=pk in picks,
            reason=SpotCheck.Reason.DRAWN if pk in picks else "",
        )
        for pk in ids
    )
    audit.record(
        actor=actor,
        action="verification.batch.create",
        obj=batch,
        after={
            "name": batch.name,
            "seed": seed,
            "applications": ids,
            "drawn": sorted(picks),
            "not_drawn": sorted(set(ids) - set(population)),
            "algorithm": "random.Random(seed).sample(sorted(ids), ceil(n/3))",
        },
    )
    by_unit: dict[int, list[int]] = defaultdict(list)
    for pk in ids:
        by_unit[units[pk]].append(pk)
    for unit_id, unit_ids in by_unit.items():
        drawn = [found[pk].enterprise.name for pk in unit_ids if pk in picks]
        values = {"count": len(unit_ids), "batch": batch.name, "organiser": actor.organisation.name}
        if drawn:
            text = message(
                gettext_noop(
                    "%(count)d of your review reports are in verification batch “%(batch)s” of "
                    "%(organiser)s. Drawn for an on-site re-check: %(names)s."
                ),
                **values,
                names=drawn,  # joined in the reader's language
            )
        else:
            text = message(
                gettext_noop(
                    "%(count)d of your review reports are in verification batch “%(batch)s” of "
                    "%(organiser)s."
                ),
                **values,
            )
        notify_after_commit([unit_id], text, reverse("certification:list"))
    return batch


# --- the moves' steps -------------------------------------------------------------


def granted_for(applied: str, proposed: str) -> str:
    """The grade reached, never above the grade applied for."""
    if applied in _TIER_ORDER and proposed in _TIER_ORDER:
        return _TIER_ORDER[max(_TIER_ORDER.index(applied), _TIER_ORDER.index(proposed))]
    return proposed


def _proposed(application: Application) -> str:
    review = OnSiteReview.objects.filter(application_id=application.pk).first()
    return review.proposed_tier if review is not None else ""


def below_applied(application: Application) -> bool:
    """The review proposed a grade lower than the one applied for."""
    proposed = _proposed(application)
    return bool(proposed) and granted_for(application.tier, proposed) != application.tier


def reaches_applied(application: Application) -> bool:
    """Offer "verify" unless the grade reached is lower (then "verify_lower")."""
    return not below_applied(application)


def prepare_verify(move: Move) -> None:
    """The report approved at the grade applied for: it goes to that
    grade's authority (certification/approval/rules.py). A lower grade
    reached is refused here: "verify_lower" asks the enterprise first."""
    from certification.approval.rules import set_authority

    granted = _check_report(move)
    application = move.application
    if granted != application.tier:
        raise ServiceError(
            _(
                "The review reached %(granted)s, below the %(applied)s applied for: use "
                "“%(lower)s”; the enterprise consents to the lower grade or withdraws."
            )
            % {
                "granted": tier_label(granted),
                "applied": tier_label(application.tier),
                "lower": TRANSITIONS["verify_lower"].label,
            },
            field="granted_tier",
        )
    set_authority(move, granted)


def prepare_verify_lower(move: Move) -> None:
    """The report approved at a grade below the one applied for: recorded,
    and the enterprise is asked (AWAITING_CONSENT)."""
    granted = _check_report(move)
    if granted == move.application.tier:
        raise ServiceError(
            _("The review reached the grade applied for: use “%(verify)s”.")
            % {"verify": TRANSITIONS["verify"].label},
            field="granted_tier",
        )


def _check_report(move: Move) -> str:
    """Refuses unless the report is in a verification batch and every
    required spot check of it has passed (naming the one pending or
    failed), and unless the review proposed a grade (otherwise: close as no
    grade reached). Records the grade reached, the review's proposed grade
    but never above the grade applied for, as ``granted_tier``."""
    application = move.application
    review = OnSiteReview.objects.filter(application_id=application.pk).first()
    proposed = review.proposed_tier if review is not None else ""
    if not proposed:
        raise ServiceError(
            _("The review proposed no grade: use “%(close)s” instead.")
            % {"close": TRANSITIONS["close_not_reached"].label},
            field="granted_tier",
        )
    refused = application_refusal(application, proposed)
    if refused:
        raise ServiceError(refused, field="accidents")
    checks = current_checks(application)
    in_batch = [check for check in checks if check.batch_id]
    if not in_batch:
        raise ServiceError(
            _(
                "Put the report in a verification batch first: one third of each "
                "batch is drawn for an on-site re-check."
            ),
            field="batch",
        )
    for check in checks:
        if not check.required or check.result == SpotCheck.Result.PASSED:
            continue
        where = (
            check.batch.name if check.batch is not None else _("re-examination of the review unit")
        )
        if check.result == SpotCheck.Result.FAILED:
            raise ServiceError(
                _(
                    "The on-site spot check (%(where)s) failed: send the report "
                    "back to the review unit."
                )
                % {"where": where},
                field="spot_check",
            )
        raise ServiceError(
            _("The on-site spot check (%(where)s, %(reason)s) is still to be recorded.")
            % {"where": where, "reason": check.get_reason_display()},
            field="spot_check",
        )
    granted = granted_for(application.tier, proposed)
    application.granted_tier = granted
    move.fields.append("granted_tier")
    move.details.update(
        {
            "granted_tier": granted,
            "proposed_tier": proposed,
            "batch": in_batch[0].batch_id,
            "spot_checks": [check.pk for check in checks if check.required],
        }
    )
    return granted


def prepare_close_not_reached(move: Move) -> None:
    """The review found no grade reached: nothing to check here. The reasons
    are required by the move itself (perform() refuses without a comment),
    and the move is open whether or not the report is in a batch; the
    application ends as rejected and the enterprise rectifies and applies
    again (domain.md §4.2) after a year's lock (enterprises/preconditions.py)."""
    from enterprises.preconditions import lock_applications

    lock_applications(
        actor=move.actor,
        enterprise=move.application.enterprise,
        kind="not_reached",
        since=timezone.localdate(),
        reference=_("application %(id)s") % {"id": move.application.pk},
    )

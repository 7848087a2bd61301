"""Government inspections (执法检查) with their 责令限期整改指令书 and follow-up review
(整改复查意见书), and tip-offs (举报).

An order's items become ledger rows with source 执法检查, all of them or none; the
enterprise rectifies them as usual, and the office that issued the order accepts
them in its follow-up review (the moves review_* of hazards/workflow.py). A
tip-off's reporter is kept from everyone but the receiving office: the audit rows
say only whether a reporter was given, and nobody is notified of a tip-off.

Each write locks what it changes, records one audit row per change and writes
nothing when it refuses (ServiceError, HazardForbidden, HazardConflict).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise
from hazards import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import GovernmentInspection, Hazard, OrderItem, TipOff
from portal import audit
from portal.errors import ServiceError
from portal.models import OrganisationKind, User
from portal.notify import Message, message, notify_after_commit

# The offices that inspect enterprises and receive tip-offs, each within its scope.
OFFICE_KINDS = (
    OrganisationKind.DISTRICT,
    OrganisationKind.STREET,
    OrganisationKind.REGULATOR,
    OrganisationKind.CITY_OFFICE,
)
# What an order's item says; the rest of its ledger row comes from the order.
ITEM_FIELDS = (
    "location",
    "description",
    "category",
    "specialty",
    "basis",
    "grade",
    "major_basis",
    "accident_type",
    "measures",
)
# The longest opinion a hazard's timeline keeps (HazardEvent.comment).
OPINION_MAX = 2000


def is_office(actor: User) -> bool:
    org = actor.organisation
    return bool(actor.can_act and org is not None and org.kind in OFFICE_KINDS)


def may_act_on(actor: User, enterprise: Enterprise) -> bool:
    """An office may inspect, and receive tip-offs about, the enterprises in its scope."""
    org = actor.organisation
    return is_office(actor) and org is not None and services.office_oversees(org, enterprise)


def _text(value: object, name: str, label: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(_("%(field)s is required.") % {"field": label}, field=name)
    if len(text) > limit:
        raise ServiceError(
            _("%(field)s: at most %(limit)d characters.") % {"field": label, "limit": limit},
            field=name,
        )
    return text


def _day(value: object, name: str) -> datetime.date:
    day = services._date(value, name)
    assert day is not None  # required
    services._not_future(day, name)
    return day


def _notify_enterprise(enterprise: Enterprise, text: Message) -> None:
    notify_after_commit([enterprise.account_id], text)


# Inspections and their orders ---------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    enterprise: Enterprise,
    inspected_on: object,
    inspectors: str,
    order_number: str,
    order_deadline: object,
    items: Iterable[Mapping[str, Any]],
    summary: str = "",
) -> GovernmentInspection:
    """Record an inspection and its order; every item becomes a ledger row found on
    the inspection day, due by the order's deadline. One refused item refuses all."""
    if not may_act_on(actor, enterprise):
        raise HazardForbidden(_("Your organisation cannot inspect this enterprise."))
    inspected = _day(inspected_on, "inspected_on")
    deadline = services._date(order_deadline, "order_deadline")
    assert deadline is not None  # required
    if deadline < inspected:
        raise ServiceError(
            _("The order's deadline cannot be before the inspection (%(date)s).")
            % {"date": inspected.isoformat()},
            field="order_deadline",
        )
    items = [dict(item) for item in items]
    if not items:
        raise ServiceError(_("An order lists at least one item to rectify."), field="items")
    assert actor.organisation_id is not None  # an office's user (may_act_on)
    inspection = GovernmentInspection(
        organisation_id=actor.organisation_id,
        enterprise=enterprise,
        inspected_on=inspected,
        inspectors=_text(inspectors, "inspectors", _("Inspectors"), 200),
        summary=_text(summary, "summary", _("Findings"), 4000, required=False),
        order_number=_text(order_number, "order_number", _("Order number"), 60),
        order_deadline=deadline,
        created_by=actor,
    )
    taken = _("Order number %(number)s is already on record.") % {"number": inspection.order_number}
    if GovernmentInspection.objects.filter(order_number=inspection.order_number).exists():
        raise ServiceError(taken, field="order_number")
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:  # recorded by someone else at the same moment
        raise ServiceError(taken, field="order_number") from None
    hazards = []
    for number, item in enumerate(items, start=1):
        unknown = set(item) - set(ITEM_FIELDS)
        if unknown:
            raise ServiceError(
                _("Unknown field “%(name)s”.") % {"name": sorted(unknown)[0]}, field="items"
            )
        values = {key: value for key, value in item.items() if value not in ("", None)}
        try:
            hazard = services.hazard_record(
                actor=actor,
                enterprise=enterprise,
                by_office=True,
                notify=False,  # one notice for the whole order, below
                found_on=inspected,
                source=Hazard.Source.ENFORCEMENT,
                deadline=deadline,
                **values,
            )
        except HazardForbidden:
            raise
        except ServiceError as error:
            raise ServiceError(
                _("Item %(number)d: %(message)s") % {"number": number, "message": error.message},
                field=error.field,
            ) from None
        OrderItem.objects.create(inspection=inspection, hazard=hazard)
        hazards.append(hazard.pk)
    audit.record(
        actor=actor,
        action="hazard.inspection.record",
        obj=inspection,
        after={
            **audit.snapshot(
                inspection,
                ["enterprise", "inspected_on", "order_number", "order_deadline", "status"],
            ),
            "hazards": hazards,
        },
    )
    text = message(
        gettext_noop(
            "%(office)s inspected %(enterprise)s: order %(number)s, %(count)d items to "
            "rectify by %(deadline)s."
        ),
        office=str(actor.organisation),
        enterprise=enterprise.name,
        number=inspection.order_number,
        count=len(hazards),
        deadline=deadline.isoformat(),
    )
    _notify_enterprise(enterprise, text)
    return inspection


def may_review(actor: User, inspection: GovernmentInspection) -> bool:
    """The follow-up review is the issuing office's."""
    return bool(actor.can_act and actor.organisation_id == inspection.organisation_id)


def _review_move(hazard: Hazard, passed: bool) -> str | None:
    """The move the review makes on an open row; None leaves a major hazard whose
    treatment is not evaluated yet to go on under its plan, or one under listed
    supervision to its listing."""
    if hazard.grade == Hazard.Grade.GENERAL:
        ready = hazard.status == Hazard.Status.AWAITING_ACCEPTANCE
        return "review_pass" if ready and passed else "review_fail"
    if hasattr(hazard, "listing"):  # listed: the listing's review (核销) closes it
        return None
    if hazard.status == Hazard.Status.EVALUATED:
        return "review_pass_major" if passed else "review_fail_major"
    return None


@transaction.atomic
def order_review(
    *,
    actor: User,
    inspection: GovernmentInspection,
    review_number: str,
    reviewed_on: object,
    opinion: str,
    not_passed: Iterable[int] = (),
) -> GovernmentInspection:
    """The follow-up review (整改复查意见书): the order's rows awaiting acceptance
    pass and close (accepted by the reviewer, closed on the review day) unless
    named in ``not_passed``; every other open row did not pass and is rectified
    (again) with the opinion on its timeline. The order is reviewed once all its
    rows are closed; until then a later review may follow."""
    inspection = (
        GovernmentInspection.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=inspection.pk)
    )
    if not may_review(actor, inspection):
        raise HazardForbidden(_("Only the office that issued the order reviews it."))
    if inspection.status == GovernmentInspection.Status.REVIEWED:
        raise HazardConflict(_("The order has been reviewed and all its rows are closed."))
    number = _text(review_number, "review_number", _("Follow-up review number"), 60)
    day = _day(reviewed_on, "reviewed_on")
    if day < inspection.inspected_on:
        raise ServiceError(
            _("The review cannot be before the inspection (%(date)s).")
            % {"date": inspection.inspected_on.isoformat()},
            field="reviewed_on",
        )
    text = _text(opinion, "opinion", _("Opinion"), OPINION_MAX)
    rows = list(
        Hazard.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(order_item__inspection=inspection, status__in=_open_statuses())
        .order_by("pk")
    )
    failed = {int(pk) for pk in not_passed}
    if failed - {row.pk for row in rows}:
        raise ServiceError(
            _("Name only open rows of this order as not passed."), field="not_passed"
        )
    # Set before the moves, which read the review's number and day.
    inspection.review_number, inspection.reviewed_on = number, day
    inspection.review_opinion, inspection.reviewed_by = text, actor
    passed_ids: list[int] = []
    failed_ids: list[int] = []
    for row in rows:
        move = _review_move(row, row.pk not in failed)
        if move is None:
            continue
        services.perform(
            actor=actor, hazard=row, move=move, comment=text, notify=False, review=inspection
        )
        (passed_ids if move.startswith("review_pass") else failed_ids).append(row.pk)
    before = inspection.status
    still_open = Hazard.objects.filter(
        order_item__inspection=inspection, status__in=_open_statuses()
    ).exists()
    if not still_open:
        inspection.status = GovernmentInspection.Status.REVIEWED
    inspection.save(
        update_fields=["review_number", "reviewed_on", "review_opinion", "reviewed_by", "status"]
    )
    audit.record(
        actor=actor,
        action="hazard.inspection.review",
        obj=inspection,
        before={"status": before},
        after={
            "status": inspection.status,
            "review_number": number,
            "reviewed_on": day.isoformat(),
            "passed": passed_ids,
            "not_passed": failed_ids,
        },
    )
    news = message(
        gettext_noop(
            "Follow-up review %(number)s of order %(order)s: %(passed)d rows closed, "
            "%(failed)d not passed."
        ),
        number=number,
        order=inspection.order_number,
        passed=len(passed_ids),
        failed=len(failed_ids),
    )
    _notify_enterprise(inspection.enterprise, news)
    return inspection


def _open_statuses() -> list[str]:
    return [status for status in Hazard.Status.values if status != Hazard.Status.CLOSED]


def _review_of(move: services.Move) -> GovernmentInspection:
    """The review a review move is part of; a move asked for on its own is refused."""
    review = move.data.get("review")
    if not isinstance(review, GovernmentInspection) or (
        move.hazard.order_item.inspection_id != review.pk
    ):
        raise ServiceError(_("This step is made by the follow-up review on the order's page."))
    return review


def prepare_review_pass(move: services.Move) -> None:
    review = _review_of(move)
    hazard = move.hazard
    assert review.reviewed_on is not None  # set by order_review before the moves
    hazard.accepted_by, hazard.closed_on = move.actor, review.reviewed_on
    move.fields += ["accepted_by", "closed_on"]
    move.details.update(
        closed_on=review.reviewed_on.isoformat(), review_number=review.review_number
    )


def prepare_review_fail(move: services.Move) -> None:
    """Not passed: the next submission gives its own completion date."""
    review = _review_of(move)
    if move.hazard.completed_on is not None:
        move.hazard.completed_on = None
        move.fields.append("completed_on")
    move.details.update(review_number=review.review_number)


# Tip-offs ------------------------------------------------------------------------


@transaction.atomic
def tip_off_receive(
    *,
    actor: User,
    enterprise: Enterprise,
    received_on: object,
    content: str,
    anonymous: bool,
    reporter_name: str = "",
    reporter_contact: str = "",
) -> TipOff:
    """Record a tip-off received about an enterprise in the office's scope, anonymous
    or with the reporter's name and contact. Nobody is notified."""
    if not may_act_on(actor, enterprise):
        raise HazardForbidden(_("Your organisation cannot receive tip-offs about this enterprise."))
    day = _day(received_on, "received_on")
    text = _text(content, "content", _("What was reported"), 4000)
    name = _text(reporter_name, "reporter_name", _("Reporter's name"), 50, required=False)
    contact = _text(
        reporter_contact, "reporter_contact", _("Reporter's contact"), 100, required=False
    )
    if anonymous and (name or contact):
        raise ServiceError(
            _("An anonymous tip-off keeps no name or contact: clear them or untick “anonymous”."),
            field="reporter_name",
        )
    if not anonymous and not (name and contact):
        raise ServiceError(
            _("Give the reporter's name and contact, or mark the tip-off anonymous."),
            field="reporter_name" if not name else "reporter_contact",
        )
    assert actor.organisation_id is not None  # an office's user (may_act_on)
    tip_off = TipOff.objects.create(
        receiving_office_id=actor.organisation_id,
        enterprise=enterprise,
        received_on=day,
        content=text,
        anonymous=bool(anonymous),
        reporter_name=name,
        reporter_contact=contact,
        created_by=actor,
    )
    # The audit log is read by others: whether a reporter was given, never who.
    audit.record(
        actor=actor,
        action="hazard.tip_off.receive",
        obj=tip_off,
        after={
            "enterprise": enterprise.pk,
            "received_on": day.isoformat(),
            "anonymous": tip_off.anonymous,
            "reporter_given": bool(name),
            "status": tip_off.status,
        },
    )
    return tip_off


def _locked_tip_off(actor: User, tip_off: TipOff) -> TipOff:
    tip_off = TipOff.objects.select_for_update().select_related("enterprise").get(pk=tip_off.pk)
    if not (actor.can_act and actor.organisation_id == tip_off.receiving_office_id):
        raise HazardForbidden(_("Only the office that received the tip-off handles it."))
    if tip_off.status != TipOff.Status.RECEIVED:
        raise HazardConflict(
            _("The tip-off is already handled: %(status)s.")
            % {"status": tip_off.get_status_display()}
        )
    return tip_off


@transaction.atomic
def tip_off_confirm(
    *, actor: User, tip_off: TipOff, outcome: str = "", **hazard_fields: Any
) -> TipOff:
    """The tip-off was right: record the hazard (source 举报) in the enterprise's
    ledger. The enterprise sees the hazard, never the tip-off."""
    tip_off = _locked_tip_off(actor, tip_off)
    text = _text(outcome, "outcome", _("Outcome"), 2000, required=False)
    if "source" in hazard_fields:
        raise ServiceError(_("Unknown field “%(name)s”.") % {"name": "source"}, field="source")
    hazard = services.hazard_record(
        actor=actor,
        enterprise=tip_off.enterprise,
        by_office=True,
        source=Hazard.Source.TIP_OFF,
        **hazard_fields,
    )
    tip_off.status, tip_off.hazard, tip_off.outcome = TipOff.Status.CONFIRMED, hazard, text
    tip_off.save(update_fields=["status", "hazard", "outcome"])
    audit.record(
        actor=actor,
        action="hazard.tip_off.confirm",
        obj=tip_off,
        before={"status": TipOff.Status.RECEIVED},
        after={"status": tip_off.status, "hazard": hazard.pk},
    )
    return tip_off


@transaction.atomic
def tip_off_dismiss(*, actor: User, tip_off: TipOff, outcome: str) -> TipOff:
    """The tip-off was not confirmed on checking; the outcome says what was found."""
    tip_off = _locked_tip_off(actor, tip_off)
    tip_off.outcome = _text(outcome, "outcome", _("Outcome"), 2000)
    tip_off.status = TipOff.Status.UNFOUNDED
    tip_off.save(update_fields=["status", "outcome"])
    audit.record(
        actor=actor,
        action="hazard.tip_off.dismiss",
        obj=tip_off,
        before={"status": TipOff.Status.RECEIVED},
        after={"status": tip_off.status},
    )
    return tip_off

"""The workflow engine: carries out any move declared in certification/workflow.py.

It knows no step. Each move's own work (PREPARE checks before the status changes,
FINISH writes after) is named in the declaration as a dotted path and looked up
here at first use, so the dependency runs one way: steps → engine → models.

Each move follows the same four steps (style.md rule 2): lock the row, guard on
its current state and the actor's role, write with update_fields, record the
timeline and the audit log; notifications go out after commit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.models import Application, ApplicationEvent, Status
from certification.selectors import current_unit_id
from certification.steps import record_step_days
from certification.workflow import (
    APPLICANT,
    AUTHORITY,
    LEAVE_REVIEW_UNIT,
    RECEIVER,
    REVIEW_UNIT,
    SYSTEM,
    SYSTEM_USERNAME,
    TIER_NAMES,
    TRANSITIONS,
    WITH_REVIEW_UNIT,
    Transition,
    time_limit,
)
from portal import audit, workdays
from portal.errors import ServiceError
from portal.notify import label, message, notify_after_commit


class TransitionForbidden(ServiceError):
    """The user's role may not make this move (a 403, not a 400)."""


class TransitionConflict(ServiceError):
    """The application is no longer in a state this move starts from
    (typically: someone else acted first)."""


@dataclass
class Move:
    """One move in progress: what perform() and the move's own steps share."""

    actor: Any
    application: Application
    transition: Transition
    comment: str
    data: dict[str, Any]
    fields: list[str] = field(
        default_factory=lambda: ["status", "status_changed_at", "due_on", "due_is_estimated"]
    )
    details: dict[str, Any] = field(default_factory=dict)  # extra audit data
    units: list[int | None] = field(default_factory=list)  # review units to notify
    team: list[Any] | None = None
    # A PREPARE step may set the new state's due date itself, as (date,
    # is_estimated): a rectification deadline, or the review's days left.
    due: tuple[Any, bool] | None = None


@functools.cache
def hook(path: str) -> Callable[..., Any]:
    """The function a declaration names by its dotted path."""
    function: Callable[..., Any] = import_string(path)
    return function


def due_for(status: str) -> tuple[Any, bool]:
    """The due date of a state entered today, and whether the calendar had to guess."""
    days = time_limit(status)
    if days is None:
        return None, False
    today = timezone.localdate()
    due = workdays.add_working_days(today, days)
    return due, workdays.is_estimated(today, due)


def _acts_as(actor: Any, application: Application, transition: Transition) -> bool:
    if transition.actor == SYSTEM or actor.username == SYSTEM_USERNAME:
        # Only the scheduler makes the scheduler's moves, and it makes no other.
        return bool(
            transition.actor == SYSTEM
            and actor.username == SYSTEM_USERNAME
            and actor.organisation_id is None
        )
    if not actor.can_act:
        return False
    if transition.actor == APPLICANT:
        return bool(actor.organisation_id == application.applicant_id)
    if transition.actor == RECEIVER:
        return bool(actor.organisation_id == application.receiver_id)
    if transition.actor == REVIEW_UNIT:
        unit_id = current_unit_id(application)
        return unit_id is not None and actor.organisation_id == unit_id
    if transition.actor == AUTHORITY:
        return application.authority_id is not None and bool(
            actor.organisation_id == application.authority_id
        )
    return False


def can_perform(actor: Any, application: Application, transition: Transition) -> bool:
    """Whether the actor may make the move now (what pages and the API offer)."""
    condition = hook(transition.offered_when) if transition.offered_when else None
    return (
        application.status in transition.sources
        and (transition.tiers is None or application.tier in transition.tiers)
        and _acts_as(actor, application, transition)
        and (condition is None or bool(condition(application)))
    )


def _follow_review_unit(move: Move, before: str) -> None:
    """A move that takes the application away from its review unit ends the
    assignment and its object permissions; one that stays tells the unit."""
    target = move.transition.target
    if before in WITH_REVIEW_UNIT and target not in WITH_REVIEW_UNIT:
        ended_unit = hook(LEAVE_REVIEW_UNIT)(
            move.application, move.comment or str(move.transition.label)
        )
        if ended_unit is not None:
            move.details["assignment_ended"] = ended_unit
            move.units.append(ended_unit)
    elif target in WITH_REVIEW_UNIT and move.transition.finish is None:
        move.units.append(current_unit_id(move.application))


def _conflict_message(application: Application) -> str:
    last = application.events.select_related("actor", "organisation").last()
    if last is None:
        return _("The application is now “%(status)s”; this step is not open.") % {
            "status": application.get_status_display()
        }
    return _("%(who)s (%(org)s) already moved this application to “%(status)s” at %(when)s.") % {
        "who": last.actor.get_full_name() or last.actor.username,
        "org": last.organisation or "—",
        "status": application.get_status_display(),
        "when": timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def perform(
    *, actor: Any, application: Application, transition: str, comment: str = "", **data: Any
) -> Application:
    """Carry out one declared move. Raises TransitionConflict when the
    application is no longer where the move starts (someone acted first),
    TransitionForbidden for the wrong role, ServiceError for bad input.

    ``data`` carries what a move needs beyond a comment (the national result
    and reference; the review unit, leader and members of ``assign``); each
    move's PREPARE step reads its own and ignores the rest.
    """
    declared = TRANSITIONS.get(transition)
    if declared is None:
        raise ServiceError(_("Unknown step “%(name)s”.") % {"name": transition})
    # Lock first: of two people acting at once, the second waits here and
    # then finds the state already changed.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in declared.sources:
        raise TransitionConflict(_conflict_message(application))
    if declared.tiers is not None and application.tier not in declared.tiers:
        raise ServiceError(
            _("This step does not apply to %(tier)s applications.")
            % {"tier": TIER_NAMES.get(application.tier, application.tier)}
        )
    if not _acts_as(actor, application, declared):
        raise TransitionForbidden(_("Your organisation cannot take this step."))
    move = Move(
        actor=actor,
        application=application,
        transition=declared,
        comment=(comment or "").strip(),
        data=data,
    )
    if declared.needs_comment and not move.comment:
        raise ServiceError(_("Give the reasons; the applicant sees them."), field="comment")
    if declared.prepare:
        hook(declared.prepare)(move)
    before = application.status
    application.status = declared.target
    application.status_changed_at = timezone.now()
    application.due_on, application.due_is_estimated = (
        move.due if move.due is not None else due_for(declared.target)
    )
    application.save(update_fields=move.fields)
    ApplicationEvent.objects.create(
        application=application,
        transition=declared.name,
        from_status=before,
        to_status=declared.target,
        actor=actor,
        organisation_id=actor.organisation_id,
        comment=move.comment,
    )
    record_step_days(application.pk)
    if declared.finish:
        hook(declared.finish)(move)
    _follow_review_unit(move, before)
    audit.record(
        actor=actor,
        action=f"application.{declared.name}",
        obj=application,
        before={"status": before},
        after={
            "status": declared.target,
            **({"comment": move.comment} if move.comment else {}),
            **move.details,
        },
    )
    _notify(application, declared, move.units)
    return application


def _notify(application: Application, move: Transition, units: list[int | None]) -> None:
    text = message(
        gettext_noop("%(enterprise)s · %(tier)s application: %(status)s"),
        enterprise=application.enterprise.name,
        tier=label(Application.Tier, application.tier),
        status=label(Status, application.status),
    )
    url = reverse("certification:detail", args=[application.pk])
    notify_after_commit(
        [
            application.applicant_id,
            application.receiver_id,
            application.authority_id,
            application.enterprise.account_id,
            *units,
        ],
        text,
        url,
    )

"""Recording a spot check (复核抽查): the on-site re-check of a report, passed
or failed. A failure reopens the batch, re-examines the review unit's other
reports of the year and, at the second failure, proposes the unit's removal
to the city office (domain.md §4.2; the batches and the draw are in
certification/verification/rules.py)."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.assignment.simplified import never_drawn_tiers
from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import Application, Assignment, SpotCheck, Status, VerificationBatch
from certification.verification.rules import (
    AFTER_REPORT,
    _last_report_at,
    sample,
    spot_check_failures,
)
from portal import audit
from portal.errors import ServiceError
from portal.fields import check_length
from portal.models import Organisation, OrganisationKind
from portal.notify import message, notify_after_commit


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def spot_check_record(*, actor, check, result: str, notes: str = "") -> SpotCheck:
    """Record an on-site re-check: ``passed`` or ``failed`` (with notes).

    Only the application's receiver records it. A drawn (or not required)
    check of a batch needs the application still "reported"; a check asked
    for after the fact (the batch reopened, the unit's reports re-examined)
    may be recorded whatever became of the application since its report.

    A failed check of a batch reopens the batch (every other item not yet
    checked becomes required) and re-examines at least half (rounded up) of
    the review unit's other reports of this year: those reported this year
    outside the batch, less those already re-checked, are drawn with
    ``sample(<batch seed> + ":unit", ids, k)``. When the unit then has two or
    more failed checks, the city office is told, proposing its removal.
    """

    check_id = getattr(check, "pk", check)
    check = (
        SpotCheck.objects.select_for_update(of=("self",))
        .select_related("batch", "unit")
        .get(pk=check_id)
    )
    application = (
        Application.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=check.application_id)
    )
    if not (actor.can_act and actor.organisation_id == application.receiver_id):
        raise TransitionForbidden(
            _("Only the organisation that received the application records its spot checks.")
        )
    if result not in (SpotCheck.Result.PASSED, SpotCheck.Result.FAILED):
        raise ServiceError(_("Choose passed or failed."), field="result")
    notes = (notes or "").strip()
    check_length(notes, SpotCheck, "notes")
    if result == SpotCheck.Result.FAILED and not notes:
        raise ServiceError(
            _("Say what the re-check found; a failed check needs notes."), field="notes"
        )
    if check.result != SpotCheck.Result.PENDING:
        who = check.checked_by
        raise TransitionConflict(
            _("This spot check was already recorded as “%(result)s” by %(who)s at %(when)s.")
            % {
                "result": check.get_result_display(),
                "who": (who.get_full_name() or who.username) if who else "—",
                "when": _when(check.checked_at) if check.checked_at else "—",
            }
        )
    after_the_fact = check.reason in (SpotCheck.Reason.REOPENED, SpotCheck.Reason.UNIT_REEXAMINED)
    allowed = AFTER_REPORT if after_the_fact else (Status.REPORTED,)
    if application.status not in allowed:
        raise TransitionConflict(
            _(
                "%(enterprise)s: the application is now “%(status)s”; this "
                "spot check can no longer be recorded."
            )
            % {
                "enterprise": application.enterprise.name,
                "status": application.get_status_display(),
            }
        )
    if check.batch_id and check.batch.created_at < _last_report_at(application):
        raise TransitionConflict(
            _(
                "%(enterprise)s reported again after this batch; record "
                "the check in the batch of the new report."
            )
            % {"enterprise": application.enterprise.name}
        )

    check.result, check.notes = result, notes
    check.checked_by, check.checked_at = actor, timezone.now()
    check.save(update_fields=["result", "notes", "checked_by", "checked_at"])
    audit.record(
        actor=actor,
        action="verification.check.record",
        obj=application,
        before={"result": SpotCheck.Result.PENDING},
        after={
            "spot_check": check.pk,
            "batch": check.batch_id,
            "unit": check.unit_id,
            "reason": check.reason,
            "required": check.required,
            "result": result,
            **({"notes": notes} if notes else {}),
        },
    )
    if result == SpotCheck.Result.FAILED:
        _after_failure(actor, check, application)
    return check


def _after_failure(actor, check: SpotCheck, application: Application) -> None:
    unit = check.unit
    url = reverse("certification:detail", args=[application.pk])
    notify_after_commit(
        [unit.pk],
        message(
            gettext_noop(
                "The spot check of your review report on %(enterprise)s failed: %(notes)s"
            ),
            enterprise=application.enterprise.name,
            notes=check.notes,
        ),
        url,
    )
    if check.batch_id is not None:
        batch = _reopen(actor, check, check.batch_id)
        _reexamine_unit(actor, check, batch)
    failures = spot_check_failures(unit)
    if failures >= 2:
        city = list(
            Organisation.objects.filter(
                kind=OrganisationKind.CITY_OFFICE, status=Organisation.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
        audit.record(
            actor=actor,
            action="verification.unit.removal_proposed",
            obj=unit,
            after={"failed_spot_checks": failures, "spot_check": check.pk},
        )
        text = message(
            gettext_noop(
                "Proposal to remove review unit %(unit)s: %(count)d of its reports failed "
                "the organising unit's spot checks (latest: %(enterprise)s, by "
                "%(organiser)s)."
            ),
            unit=unit.name,
            count=failures,
            enterprise=application.enterprise.name,
            organiser=actor.organisation.name,
        )
        notify_after_commit(city, text, reverse("review_bodies:detail", args=[unit.pk]))


def _reopen(actor, check: SpotCheck, batch_id: int) -> VerificationBatch:
    """Every other item of the batch not yet checked is to be re-checked."""
    batch = VerificationBatch.objects.select_for_update().get(pk=batch_id)
    if batch.reopened_at is None:
        batch.reopened_at = timezone.now()
        batch.save(update_fields=["reopened_at"])
    # The simplified path's applications are never re-checked on site.
    waiting = batch.checks.filter(result=SpotCheck.Result.PENDING, required=False).exclude(
        application__tier__in=never_drawn_tiers()
    )
    reopened = list(waiting.values_list("application_id", flat=True))
    SpotCheck.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(
        required=True, reason=SpotCheck.Reason.REOPENED
    )
    audit.record(
        actor=actor,
        action="verification.batch.reopen",
        obj=batch,
        after={
            "failed_check": check.pk,
            "application": check.application_id,
            "now_required": sorted(reopened),
        },
    )
    return batch


def _reexamine_unit(actor, check: SpotCheck, batch: VerificationBatch) -> list[SpotCheck]:
    """At least half (rounded up) of the unit's other reports of this year
    re-examined: what is already re-checked counts, the rest is drawn."""
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    reporting_unit = (
        Assignment.objects.filter(application=OuterRef("pk"))
        .order_by("-assigned_at", "-id")
        .values("unit_id")[:1]
    )
    in_batch = SpotCheck.objects.filter(batch_id=batch.pk).values("application_id")
    others = set(
        Application.objects.filter(onsite__reported_at__gte=start, onsite__reported_at__lt=end)
        .annotate(reporting_unit=Subquery(reporting_unit))
        .filter(reporting_unit=check.unit_id)
        .exclude(pk__in=in_batch)
        .exclude(tier__in=never_drawn_tiers())
        .values_list("pk", flat=True)
    )
    if not others:
        return []
    covered = set(
        SpotCheck.objects.filter(application_id__in=others)
        .filter(Q(required=True) | ~Q(result=SpotCheck.Result.PENDING))
        .exclude(batch_id=batch.pk)
        .values_list("application_id", flat=True)
    )
    target = math.ceil(len(others) / 2)
    need = target - len(covered)
    if need <= 0:
        return []
    seed = f"{batch.seed}:unit"
    picks = sample(seed, others - covered, need)
    created = SpotCheck.objects.bulk_create(
        SpotCheck(
            batch=None,
            application_id=pk,
            unit_id=check.unit_id,
            required=True,
            reason=SpotCheck.Reason.UNIT_REEXAMINED,
        )
        for pk in sorted(picks)
    )
    audit.record(
        actor=actor,
        action="verification.unit.reexamine",
        obj=check.unit,
        after={
            "failed_check": check.pk,
            "batch": check.batch_id,
            "year": year,
            "reports": sorted(others),
            "already_checked": sorted(covered),
            "target": target,
            "seed": seed,
            "drawn": sorted(picks),
        },
    )
    receivers: dict[int, list[str]] = defaultdict(list)
    for application in (
        Application.objects.filter(pk__in=picks).select_related("enterprise").order_by("pk")
    ):
        receivers[application.receiver_id].append(application.enterprise.name)
    for receiver_id, names in receivers.items():
        text = message(
            gettext_noop(
                "A spot check of review unit %(unit)s failed: re-examine on site its "
                "reports on %(names)s."
            ),
            unit=check.unit.name,
            names=names,  # joined in the reader's language
        )
        notify_after_commit([receiver_id], text, reverse("certification:verification"))
    return created

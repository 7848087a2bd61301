"""A certificate's life after the announcement: annual
self-assessments, renewal window, expiry, suspension, reinstatement and
revocation, accident flags.

Rules chosen (domain.md §4.1, §4.3; tagged [M] there, hence settings):

- **Grading authority** of a certificate: the organisation that announced it
  (the district for level 3, the organising unit for level 2) and the city
  office. They suspend, reinstate and revoke; each change is
  atomic on the locked certificate row, writes a CertificateEvent and an
  audit row and tells the enterprise after commit.
- **Reason codes** (RevocationReason) are required for suspension and
  revocation, together with a note; reinstatement needs a
  note only (its reason code is optional: the suspension's reason no longer
  applies).
- **States**: suspend valid → suspended; reinstate suspended → valid;
  revoke valid or suspended → revoked. Nothing changes an expired or
  revoked certificate.
- **No downgrading**: a certificate's number carries its grade (Ⅱ, Ⅲ), so a
  lower grade is a revocation plus a new application, announcement and
  certificate with its own number (应急〔2021〕83号: grades are granted by
  announcement). ``downgraded`` events of older data still show in the
  history.
- **Revocation** locks re-application until the anniversary (settings.REAPPLY_LOCK_MONTHS)
  (``reapply_locked_until`` = the first day the enterprise may apply again)
  and is published in a revocation announcement (AnnouncementBatch
  kind="revocation") of the revoking organisation, numbered in the same
  sequence as its award announcements (certification.numbering.next_number, key
  ``announcement:<org>:<year>``: the batch number is unique per organiser
  and year whatever the kind).
- **Annual self-assessment**: at issuance one row per year of validity
  (1..3); year N is due on the N-th anniversary of ``valid_from``, the last
  one no later than ``valid_until`` (the third anniversary is the day after
  the certificate ends). The enterprise is reminded ANNUAL_REMIND_DAYS (30)
  days before and on the due day; the day after, an unfulfilled year is
  recorded overdue once (warning list). A self-assessment of the enterprise
  submitted on or after the opening of year N (the previous anniversary;
  for year 1 ``valid_from``) fulfils the earliest open year; each one
  fulfils one year only, never the assessment the grade was earned on.
- **Renewal window**: opens RENEWAL_WINDOW_MONTHS (3) months before
  ``valid_until``; the enterprise is told once. An application for the grade
  of a live certificate is accepted only inside the window (a higher or
  another grade: any time).
- **Accidents** (enterprises/accidents.py): a fatal accident, or one at or
  above settings.ACCIDENT_REVIEW_SERIOUS_INJURIES serious injuries or
  settings.ACCIDENT_REVIEW_DIRECT_LOSS direct loss, flags every live
  certificate of the enterprise for a revocation review. Keeping a
  certificate needs every fatal accident since its ``valid_from`` found not
  to be a production-safety accident (事故认定, recorded by the district or the
  city office); a fatal accident also adds an extra self-assessment due
  settings.ACCIDENT_SELF_ASSESSMENT_DAYS later ("发生死亡事故后应重新进行评定",
  domain.md §4.1).
- **Annual self-assessments count against the certificate's standard** (a
  self-assessment of another standard fulfils nothing) and are delivered to the
  grading authority, which acknowledges each one (certification/lifecycle/annual.py).
- **Reason codes** (RevocationReason, domain.md §4.3): fatal accident, the
  serious-injury and loss thresholds, 瞒报/谎报/迟报/漏报, false materials,
  失信名单, licence revoked or business ceased, an overdue major hazard (flagged
  by the hazards app through enterprises.signals.major_hazard_overdue), the
  system not kept running, other.

The daily Celery beat task (certification.lifecycle.daily.run_lifecycle_task) runs
``run_daily``; each step claims its rows with a conditional UPDATE, so a
second run the same day does nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import (
    AnnouncementBatch,
    AnnualSelfAssessment,
    Application,
    Certificate,
    CertificateEvent,
    RevocationReason,
)
from certification.numbering import next_number
from certification.validity import (
    ANNUAL_YEARS,
    LIVE,
    add_months,
    annual_due_on,
    in_renewal_window,
)
from enterprises.accidents import pending_fatal
from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind
from portal.notify import label, message, notify_after_commit

Action = CertificateEvent.Action


# --- who ---------------------------------------------------------------------------


def city_office_ids() -> list[int]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.CITY_OFFICE).values_list("pk", flat=True)
    )


def is_authority(user, certificate: Certificate) -> bool:
    """The announcing organisation and the city office."""
    if not (user.is_authenticated and getattr(user, "can_act", False)):
        return False
    if user.organisation.kind == OrganisationKind.CITY_OFFICE:
        return True
    return user.organisation_id == certificate.announcement.organiser_id


def oversees(user) -> bool:
    """Districts, regulators (grading authorities of level 2), organising
    units and the city office: the certificate list and the warning list
    (their scope of certificates)."""
    return bool(
        user.is_authenticated
        and getattr(user, "can_act", False)
        and user.organisation.kind
        in (
            OrganisationKind.DISTRICT,
            OrganisationKind.REGULATOR,
            OrganisationKind.ORGANISING_UNIT,
            OrganisationKind.CITY_OFFICE,
        )
    )


def _forbidden(message):

    return TransitionForbidden(message)


def _conflict(message):

    return TransitionConflict(message)


# --- issuance ----------------------------------------------------------------------


def on_issued(certificate: Certificate, *, actor=None) -> None:
    """Receiver of certification.signals.certificate_issued (sent by
    publicity.finish_announce): the "issued" event, the annual
    self-assessment rows, and a "renewed" event on the enterprise's earlier
    live certificate of the same grade."""
    CertificateEvent.objects.create(
        certificate=certificate,
        action=Action.ISSUED,
        to_status=certificate.status,
        to_tier=certificate.tier,
        announcement=certificate.announcement,
        actor=actor,
    )
    AnnualSelfAssessment.objects.bulk_create(
        AnnualSelfAssessment(
            certificate=certificate, year=year, due_on=annual_due_on(certificate, year)
        )
        for year in range(1, ANNUAL_YEARS + 1)
    )
    earlier = Certificate.objects.filter(
        enterprise_id=certificate.enterprise_id, tier=certificate.tier, status__in=LIVE
    ).exclude(pk=certificate.pk)
    for old in earlier:
        CertificateEvent.objects.create(
            certificate=old,
            action=Action.RENEWED,
            from_status=old.status,
            to_status=old.status,
            actor=actor,
            note=_("Renewed by certificate %(number)s.") % {"number": certificate.number},
        )


# --- changes by the grading authority ------------------------------------------------


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("announcement", "enterprise", "application")
        .get(pk=certificate.pk)
    )


def _check_authority(actor, certificate: Certificate) -> None:
    if not is_authority(actor, certificate):
        raise _forbidden(
            _("Only the organisation that announced the certificate and the city office change it.")
        )


def _check_state(certificate: Certificate, allowed: tuple[str, ...], what: str) -> None:
    if certificate.status in allowed:
        return
    if certificate.status == Certificate.Status.REVOKED:
        raise _conflict(
            _("Certificate %(number)s was revoked on %(date)s; it cannot be changed any more.")
            % {"number": certificate.number, "date": _when(certificate.status_changed_at)}
        )
    if certificate.status == Certificate.Status.EXPIRED:
        raise _conflict(
            _("Certificate %(number)s expired on %(date)s; it cannot be changed any more.")
            % {"number": certificate.number, "date": certificate.valid_until.isoformat()}
        )
    raise _conflict(
        _("Certificate %(number)s is “%(status)s”; it cannot be %(what)s.")
        % {"number": certificate.number, "status": certificate.get_status_display(), "what": what}
    )


def _when(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else "—"


def _clean(reason: str, note: str, *, reason_required: bool = True) -> tuple[str, str]:
    reason = (reason or "").strip()
    note = (note or "").strip()
    if reason and reason not in RevocationReason.values or (reason_required and not reason):
        raise ServiceError(_("Choose the reason."), field="reason")
    if not note:
        raise ServiceError(_("Explain the decision; the enterprise sees it."), field="note")
    if len(note) > 2000:
        raise ServiceError(_("The explanation is too long: at most 2000 characters."), field="note")
    return reason, note


@dataclass
class _Change:
    action: str
    status: str | None = None
    tier: str | None = None
    announcement: AnnouncementBatch | None = None


def _apply(
    actor, certificate: Certificate, change: _Change, reason: str, note: str
) -> CertificateEvent:
    before = {"status": certificate.status, "tier": certificate.tier}
    fields = ["status_reason", "status_note", "status_changed_at"]
    if change.status is not None:
        certificate.status = change.status
        fields.append("status")
    if change.tier is not None:
        certificate.tier = change.tier
        fields.append("tier")
    if change.action == Action.REVOKED:
        # Until the anniversary (29 February: the 28th, as certificate dates count).
        months = getattr(settings, "REAPPLY_LOCK_MONTHS", 12)
        certificate.reapply_locked_until = add_months(timezone.localdate(), months)
        fields.append("reapply_locked_until")
    certificate.status_reason = reason
    certificate.status_note = note
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=fields)
    event = CertificateEvent.objects.create(
        certificate=certificate,
        action=change.action,
        from_status=before["status"],
        to_status=certificate.status,
        from_tier=before["tier"],
        to_tier=certificate.tier if change.tier else "",
        reason=reason,
        note=note,
        announcement=change.announcement,
        actor=actor,
    )
    after: dict[str, Any] = {
        "status": certificate.status,
        "tier": certificate.tier,
        "reason": reason,
        "note": note,
    }
    if change.announcement is not None:
        after["announcement"] = change.announcement.pk
    if certificate.reapply_locked_until and change.action == Action.REVOKED:
        after["reapply_locked_until"] = certificate.reapply_locked_until.isoformat()
    audit.record(
        actor=actor,
        action=f"certificate.{change.action}",
        obj=certificate,
        before=before,
        after=after,
    )
    _tell_enterprise(certificate, event)
    return event


def _tell_enterprise(certificate: Certificate, event: CertificateEvent) -> None:
    text = message(
        gettext_noop(
            "Certificate %(number)s (%(enterprise)s): %(action)s — %(grade)s, %(status)s."
        ),
        number=certificate.number,
        enterprise=certificate.enterprise.name,
        action=label(Action, event.action),
        grade=label(Application.Tier, certificate.tier),
        status=label(Certificate.Status, certificate.status),
    )
    notify_after_commit(
        [certificate.enterprise.account_id, certificate.application.applicant_id],
        text,
        reverse("certification:lifecycle_certificate", args=[certificate.pk]),
    )


@transaction.atomic
def certificate_suspend(
    *, actor, certificate: Certificate, reason: str, note: str
) -> CertificateEvent:
    certificate = _locked(certificate)
    _check_authority(actor, certificate)
    _check_state(certificate, (Certificate.Status.VALID,), _("suspended"))
    reason, note = _clean(reason, note)
    return _apply(
        actor, certificate, _Change(Action.SUSPENDED, Certificate.Status.SUSPENDED), reason, note
    )


@transaction.atomic
def certificate_reinstate(
    *, actor, certificate: Certificate, note: str, reason: str = ""
) -> CertificateEvent:
    certificate = _locked(certificate)
    _check_authority(actor, certificate)
    _check_state(certificate, (Certificate.Status.SUSPENDED,), _("reinstated"))
    if certificate.valid_until < timezone.localdate():
        raise _conflict(
            _("Certificate %(number)s ended on %(date)s; it cannot be reinstated.")
            % {"number": certificate.number, "date": certificate.valid_until.isoformat()}
        )
    reason, note = _clean(reason, note, reason_required=False)
    return _apply(
        actor, certificate, _Change(Action.REINSTATED, Certificate.Status.VALID), reason, note
    )


def _revocation_announcement(actor, today: datetime.date) -> AnnouncementBatch:

    year = today.year
    number = next_number(f"announcement:{actor.organisation_id}:{year}")
    return AnnouncementBatch.objects.create(
        organiser_id=actor.organisation_id,
        year=year,
        number=number,
        kind=AnnouncementBatch.Kind.REVOCATION,
        title=f"{year}年第{number}批安全生产标准化撤销等级公告",
        announced_on=today,
        created_by=actor,
    )


@transaction.atomic
def certificate_revoke(
    *, actor, certificate: Certificate, reason: str, note: str
) -> CertificateEvent:
    """Revoked for good: the re-apply lock starts, and a revocation
    announcement of the actor's organisation publishes it."""
    certificate = _locked(certificate)
    _check_authority(actor, certificate)
    _check_state(certificate, LIVE, _("revoked"))
    reason, note = _clean(reason, note)
    batch = _revocation_announcement(actor, timezone.localdate())
    event = _apply(
        actor,
        certificate,
        _Change(Action.REVOKED, Certificate.Status.REVOKED, announcement=batch),
        reason,
        note,
    )
    audit.record(
        actor=actor,
        action="publicity.announcement.create",
        obj=batch,
        after={
            "title": batch.title,
            "kind": batch.kind,
            "announced_on": batch.announced_on.isoformat(),
            "revoked": [certificate.number],
        },
    )
    return event


@transaction.atomic
def certificate_keep(
    *, actor, certificate: Certificate, note: str, reason: str = ""
) -> CertificateEvent:
    """Close a revocation review without revoking: the flag goes, the
    decision and its explanation stay in the history."""
    certificate = _locked(certificate)
    _check_authority(actor, certificate)
    _check_state(certificate, LIVE, _("kept"))
    if certificate.review_flagged_at is None:
        raise _conflict(
            _("Certificate %(number)s is not flagged for a revocation review.")
            % {"number": certificate.number}
        )
    pending = pending_fatal(certificate.enterprise_id, certificate.valid_from)
    if pending:
        raise ServiceError(
            _(
                "Certificate %(number)s cannot be kept: no finding (事故认定) says that the "
                "fatal accident of %(dates)s was not a production-safety accident. Record "
                "the finding on the accident first, or revoke the certificate."
            )
            % {
                "number": certificate.number,
                "dates": "、".join(a.occurred_on.isoformat() for a in pending),
            }
        )
    reason, note = _clean(reason, note, reason_required=False)
    flagged = certificate.review_flag_reason
    certificate.review_flagged_at = None
    certificate.review_flag_reason = ""
    certificate.save(update_fields=["review_flagged_at", "review_flag_reason"])
    event = _apply(actor, certificate, _Change(Action.KEPT), reason, note)
    event.note = f"{note}\n({flagged})" if flagged else note
    event.save(update_fields=["note"])
    return event


# Each takes actor=, certificate= and the fields of its form (reason, note).
ACTIONS: dict[str, Callable[..., CertificateEvent]] = {
    "keep": certificate_keep,
    "suspend": certificate_suspend,
    "reinstate": certificate_reinstate,
    "revoke": certificate_revoke,
}


def actions_open(user, certificate: Certificate) -> list[str]:
    """The changes the user may make now (for buttons and the API)."""
    if not is_authority(user, certificate):
        return []
    status = certificate.status
    names = []
    if status == Certificate.Status.VALID:
        names.append("suspend")
    if status == Certificate.Status.SUSPENDED:
        names.append("reinstate")
    if status in LIVE:
        names.append("revoke")
        if certificate.review_flagged_at is not None:
            names.insert(0, "keep")
    return names


# --- re-apply lock, renewal, fast path ----------------------------------------------


def renewal_of(application) -> Certificate | None:
    """The live certificate an application renews (same enterprise and grade,
    in its renewal window on the application's creation day)."""
    day = timezone.localdate(application.created_at) if application.created_at else None
    for certificate in Certificate.objects.filter(
        enterprise_id=application.enterprise_id, tier=application.tier, status__in=LIVE
    ):
        if in_renewal_window(certificate, day):
            return certificate
    return None


def fast_path_allowed(application) -> bool:
    """settings.RENEWAL_FAST_PATH (domain.md §4.3, [M]): “after confirmation
    by the grading authority go straight to publicity”. True when the
    setting is on and the application renews a live certificate that was
    never suspended, downgraded or flagged, with no accident flagging it
    recorded since the certificate's issue. The confirm_renewal move
    (certification/workflow.py) takes the path: submitted → verified, then
    publicity and announcement as usual."""
    if not getattr(settings, "RENEWAL_FAST_PATH", False):
        return False
    certificate = renewal_of(application)
    if certificate is None or certificate.review_flagged_at is not None:
        return False
    if certificate.events.filter(action__in=[Action.SUSPENDED, Action.DOWNGRADED]).exists():
        return False
    from enterprises.accidents import flags_review

    return not any(
        flags_review(accident)
        for accident in certificate.enterprise.accidents.filter(
            occurred_on__gte=certificate.valid_from
        )
    )


def prepare_confirm_renewal(move) -> None:
    """PREPARE step of the confirm_renewal move: only on the fast path; the
    grade reached is the grade renewed."""
    application = move.application
    renewed = renewal_of(application) if fast_path_allowed(application) else None
    if renewed is None:
        raise ServiceError(
            _(
                "The renewal fast path is not open for this application: it "
                "must renew a certificate of the same grade in its renewal "
                "window that was never suspended, downgraded or flagged "
                "(and the fast path must be switched on)."
            )
        )
    application.granted_tier = application.tier
    move.fields.append("granted_tier")
    move.details.update({"renews": renewed.number, "granted_tier": application.tier})
    # Its grading authority confirms it (approve) before publicity.
    from certification.approval.rules import set_authority

    set_authority(move, application.tier)


# --- accident flags -------------------------------------------------------------------


def flag_for_review(*, actor, enterprise, reason: str) -> list[Certificate]:
    """Flag every live certificate of the enterprise for a revocation review
    (inside the caller's transaction); tells each grading authority."""
    flagged = []
    certificates = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("announcement")
        .filter(enterprise=enterprise, status__in=LIVE)
        .order_by("pk")
    )
    for certificate in certificates:
        certificate.review_flagged_at = timezone.now()
        certificate.review_flag_reason = reason[:300]
        certificate.save(update_fields=["review_flagged_at", "review_flag_reason"])
        CertificateEvent.objects.create(
            certificate=certificate,
            action=Action.FLAGGED,
            from_status=certificate.status,
            to_status=certificate.status,
            note=reason,
            actor=actor,
        )
        audit.record(
            actor=actor, action="certificate.flagged", obj=certificate, after={"reason": reason}
        )
        text = message(
            gettext_noop(
                "Certificate %(number)s (%(enterprise)s) is flagged for a revocation "
                "review: %(reason)s"
            ),
            number=certificate.number,
            enterprise=enterprise.name,
            reason=reason,
        )
        notify_after_commit(
            [certificate.announcement.organiser_id, *city_office_ids()],
            text,
            reverse("certification:lifecycle_certificate", args=[certificate.pk]),
        )
        flagged.append(certificate)
    return flagged


def flag_for_accident(
    *, actor, enterprise, reason: str, accident=None, **_signal
) -> list[Certificate]:
    """Receiver of enterprises.signals.accident_flags_review; a fatal accident
    also adds an extra self-assessment to each certificate flagged."""
    flagged = flag_for_review(actor=actor, enterprise=enterprise, reason=reason)
    if accident is not None and accident.deaths >= 1:
        days = settings.ACCIDENT_SELF_ASSESSMENT_DAYS
        due_on = timezone.localdate() + datetime.timedelta(days=days)
        for certificate in flagged:
            AnnualSelfAssessment.objects.get_or_create(
                certificate=certificate,
                kind=AnnualSelfAssessment.Kind.ACCIDENT,
                accident=accident,
                defaults={"year": 0, "due_on": min(due_on, certificate.valid_until)},
            )
    return flagged


def flag_for_overdue_hazard(*, actor, enterprise, reason: str, **_signal) -> list[Certificate]:
    """Receiver of enterprises.signals.major_hazard_overdue."""
    return flag_for_review(actor=actor, enterprise=enterprise, reason=reason)


def on_certificate_issued(*, certificate: Certificate, actor=None, **_signal) -> None:
    """Receiver of certification.signals.certificate_issued."""
    on_issued(certificate, actor=actor)

"""Listed supervision (挂牌督办): one service per move declared in
hazards/supervision/workflow.py.

Each locks the row it changes (the hazard when listing it, else the listing;
the hazard after the listing when the review closes both), checks who acts
first (HazardForbidden: an outsider learns nothing), then the state
(HazardConflict), then the input (ServiceError), writes with update_fields and
records one audit row; a refusal writes nothing. Notifications go out after
commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import (
    CloseApplication,
    EvaluationFile,
    Hazard,
    ListingEvaluation,
    ListingProgress,
    SupervisionListing,
    Suspension,
)
from hazards.services import _date, _event, _locked, _next_number, _not_future
from hazards.supervision import rules
from hazards.supervision.workflow import MIN_REVIEWERS, MOVES, VERDICT_MOVES
from portal import audit
from portal.errors import ServiceError
from portal.files import check_document, store_upload
from portal.models import User
from portal.notify import Message, label, message, notify_after_commit

Status = SupervisionListing.Status
EVALUATION_TYPES = ("pdf", "jpg", "png")
LISTING_FIELDS = ["number", "level", "issuer", "listed_on", "deadline", "suspension"]
LISTING_FIELDS += ["requirements", "progress_interval_days", "status"]


def _text(value: object, name: str, message: str, limit: int = 4000) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError(message, field=name)
    if len(text) > limit:
        raise ServiceError(
            _("At most %(limit)s characters.") % {"limit": limit},
            field=name,
        )
    return text


def _locked_listing(listing: SupervisionListing) -> SupervisionListing:
    return (
        SupervisionListing.objects.select_related("hazard__enterprise", "issuer")
        .select_for_update(of=("self",))
        .get(pk=listing.pk)
    )


def _guard(actor: User, listing: SupervisionListing, name: str) -> None:
    """Who first, then the state."""
    move = MOVES[name]
    if not any(rules.acts_on_listing(actor, listing, role) for role in move.actors):
        raise HazardForbidden(_("Your organisation or role cannot take this step."))
    if listing.status not in move.sources:
        raise HazardConflict(
            _("The listing is now “%(status)s”; this step is not open.")
            % {"status": listing.get_status_display()}
        )


def _tell(
    listing: SupervisionListing, organisation_ids: Iterable[int | None], what: Message
) -> None:
    text = message(
        gettext_noop("%(number)s (%(enterprise)s): %(what)s"),
        number=listing.number,
        enterprise=listing.hazard.enterprise.name,
        what=what,
    )
    notify_after_commit(list(organisation_ids), text)


def _number(actor: User, year: int) -> str:
    """京<district code>督〔year〕N号, or 京市督〔year〕N号 for the city office:
    gap-free per issuing level and year (the hazards' counter rows)."""
    org = actor.organisation
    assert org is not None
    code = ""
    if rules.level_of(actor) == SupervisionListing.Level.DISTRICT and org.region is not None:
        code = org.region.code
    prefix = f"京{code}督" if code else "京市督"
    sequence = _next_number(f"listing-{code or 'city'}-{year}")
    return f"{prefix}〔{year}〕{sequence}号"


# 挂牌 -------------------------------------------------------------------------


@transaction.atomic
def listing_create(
    *,
    actor: User,
    hazard: Hazard,
    deadline: object,
    suspension: str,
    requirements: str,
    progress_interval_days: object = 15,
    listed_on: object = None,
) -> SupervisionListing:
    """A district government (a major hazard of its district) or the city
    office lists an open major hazard for supervision."""
    hazard = _locked(hazard)
    if not rules.may_list(actor, hazard):
        raise HazardForbidden(
            _("Only the district government of the hazard's district or the city office lists it.")
        )
    if hazard.grade != Hazard.Grade.MAJOR:
        raise ServiceError(_("Only a major hazard is listed for supervision."))
    if not hazard.is_open:
        raise HazardConflict(_("The hazard is closed."))
    existing = SupervisionListing.objects.filter(hazard=hazard).first()
    if existing is not None:
        raise HazardConflict(
            _("The hazard is already listed (%(number)s).") % {"number": existing.number}
        )
    today = timezone.localdate()
    listed = _date(listed_on, "listed_on", required=False) or today
    _not_future(listed, "listed_on")
    if listed < hazard.found_on:
        raise ServiceError(
            _("The hazard cannot be listed before it was found (%(date)s).")
            % {"date": hazard.found_on.isoformat()},
            field="listed_on",
        )
    due = _date(deadline, "deadline")
    assert due is not None  # required
    if due < listed:
        raise ServiceError(
            _("The deadline cannot be before the listing (%(date)s).")
            % {"date": listed.isoformat()},
            field="deadline",
        )
    if suspension not in Suspension.values:
        raise ServiceError(_("Choose full, partial or no suspension."), field="suspension")
    text = _text(requirements, "requirements", _("State the requirements of the supervision."))
    try:
        interval = int(str(progress_interval_days))
    except ValueError:
        interval = 0
    if not 1 <= interval <= 366:
        raise ServiceError(
            _("Give the progress-report interval in days (1 to 366)."),
            field="progress_interval_days",
        )
    assert actor.organisation is not None  # may_list
    listing = SupervisionListing(
        number=_number(actor, listed.year),
        level=rules.level_of(actor),
        issuer=actor.organisation,
        hazard=hazard,
        listed_on=listed,
        deadline=due,
        suspension=suspension,
        requirements=text,
        progress_interval_days=interval,
        created_by=actor,
    )
    listing.save()
    audit.record(
        actor=actor,
        action="listing.list",
        obj=listing,
        after={"hazard": hazard.pk, **audit.snapshot(listing, LISTING_FIELDS)},
    )
    _tell(listing, [hazard.enterprise.account_id], message(gettext_noop("listed for supervision")))
    return listing


# The enterprise's steps ---------------------------------------------------------


@transaction.atomic
def progress_report(*, actor: User, listing: SupervisionListing, text: str) -> ListingProgress:
    listing = _locked_listing(listing)
    _guard(actor, listing, "report_progress")
    body = _text(text, "text", _("Describe the progress."))
    filed = listing.progress_reports.count()
    progress = ListingProgress.objects.create(
        listing=listing, reported_on=timezone.localdate(), text=body, created_by=actor
    )
    due = rules.next_progress_due(listing, filed)
    audit.record(
        actor=actor,
        action="listing.report_progress",
        obj=listing,
        after={
            "progress": progress.pk,
            "reported_on": progress.reported_on.isoformat(),
            "due": due.isoformat() if due else None,
        },
    )
    return progress


def _check_file(upload: UploadedFile[bytes]) -> str:
    detected = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    if detected not in EVALUATION_TYPES:
        raise ServiceError(
            _("“%(name)s” is not a PDF, JPG or PNG file (checked from its content).")
            % {"name": upload.name},
            field="file",
        )
    return detected


@transaction.atomic
def evaluation_record(
    *,
    actor: User,
    listing: SupervisionListing,
    by: str,
    body_name: str,
    conclusion: str,
    evaluated_on: object,
    files: Sequence[UploadedFile[bytes]],
) -> ListingEvaluation:
    """The evaluation of the treatment (第18条): by the enterprise's own experts
    or a safety evaluation body, with its report (PDF, JPG or PNG)."""
    listing = _locked_listing(listing)
    _guard(actor, listing, "evaluate")
    if by not in ListingEvaluation.By.values:
        raise ServiceError(
            _("Say whether the enterprise's own experts or an evaluation body evaluated."),
            field="by",
        )
    name = _text(body_name, "body_name", _("Name the body or the experts."), limit=200)
    text = _text(conclusion, "conclusion", _("Give the evaluation's conclusion."))
    day = _date(evaluated_on, "evaluated_on")
    assert day is not None  # required
    _not_future(day, "evaluated_on")
    if day < listing.listed_on:
        raise ServiceError(
            _("The evaluation cannot be before the listing (%(date)s).")
            % {"date": listing.listed_on.isoformat()},
            field="evaluated_on",
        )
    if not files:
        raise ServiceError(_("Attach the evaluation report (PDF, JPG or PNG)."), field="file")
    kinds = [_check_file(upload) for upload in files]  # every file before any is stored
    evaluation = ListingEvaluation.objects.create(
        listing=listing,
        by=by,
        body_name=name,
        conclusion=text,
        evaluated_on=day,
        created_by=actor,
    )
    stored = []
    for upload, kind in zip(files, kinds, strict=True):
        record = store_upload(
            EvaluationFile(evaluation=evaluation), upload, detected=kind, uploaded_by=actor
        )
        stored.append({"file": record.original_name, "sha256": record.sha256})
    audit.record(
        actor=actor,
        action="listing.evaluate",
        obj=listing,
        after={
            "evaluation": evaluation.pk,
            "by": by,
            "body_name": name,
            "evaluated_on": day.isoformat(),
            "files": stored,
        },
    )
    return evaluation


def _evaluated_since_last_correction(listing: SupervisionListing) -> bool:
    last = (
        listing.close_applications.filter(verdict=CloseApplication.Verdict.CORRECTION)
        .order_by("-pk")
        .first()
    )
    evaluations = listing.evaluations.all()
    if last is not None and last.recorded_at is not None:
        evaluations = evaluations.filter(created_at__gt=last.recorded_at)
    return evaluations.exists()


@transaction.atomic
def close_apply(*, actor: User, listing: SupervisionListing, text: str) -> CloseApplication:
    """The principal's written application to close; the issuing office reviews
    it on site within settings.LISTING_REVIEW_DAYS days."""
    listing = _locked_listing(listing)
    _guard(actor, listing, "apply_close")
    body = _text(text, "text", _("Write the application."))
    if listing.hazard.status == Hazard.Status.REPORTED:
        raise ServiceError(_("The treatment plan must be approved before applying to close."))
    if not _evaluated_since_last_correction(listing):
        raise ServiceError(
            _("Record the evaluation of the treatment before applying to close."), field="text"
        )
    today = timezone.localdate()
    application = CloseApplication.objects.create(
        listing=listing,
        text=body,
        applied_by=actor,
        review_due=today + datetime.timedelta(days=settings.LISTING_REVIEW_DAYS),
    )
    before = listing.status
    listing.status = Status.CLOSE_APPLIED
    listing.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="listing.apply_close",
        obj=listing,
        before={"status": before},
        after={
            "status": listing.status,
            "application": application.pk,
            "review_due": application.review_due.isoformat(),
        },
    )
    _tell(
        listing,
        [listing.issuer_id],
        message(
            gettext_noop("application to close, review due by %(date)s"),
            date=application.review_due.isoformat(),
        ),
    )
    return application


# The issuing office's review ------------------------------------------------------


def _reviewers(listing: SupervisionListing, reviewers: Iterable[Any]) -> list[User]:
    ids = []
    for value in reviewers:
        pk = getattr(value, "pk", value)
        try:
            ids.append(int(str(pk)))
        except ValueError:
            raise ServiceError(
                _("Choose the officials from the list."), field="reviewers"
            ) from None
    found = list(
        User.objects.filter(
            pk__in=set(ids), organisation_id=listing.issuer_id, is_active=True
        ).order_by("pk")
    )
    if len(found) != len(set(ids)):
        raise ServiceError(
            _("The reviewers must be officials of %(issuer)s.") % {"issuer": listing.issuer},
            field="reviewers",
        )
    if len(found) < MIN_REVIEWERS:
        raise ServiceError(
            _("The on-site review needs at least %(count)s officials of the issuing office.")
            % {"count": MIN_REVIEWERS},
            field="reviewers",
        )
    return found


@transaction.atomic
def close_review(
    *,
    actor: User,
    listing: SupervisionListing,
    verdict: str,
    reviewers: Iterable[Any],
    opinion: str,
    reviewed_on: object = None,
) -> CloseApplication:
    """The on-site review of the application by at least two officials of the
    issuing office: 核销 closes the listing and the hazard; 责令改正 sends the
    listing back to the enterprise, which applies again."""
    move = VERDICT_MOVES.get(verdict)
    listing = _locked_listing(listing)
    _guard(actor, listing, move or "review_close")
    if move is None:
        raise ServiceError(
            _("Choose the verdict: close (核销) or order correction (责令改正)."), field="verdict"
        )
    application = listing.close_applications.select_for_update().filter(verdict="").last()
    assert application is not None  # CLOSE_APPLIED has its open application
    people = _reviewers(listing, reviewers)
    text = _text(opinion, "opinion", _("Give the review's opinion; it is kept on record."))
    day = _date(reviewed_on, "reviewed_on", required=False) or timezone.localdate()
    _not_future(day, "reviewed_on")
    applied = timezone.localtime(application.applied_at).date()
    if day < applied:
        raise ServiceError(
            _("The review cannot be before the application (%(date)s).")
            % {"date": applied.isoformat()},
            field="reviewed_on",
        )
    application.verdict, application.opinion = verdict, text
    application.reviewed_on, application.recorded_by = day, actor
    application.recorded_at = timezone.now()
    application.save(
        update_fields=["verdict", "opinion", "reviewed_on", "recorded_by", "recorded_at"]
    )
    application.reviewers.set(people)
    before = listing.status
    target = MOVES[move].target
    assert target is not None
    listing.status = target
    fields = ["status"]
    details: dict[str, Any] = {}
    if target == Status.CLOSED:
        listing.closed_on = day
        fields.append("closed_on")
        details = _close_hazard(actor, listing, text, day)
    listing.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=f"listing.{move}",
        obj=listing,
        before={"status": before},
        after={
            "status": listing.status,
            "application": application.pk,
            "reviewers": [user.pk for user in people],
            "reviewed_on": day.isoformat(),
            "late": day > application.review_due,
            "opinion": text,
            **details,
        },
    )
    _tell(
        listing,
        [listing.hazard.enterprise.account_id],
        message(label(SupervisionListing.Status, listing.status)),
    )
    return application


def _close_hazard(
    actor: User, listing: SupervisionListing, opinion: str, day: datetime.date
) -> dict[str, Any]:
    """核销 closes the hazard too, on its timeline as the ledger's close move."""
    hazard = _locked(listing.hazard)
    before = hazard.status
    if not hazard.is_open:
        return {}
    hazard.status = Hazard.Status.CLOSED
    hazard.status_changed_at = timezone.now()
    hazard.closed_on, hazard.accepted_by, hazard.acceptance_note = day, actor, opinion[:2000]
    hazard.save(
        update_fields=[
            "status",
            "status_changed_at",
            "closed_on",
            "accepted_by",
            "acceptance_note",
            "updated_at",
        ]
    )
    _event(hazard, "close", before, actor, opinion[:2000])
    return {"hazard": hazard.pk, "hazard_status": [before, hazard.status]}

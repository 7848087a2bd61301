"""Publicity (公示) batches with public objections, announcement (公告)
batches, and certificate numbers.

The flow: the grading authority (Application.authority,
certification/approval/rules.py) publishes the applications it approved in
a publicity batch (``publicity_batch_create``: approved → publicity, window
of the publicity time limit in working days); anyone may lodge an objection
while the window is open (``objection_lodge`` in
certification/publicity/objections.py, no login, throttled per address); the
authority resolves each one (``objection_resolve``; upheld → the application
leaves publicity, back to reported); once the window is over
and every objection is resolved the authority announces the applications in
a numbered batch (``announcement_create``: publicity → announced), which
issues the certificates with their numbers.

Hooks of the declared moves (called by certification/engine.perform inside
its transaction): ``prepare_start_publicity``, ``prepare_withdraw_from_publicity``,
``prepare_announce``, ``finish_announce``.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import signals
from certification.assignment import simplified
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    Objection,
    PublicityBatch,
    PublicityItem,
    Status,
)
from certification.numbering import next_number
from certification.workflow import time_limit
from portal import audit, workdays
from portal.errors import ServiceError
from portal.models import OrganisationKind
from reviews.accident_gate import application_refusal

if TYPE_CHECKING:
    from certification.engine import Move

# Certificates are valid three years from the announcement (应急〔2021〕83号,
# domain.md §4.3): to the day before the same date three years later.
VALIDITY_YEARS = 3

# domain.md §4.2: 地区简称 + "AQB" + 行业代号 + 级别 + 发证年度 + 5-digit sequence.
REGION_PREFIX = "京"
ROMAN = {"1": "\u2160", "2": "\u2161", "3": "\u2162"}  # Ⅰ Ⅱ Ⅲ
# Portal-specific (the national scheme has no mark for it): the small-firm
# "pass" standard (小微企业 / 岗位达标) is numbered, by default, with "XW" (小微)
# where the level's roman numeral stands, prefixed "京" like levels 2 and 3,
# e.g. 京AQBJXXW202600001 (such numbers deliberately do not match
# CERTIFICATE_RE); settings.SMALL_MICRO_CERTIFICATE_MARK "III" numbers them in
# level 3's sequence instead (certification/assignment/simplified.py).
PASS_MARK = "XW"
# The validation regex of domain.md §4.2, for the graded certificates of the
# national industry codes.
CERTIFICATE_RE = re.compile(
    r"^(京)?AQB(KS|SY|XK|CJ|DZ|WH|HG|YY|YH|YJ|YS|JC|JX|QG|FZ|YC|SM)(Ⅰ|Ⅱ|Ⅲ)\d{4}\d{5}$"
)

# --- certificate numbers ---------------------------------------------------------


def _number_parts(application: Application) -> tuple[str, str, str]:
    """(region prefix, industry code, level mark) of the application's certificate."""
    tier = application.granted_tier or application.tier
    # Industries outside the national scheme (建筑施工, 燃气, …) have no code:
    # the portal numbers them with settings.CERTIFICATE_FALLBACK_CODE ("QT").
    code = application.industry.certificate_code or settings.CERTIFICATE_FALLBACK_CODE
    level = ROMAN.get(tier) or simplified.certificate_mark()
    prefix = "" if tier == "1" else REGION_PREFIX  # level 1 is numbered nationally
    return prefix, code, level


def certificate_sequence_key(application: Application, year: int) -> str:
    """One sequence per region prefix, industry code, level and year."""
    prefix, code, level = _number_parts(application)
    return f"certificate:{prefix or '-'}:{code}:{level}:{year}"


def certificate_number(application: Application, year: int, seq: int) -> str:
    """E.g. 京AQBJXⅢ202600001 (domain.md §4.2)."""
    prefix, code, level = _number_parts(application)
    return f"{prefix}AQB{code}{level}{year:04d}{seq:05d}"


def valid_until(announced_on: datetime.date) -> datetime.date:
    """The day before the same date VALIDITY_YEARS later; from 29 February
    (no such date then) the certificate runs to 28 February."""
    year = announced_on.year + VALIDITY_YEARS
    try:
        same_day = announced_on.replace(year=year)
    except ValueError:  # 29 February in a common year
        same_day = datetime.date(year, 3, 1)
    return same_day - datetime.timedelta(days=1)


# --- reading and scope ---------------------------------------------------------------


def publishes(user) -> bool:
    """The grading authorities (settings.GRADING_AUTHORITIES) publish and
    announce what they approved."""
    from certification.approval.rules import grading_organisation_kinds

    return bool(
        user.is_authenticated
        and user.can_act
        and user.organisation.kind in grading_organisation_kinds()
    )


def oversees(user) -> bool:
    """The management pages: the publishers, the organising units (batches
    they published before the grading authorities did) and the city office,
    read-only."""
    return publishes(user) or bool(
        user.is_authenticated
        and user.can_act
        and user.organisation.kind
        in (OrganisationKind.CITY_OFFICE, OrganisationKind.ORGANISING_UNIT)
    )


def _organised_by(user, qs: QuerySet, field: str = "organiser_id") -> QuerySet:
    if not oversees(user):
        return qs.none()
    if user.organisation.kind == OrganisationKind.CITY_OFFICE:
        return qs
    return qs.filter(**{field: user.organisation_id})


def publicity_batches_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    """Batches the user manages: its organisation's; the city office all."""
    return _organised_by(user, PublicityBatch.objects.all() if qs is None else qs)


def announcements_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return _organised_by(user, AnnouncementBatch.objects.all() if qs is None else qs)


def objections_visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return _organised_by(
        user, Objection.objects.all() if qs is None else qs, "item__batch__organiser_id"
    )


def window_open(batch: PublicityBatch, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return batch.starts_on <= today <= batch.ends_on


def current_item(application: Application) -> PublicityItem | None:
    """The application's place in its latest publicity batch (None when it
    was taken out or never published)."""
    return (
        PublicityItem.objects.select_related("batch")
        .filter(application=application, removed_at__isnull=True)
        .order_by("-batch__starts_on", "-id")
        .first()
    )


def _forbidden(message: str):
    from certification.engine import TransitionForbidden

    return TransitionForbidden(message)


def _conflict(message: str):
    from certification.engine import TransitionConflict

    return TransitionConflict(message)


def _locked_applications(applications) -> list[Application]:
    ids = sorted({getattr(a, "pk", a) for a in applications})
    if not ids:
        return []
    found = list(
        Application.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("enterprise", "industry")
        .order_by("pk")
    )
    if len(found) != len(ids):
        raise ServiceError(_("Some of the chosen applications do not exist."), field="applications")
    return found


def _check_authority(actor, applications: list[Application], what: str) -> None:
    if not getattr(actor, "can_act", False):
        raise _forbidden(_("Your account cannot take this step."))
    for application in applications:
        if application.authority_id is None or application.authority_id != actor.organisation_id:
            raise _forbidden(
                _("Only the grading authority of the application %(what)s it: %(enterprise)s.")
                % {"what": what, "enterprise": application.enterprise.name}
            )


# --- publicity -----------------------------------------------------------------------


def default_publicity_title(organiser_id: int, year: int) -> str:
    """The organiser's next publicity of the year, e.g. “2026年第2批…公示”.
    Data (Chinese), like an enterprise's name."""
    number = next_number(f"publicity:{organiser_id}:{year}")
    return f"{year}年第{number}批安全生产标准化达标企业公示"


def publicity_days(applications) -> int:
    """The window of a publicity batch in working days: the longest of its
    applications' (the small-firm grade's simplified path is shorter,
    certification/assignment/simplified.py), so none is published for less
    than its own period."""
    return max(
        (simplified.publicity_days(a.granted_tier or a.tier) for a in applications),
        default=time_limit(Status.PUBLICITY) or 0,
    )


# How far ahead a publicity may be scheduled.
MAX_DAYS_AHEAD = 366


def _check_publishable(application: Application) -> None:
    """Approved and not yet published. One that moved on meanwhile (another
    batch took it) is a conflict: the caller's view is out of date."""
    if application.status == Status.APPROVED:
        return
    if application.status in (Status.PUBLICITY, Status.ANNOUNCED):
        item = current_item(application)
        if item is not None:
            raise _conflict(
                _(
                    "%(enterprise)s was already published in “%(title)s” (%(start)s "
                    "to %(end)s); reload the page to see it."
                )
                % {
                    "enterprise": application.enterprise.name,
                    "title": item.batch.title,
                    "start": item.batch.starts_on.isoformat(),
                    "end": item.batch.ends_on.isoformat(),
                }
            )
        raise _conflict(
            _("%(enterprise)s is already “%(status)s”; reload the page.")
            % {
                "enterprise": application.enterprise.name,
                "status": application.get_status_display(),
            }
        )
    raise ServiceError(
        _(
            "%(enterprise)s is “%(status)s”; only applications approved by the grading "
            "authority can be published."
        )
        % {"enterprise": application.enterprise.name, "status": application.get_status_display()},
        field="applications",
    )


@transaction.atomic
def publicity_batch_create(
    *, actor, applications, title: str = "", starts_on: datetime.date | None = None
) -> PublicityBatch:
    """Publish applications the actor's organisation approved as grading
    authority for public comment: one window for all, all or nothing."""
    from certification import engine

    chosen = _locked_applications(applications)
    if not chosen:
        raise ServiceError(_("Choose at least one approved application."), field="applications")
    _check_authority(actor, chosen, _("publishes"))
    for application in chosen:
        _check_publishable(application)
    today = timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today:
        raise ServiceError(_("The publicity cannot start in the past."), field="starts_on")
    if (starts_on - today).days > MAX_DAYS_AHEAD:
        raise ServiceError(
            _("The publicity can start at most %(days)d days from today.")
            % {"days": MAX_DAYS_AHEAD},
            field="starts_on",
        )
    title = (title or "").strip()
    if len(title) > 200:
        raise ServiceError(_("The title is too long (at most 200 characters)."), field="title")
    ends_on = workdays.add_working_days(starts_on, publicity_days(chosen))
    batch = PublicityBatch.objects.create(
        organiser_id=actor.organisation_id,
        starts_on=starts_on,
        ends_on=ends_on,
        title=title or default_publicity_title(actor.organisation_id, starts_on.year),
        created_by=actor,
    )
    for application in chosen:
        engine.perform(
            actor=actor,
            application=application,
            transition="start_publicity",
            publicity_batch=batch,
        )
    audit.record(
        actor=actor,
        action="publicity.batch.create",
        obj=batch,
        after={
            "title": batch.title,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "applications": [a.pk for a in chosen],
        },
    )
    return batch


def prepare_start_publicity(move: Move) -> None:
    """Needs ``move.data["publicity_batch"]``; made by publicity_batch_create."""
    application = move.application
    batch = move.data.get("publicity_batch")
    if not isinstance(batch, PublicityBatch) or batch.organiser_id != application.authority_id:
        raise ServiceError(
            _(
                "Applications are published in a publicity batch of their "
                "grading authority; use the publicity page."
            ),
            field="publicity_batch",
        )
    PublicityItem.objects.create(
        batch=batch, application=application, tier=application.granted_tier or application.tier
    )
    # Due when the window closes: then the grading authority announces.
    move.due = (batch.ends_on, workdays.is_estimated(batch.starts_on, batch.ends_on))
    move.details["publicity_batch"] = batch.pk
    move.details["until"] = batch.ends_on.isoformat()


def prepare_withdraw_from_publicity(move: Move) -> None:
    """An upheld objection takes the application out of its batch: the
    public page no longer lists it."""
    item = (
        PublicityItem.objects.select_for_update()
        .filter(application=move.application, removed_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if item is not None:
        item.removed_at = timezone.now()
        item.save(update_fields=["removed_at"])
        move.details["publicity_batch"] = item.batch_id


# --- announcement and certificates ---------------------------------------------------


def check_announceable(application: Application, announced_on: datetime.date) -> PublicityItem:
    """Refuse, naming the enterprise and what is missing, unless the
    application's publicity is over and every objection resolved."""
    name = application.enterprise.name
    if application.status != Status.PUBLICITY:
        raise ServiceError(
            _("%(enterprise)s is “%(status)s”; only applications in publicity can be announced.")
            % {"enterprise": name, "status": application.get_status_display()},
            field="applications",
        )
    item = current_item(application)
    if item is None:
        raise ServiceError(
            _("%(enterprise)s is not in a publicity batch.") % {"enterprise": name},
            field="applications",
        )
    today = timezone.localdate()
    if today <= item.batch.ends_on or announced_on <= item.batch.ends_on:
        raise ServiceError(
            _("The publicity of %(enterprise)s runs until %(date)s; announce it after that day.")
            % {"enterprise": name, "date": item.batch.ends_on.isoformat()},
            field="applications",
        )
    open_objections = item.objections.filter(outcome="").count()
    if open_objections:
        raise ServiceError(
            _("%(enterprise)s has %(count)d unresolved objection(s); resolve them first.")
            % {"enterprise": name, "count": open_objections},
            field="applications",
        )
    # The accident gate again, from the records up to today.
    refused = application_refusal(application, application.granted_tier or application.tier)
    if refused:
        raise ServiceError(f"{name}: {refused}", field="applications")
    return item


@transaction.atomic
def announcement_create(
    *, actor, applications, announced_on: datetime.date | None = None
) -> AnnouncementBatch:
    """Announce applications whose publicity is over, in the organiser's
    next numbered announcement of the year; issues their certificates."""
    from certification import engine

    chosen = _locked_applications(applications)
    if not chosen:
        raise ServiceError(_("Choose at least one application to announce."), field="applications")
    _check_authority(actor, chosen, _("announces"))
    today = timezone.localdate()
    announced_on = announced_on or today
    if announced_on > today:
        raise ServiceError(
            _("The announcement date cannot be in the future."), field="announced_on"
        )
    for application in chosen:
        check_announceable(application, announced_on)
    year = announced_on.year
    number = next_number(f"announcement:{actor.organisation_id}:{year}")
    batch = AnnouncementBatch.objects.create(
        organiser_id=actor.organisation_id,
        year=year,
        number=number,
        title=f"{year}年第{number}批安全生产标准化达标企业公告",
        announced_on=announced_on,
        created_by=actor,
    )
    for application in chosen:
        engine.perform(
            actor=actor, application=application, transition="announce", announcement=batch
        )
    audit.record(
        actor=actor,
        action="publicity.announcement.create",
        obj=batch,
        after={
            "title": batch.title,
            "announced_on": announced_on.isoformat(),
            "certificates": {
                str(c.application_id): c.number for c in batch.certificates.order_by("number")
            },
        },
    )
    # The certificates' PDFs are rendered once this commits (certification/certificates/).
    signals.announcement_made.send(sender=AnnouncementBatch, announcement=batch)
    return batch


def prepare_announce(move: Move) -> None:
    """Needs ``move.data["announcement"]``, the publicity window over and every
    objection resolved."""
    batch = move.data.get("announcement")
    if (
        not isinstance(batch, AnnouncementBatch)
        or batch.organiser_id != move.application.authority_id
    ):
        raise ServiceError(
            _(
                "Applications are announced in an announcement of their "
                "grading authority; use the announcements page."
            ),
            field="announcement",
        )
    check_announceable(move.application, batch.announced_on)
    move.details["announcement"] = batch.pk


def finish_announce(move: Move) -> None:
    """Issues the certificate with its number."""
    application = move.application
    batch = move.data["announcement"]
    year = batch.announced_on.year
    seq = next_number(certificate_sequence_key(application, year))
    certificate = Certificate.objects.create(
        number=certificate_number(application, year, seq),
        application=application,
        enterprise_id=application.enterprise_id,
        tier=application.granted_tier or application.tier,
        industry_id=application.industry_id,
        announcement=batch,
        valid_from=batch.announced_on,
        valid_until=valid_until(batch.announced_on),
        status=Certificate.Status.VALID,
    )
    move.details["certificate"] = certificate.number
    move.details["valid_until"] = certificate.valid_until.isoformat()
    # The certificate's history starts ("issued" event) and its annual
    # self-assessments are due (certification/lifecycle/rules.py).
    signals.certificate_issued.send(sender=Certificate, certificate=certificate, actor=move.actor)

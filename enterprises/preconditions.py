"""What must hold before an enterprise may apply for a grade (domain.md §3.4, §4.3):

1. a valid safety licence (安全生产许可证) where its industry requires one
   (安全生产许可证条例, 国务院令第397号 第二条: mines, construction, hazardous chemicals,
   fireworks, civil explosives; Industry.requires_safety_licence);
2. no open major hazard (重大事故隐患): the hazard ledger registers a blocker in its
   AppConfig.ready (enterprises.preconditions.add_application_blocker), so certification
   asks here without importing hazards;
3. not on a dishonesty list (失信名单): the flag the district or city office sets;
4. no lock running: one year after a grading closed without a grade, and after a
   revocation (ApplicationLock; the first day again is the anniversary).

The portal checks what it holds. What it cannot know (a licence not on record, a listing
it was never told of) the enterprise's principal affirms with the application's
declaration (Application.declaration_confirmed, required before submitting).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.errors import ServiceError
from portal.permissions import can_edit_enterprise

# enterprise -> the reasons it may not apply now, each a message in the active language.
Blocker = Callable[[Any], list[str]]

_BLOCKERS: list[Blocker] = []

MET, NOT_MET, AFFIRM = "met", "not_met", "affirm"


def add_application_blocker(blocker: Blocker) -> None:
    if blocker not in _BLOCKERS:
        _BLOCKERS.append(blocker)


def application_blockers(enterprise: Any) -> list[str]:
    """Every registered blocker's messages for this enterprise, in registration order."""
    return [message for blocker in _BLOCKERS for message in blocker(enterprise)]


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    state: str  # MET, NOT_MET or AFFIRM
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.label, "state": self.state, "reason": self.reason}


def one_year_after(day: datetime.date) -> datetime.date:
    """The anniversary: the first day the enterprise may apply again. From 29 February
    it is 28 February, the month's last day (民法典 第二百零三条: a period without its
    corresponding day ends on the month's last day), as certificate dates are counted
    (certification.validity.add_months)."""
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _licence(enterprise: Any, today: datetime.date) -> Item:
    label = _("Safety licence")
    industry = enterprise.industry
    if industry is None or not industry.requires_safety_licence:
        return Item("licence", label, MET, _("The industry needs no safety licence."))
    number, expires = enterprise.safety_licence_no, enterprise.safety_licence_expires
    if number and expires and expires >= today:
        return Item(
            "licence",
            label,
            MET,
            _("Licence %(number)s, valid until %(date)s.")
            % {"number": number, "date": expires.isoformat()},
        )
    if number and expires:
        return Item(
            "licence",
            label,
            NOT_MET,
            _(
                "Safety licence %(number)s expired on %(date)s; %(industry)s enterprises "
                "need a valid one to apply for a grade."
            )
            % {"number": number, "date": expires.isoformat(), "industry": industry},
        )
    return Item(
        "licence",
        label,
        AFFIRM,
        _(
            "%(industry)s enterprises need a valid safety licence; the registry holds no "
            "licence number with its expiry date, so the principal affirms it."
        )
        % {"industry": industry},
    )


def _hazards(enterprise: Any) -> Item:
    label = _("No open major hazard")
    blockers = application_blockers(enterprise)
    if blockers:
        return Item("major_hazard", label, NOT_MET, " ".join(blockers))
    return Item("major_hazard", label, MET, _("No major hazard of the enterprise is open."))


def _dishonesty(enterprise: Any) -> Item:
    label = _("Not on a dishonesty list")
    if enterprise.dishonesty_listed_on:
        return Item(
            "dishonesty",
            label,
            NOT_MET,
            _("On the dishonesty list “%(source)s” since %(date)s: %(reason)s")
            % {
                "source": enterprise.dishonesty_source,
                "date": enterprise.dishonesty_listed_on.isoformat(),
                "reason": enterprise.dishonesty_reason,
            },
        )
    return Item(
        "dishonesty",
        label,
        AFFIRM,
        _(
            "The portal records no listing; the principal affirms the enterprise is on no "
            "dishonesty list (失信名单)."
        ),
    )


def _lock(enterprise: Any, today: datetime.date) -> Item:
    from enterprises.models import ApplicationLock

    label = _("No re-application lock")
    lock = ApplicationLock.objects.filter(enterprise=enterprise, until__gt=today).first()
    if lock is None:
        return Item("lock", label, MET, _("No lock runs."))
    return Item(
        "lock",
        label,
        NOT_MET,
        _("%(why)s on %(since)s (%(reference)s); the enterprise may apply again from %(until)s.")
        % {
            "why": lock.get_kind_display(),
            "since": lock.since.isoformat(),
            "reference": lock.reference,
            "until": lock.until.isoformat(),
        },
    )


def checklist(enterprise: Any, today: datetime.date | None = None) -> list[Item]:
    """Every precondition with its state, in the order the application form shows them."""
    today = today or timezone.localdate()
    return [
        _licence(enterprise, today),
        _hazards(enterprise),
        _dishonesty(enterprise),
        _lock(enterprise, today),
    ]


def refusals(enterprise: Any, today: datetime.date | None = None) -> list[str]:
    """The reasons of the unmet preconditions: an application is refused while any holds."""
    return [item.reason for item in checklist(enterprise, today) if item.state == NOT_MET]


def check_may_apply(enterprise: Any) -> None:
    """Refuse, naming every unmet precondition; called when an application is created and
    again when it is submitted (certification.applications.services)."""
    reasons = refusals(enterprise)
    if reasons:
        raise ServiceError(" ".join(reasons), field="tier")


def affirmed_items(enterprise: Any) -> list[str]:
    """The keys the principal affirms with the declaration: kept in the submit's audit."""
    return [item.key for item in checklist(enterprise) if item.state == AFFIRM]


# --- the writes ------------------------------------------------------------------


@transaction.atomic
def lock_applications(
    *, actor: Any, enterprise: Any, kind: str, since: datetime.date, reference: str = ""
) -> Any:
    """Record a year's lock on applications (a grading closed without a grade, a
    revocation); audit-logged."""
    from enterprises.models import ApplicationLock

    lock = ApplicationLock.objects.create(
        enterprise=enterprise,
        kind=kind,
        since=since,
        until=one_year_after(since),
        reference=reference[:100],
    )
    audit.record(
        actor=actor,
        action="enterprise.application_lock",
        obj=enterprise,
        after={
            "kind": kind,
            "since": since.isoformat(),
            "until": lock.until.isoformat(),
            "reference": lock.reference,
        },
    )
    return lock


DISHONESTY_FIELDS = ["dishonesty_listed_on", "dishonesty_source", "dishonesty_reason"]


@transaction.atomic
def dishonesty_set(
    *,
    actor: Any,
    enterprise: Any,
    listed_on: datetime.date | None,
    source: str = "",
    reason: str = "",
) -> Any:
    """List the enterprise as dishonest (listed_on, source and reason), or clear the
    listing (listed_on None). The district of the enterprise or the city office only."""
    from enterprises.models import Enterprise

    if not can_edit_enterprise(actor, enterprise):
        raise PermissionDenied
    source, reason = source.strip(), reason.strip()
    if listed_on is not None:
        if not source or not reason:
            raise ServiceError(
                _("Name the dishonesty list and the reason for the listing."),
                field="dishonesty_source" if not source else "dishonesty_reason",
            )
        if listed_on > timezone.localdate():
            raise ServiceError(
                _("The listing date cannot be in the future."), field="dishonesty_listed_on"
            )
    else:
        source = reason = ""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = audit.snapshot(enterprise, DISHONESTY_FIELDS)
    enterprise.dishonesty_listed_on = listed_on
    enterprise.dishonesty_source = source
    enterprise.dishonesty_reason = reason
    enterprise.save(update_fields=DISHONESTY_FIELDS)
    old, new = audit.changed(before, audit.snapshot(enterprise, DISHONESTY_FIELDS))
    if new:
        audit.record(
            actor=actor, action="enterprise.dishonesty", obj=enterprise, before=old, after=new
        )
    return enterprise

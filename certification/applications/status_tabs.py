"""The application list's status tabs: the states that matter to the user's
role, each with how many of the role's applications are in it.

Grouped counts of the applications the user sees give every count (and, for
roles without states of their own, which states there are at all):
certification.selectors.status_counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from certification.models import Status
from certification.selectors import status_counts
from certification.workflow import AUTHORITY, FINAL, RECEIVER, RESPONSIBLE, WITH_REVIEW_UNIT
from portal.models import OrganisationKind as Kind

RECEIVING = {Kind.DISTRICT, Kind.ORGANISING_UNIT, Kind.CITY_OFFICE}


@dataclass(frozen=True)
class Tab:
    value: str  # "" for every state
    label: str
    count: int  # exact up to settings.LIST_COUNT_CAP, then more than it
    current: bool

    @property
    def shown(self) -> str:
        """The count as the tab shows it: "1,000+" beyond the cap."""
        cap = settings.LIST_COUNT_CAP
        return f"{cap:,}+" if self.count > cap else f"{self.count:,}"


def role_states(user, present: set[str]) -> set[str]:
    """The states that matter to the user's role. An enterprise or group: the
    states its own applications are in (``present``); a review unit: the states
    while an application is with it; a receiver or grading authority: the
    states where it acts, then the final ones; anyone else in scope (a street,
    a regulator that grades nothing): the states of what it sees."""
    kind = str(user.organisation.kind) if user.organisation_id else ""
    acting = {RECEIVER} if kind in RECEIVING else set()
    if kind in set(settings.GRADING_AUTHORITIES.values()):
        acting.add(AUTHORITY)
    if kind == Kind.REVIEW_UNIT:
        return {str(s) for s in WITH_REVIEW_UNIT}
    if acting:
        return {str(s) for s, who in RESPONSIBLE.items() if who in acting} | set(FINAL)
    return present


def status_tabs(user, visible: QuerySet, *, current: str) -> list[Tab]:
    """ "All" first, then the role's states in the workflow's order. A link to
    another state (from a notification, a dashboard) still gets its tab."""
    beyond = settings.LIST_COUNT_CAP + 1
    counts = {status: min(n, beyond) for status, n in status_counts(user, visible).items()}
    wanted = role_states(user, set(counts))
    if current in Status.values:
        wanted.add(current)
    every = min(sum(counts.values()), beyond)
    tabs = [Tab("", _("All"), every, current not in wanted)]
    tabs += [
        Tab(value, str(label), counts.get(value, 0), value == current)
        for value, label in Status.choices
        if value in wanted
    ]
    return tabs


def tab_count(tabs: list[Tab], status: str) -> int | None:
    """The count of the tab of ``status`` ("" for all), or None when no tab has it."""
    return next((tab.count for tab in tabs if tab.value == status), None)

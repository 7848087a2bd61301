"""Escalation (上报): a worklist item still outstanding more than
WORKLIST_ESCALATION_DAYS after it fell due is reported once to the next level up.
An item in a street's area goes to the district government of that district (from
the street office); an item of an enterprise without a street, or of a district
without a district government account, goes to the city office (from the district
government). Each office gets one notification per run, with the number of new
items and a link to /worklists/escalated/.

Once only: the Escalation row's unique (kind, model, object_id). The rows are
inserted with ignore_conflicts, so a second run, or two runs at the same time,
insert nothing twice; only the rows this run inserted are notified."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from portal.models import Organisation
from portal.models import OrganisationKind as Kind
from portal.notify import message, ngettext_noop, notify_after_commit
from reporting.models import Escalation
from reporting.worklists.registry import WORKLISTS, Worklist

logger = logging.getLogger(__name__)
BATCH = 500


class Offices:
    """The active offices by place: the city office, district governments by
    district, street offices by street (three small queries)."""

    def __init__(self) -> None:
        active = Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by("-pk")
        self.city: int | None = None
        for pk in active.filter(kind=Kind.CITY_OFFICE).values_list("pk", flat=True):
            self.city = pk  # the oldest, when there are several
        self.districts: dict[str, int] = dict(
            active.filter(kind=Kind.DISTRICT).values_list("region_id", "pk")
        )
        self.streets: dict[int, int] = dict(
            active.filter(kind=Kind.STREET, street__isnull=False).values_list("street_id", "pk")
        )

    def route(self, region_id: str | None, street_id: int | None) -> tuple[int | None, int | None]:
        """(from, to) for an item of an enterprise in this district and street."""
        district = self.districts.get(region_id) if region_id else None
        if street_id is not None and district is not None:
            return self.streets.get(street_id), district
        return district, self.city


def candidates(worklist: Worklist, today: datetime.date, cutoff: datetime.date) -> Any:
    """(pk, item_model, since, district, street) of the outstanding items overdue
    since before ``cutoff`` and not yet escalated."""
    done = Escalation.objects.filter(
        kind=worklist.name, model=OuterRef("item_model"), object_id=OuterRef("pk")
    )
    path = worklist.enterprise
    return (
        worklist.rows(today)
        .filter(worklist.outstanding, worklist.since_before(cutoff))
        .exclude(Exists(done))
        .order_by("pk")
        .values_list("pk", "item_model", "since", path + "region_id", path + "street_id")
    )


def _inserted(kind: str, batch: list[Escalation]) -> list[Escalation]:
    """The rows of ``batch`` this run inserted: ignore_conflicts gives back no ids,
    so each row is read again and is ours when it carries our own timestamp (set
    in Python by auto_now_add, microseconds apart; a row another run inserted
    first has that run's)."""
    stored = {
        (model, object_id): moment
        for model, object_id, moment in Escalation.objects.filter(
            kind=kind, object_id__in={row.object_id for row in batch}
        ).values_list("model", "object_id", "escalated_at")
    }
    return [row for row in batch if stored.get((row.model, row.object_id)) == row.escalated_at]


def escalate(today: datetime.date | None = None) -> dict[int, int]:
    """Escalate every item overdue past the threshold once; returns how many items
    each receiving office got."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.WORKLIST_ESCALATION_DAYS)
    offices = Offices()
    received: Counter[int] = Counter()
    nowhere = 0
    with transaction.atomic():
        for worklist in WORKLISTS:
            rows = []
            for pk, model, since, region, street in candidates(worklist, today, cutoff):
                source, target = offices.route(region, street)
                if target is None:
                    nowhere += 1
                    continue
                rows.append(
                    Escalation(
                        kind=worklist.name,
                        model=model,
                        object_id=pk,
                        from_organisation_id=source,
                        to_organisation_id=target,
                        overdue_since=worklist.since_of(since),
                    )
                )
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                Escalation.objects.bulk_create(batch, ignore_conflicts=True)
                received.update(row.to_organisation_id for row in _inserted(worklist.name, batch))
        url = reverse("worklists:escalated")
        for office, count in received.items():
            text = message(
                ngettext_noop(
                    "%(count)s worklist item overdue more than %(days)s days was escalated "
                    "to your office.",
                    "%(count)s worklist items overdue more than %(days)s days were escalated "
                    "to your office.",
                ),
                count=count,
                days=settings.WORKLIST_ESCALATION_DAYS,
            )
            notify_after_commit([office], text, url)
    if nowhere:
        logger.warning("%s overdue worklist items have no office to escalate to", nowhere)
    return dict(received)

"""T5 事故: accidents recorded on the enterprises (enterprises.models.Accident), by
the day they occurred (``occurred_on`` in the period).

- accidents, fatal accidents (one death or more): counts;
- deaths, serious injuries: sums over the period's accidents (not counts);
- at certified enterprises: accidents at an enterprise that held a live certificate
  on the accident day — a certificate valid on that day (valid_from ≤ day ≤
  valid_until) that was live then: still valid or suspended, expired at the end of
  its validity, or revoked or otherwise changed on or after that day (a fatal
  accident usually leads to the revocation, which must not hide the certificate
  the enterprise held when it happened).

The grade dimension is the enterprise's grade today (grades.py), not on the day."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from certification.models import Certificate
from certification.validity import LIVE
from enterprises.models import Accident
from reporting.statistics import figures
from reporting.statistics.figures import Column, Kind, Listing, Measure
from reporting.statistics.filters import Filters

ACCIDENT = "accident"


def _in_period(filters: Filters, today: datetime.date) -> Q:
    return Q(occurred_on__gte=filters.period.start, occurred_on__lte=filters.period.end)


def _fatal(filters: Filters, today: datetime.date) -> Q:
    return _in_period(filters, today) & Q(deaths__gt=0)


def held_certificate() -> Exists:
    """The accident's enterprise held a live certificate on the accident day."""
    day = OuterRef("occurred_on")
    return Exists(
        Certificate.objects.filter(
            enterprise_id=OuterRef("enterprise_id"), valid_from__lte=day, valid_until__gte=day
        ).filter(
            Q(status__in=(*LIVE, Certificate.Status.EXPIRED)) | Q(status_changed_at__date__gte=day)
        )
    )


def _certified(filters: Filters, today: datetime.date) -> Q:
    return _in_period(filters, today) & Q(held_certificate())


ACCIDENTS: tuple[Measure, ...] = (
    Measure("accidents", _("Accidents"), ACCIDENT, _in_period),
    Measure("fatal", _("Fatal accidents"), ACCIDENT, _fatal),
    Measure("deaths", _("Deaths"), ACCIDENT, _in_period, aggregate="deaths"),
    Measure(
        "serious_injuries",
        _("Serious injuries"),
        ACCIDENT,
        _in_period,
        aggregate="serious_injuries",
    ),
    Measure("certified", _("At enterprises holding a live certificate"), ACCIDENT, _certified),
)

figures.TABLES["accidents"] = ACCIDENTS
figures.KINDS[ACCIDENT] = Kind(lambda: Accident.objects.all(), "enterprise__")
figures.LISTINGS[ACCIDENT] = Listing(
    columns=(
        Column("occurred_on", _("Date"), lambda a: a.occurred_on),
        Column("enterprise", _("Enterprise"), lambda a: a.enterprise.name),
        Column("district", _("District"), lambda a: a.enterprise.region.name),
        Column("deaths", _("Deaths"), lambda a: a.deaths),
        Column("serious_injuries", _("Serious injuries"), lambda a: a.serious_injuries),
        Column("direct_loss", _("Direct loss (10,000 yuan)"), lambda a: a.direct_loss),
    ),
    related=("enterprise__region",),
    order=("-occurred_on", "-pk"),
)

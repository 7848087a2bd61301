"""An enterprise's grade for the statistics: the highest tier of its live
certificates today (一级 above 二级 above 三级 above 小微/岗位达标); an enterprise
with none has the grade "none". Both the filter and the row dimension are
correlated subqueries on the certificates (indexed by enterprise), written from
any row that reaches an enterprise through a path (``enterprise__`` …)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from certification.models import Application, Certificate
from certification.validity import LIVE
from certification.workflow import tier_label

# Highest first.
ORDER: tuple[str, ...] = tuple(Application.Tier.values)
NONE = "none"


def _enterprise_ref(path: str) -> OuterRef:
    """The outer row's enterprise id: ``pk`` itself for enterprises, else the
    foreign key column at the end of ``path`` (no join for ``enterprise__``)."""
    return OuterRef(path[:-2] + "_id" if path else "pk")


def _live(path: str, today: datetime.date) -> Any:
    return Certificate.objects.filter(
        enterprise_id=_enterprise_ref(path), status__in=LIVE, valid_until__gte=today
    )


def grade_q(path: str, grade: str, today: datetime.date) -> Q:
    """Rows whose enterprise has ``grade`` (a tier or NONE)."""
    if grade == NONE:
        return ~Q(Exists(_live(path, today)))
    higher = ORDER[: ORDER.index(grade)]
    q = Q(Exists(_live(path, today).filter(tier=grade)))
    return q & ~Q(Exists(_live(path, today).filter(tier__in=higher))) if higher else q


def grade_key(path: str, today: datetime.date) -> Subquery:
    """The enterprise's grade as a value (NULL for none), to group on."""
    rank = Case(
        *(When(tier=tier, then=Value(n)) for n, tier in enumerate(ORDER)),
        default=Value(len(ORDER)),
        output_field=IntegerField(),
    )
    best = _live(path, today).annotate(rank=rank).order_by("rank").values("tier")[:1]
    return Subquery(best)


def label(grade: str | None) -> str:
    if grade in (None, "", NONE):
        return _("No live certificate")
    return str(tier_label(grade))

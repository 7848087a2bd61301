"""The organising unit's dashboard: its applications by state and the overdue ones,
its queue, and the review units it manages with their figures of the year
(reviews/bodies/figures.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Application, Status
from certification.selectors import queue_for
from certification.workflow import RESPONSIBLE
from portal.models import User
from reporting.dashboards.common import Section, cell, chart_section
from reviews.bodies import figures as unit_figures
from reviews.bodies.selectors import units_managed_by

# Review units listed (the review units page lists them all).
UNIT_LIMIT = 20


def organising_unit(user: User) -> list[Section]:
    today = timezone.localdate()
    late = Q(due_on__lt=today, status__in=list(RESPONSIBLE))
    counts = {
        row["status"]: row
        for row in Application.objects.visible_to(user)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
    }
    states = [(value, label) for value, label in Status.choices if value in counts]
    lists = [reverse("certification:list") + "?" + urlencode({"status": s}) for s, _l in states]
    chart = {
        "type": "bar",
        "categories": [str(label) for _s, label in states],
        "keys": [s for s, _l in states],
        "series": [
            {
                "name": _("Applications"),
                "values": [counts[s]["n"] for s, _l in states],
                "urls": lists,
            },
            {
                "name": _("Overdue"),
                "values": [counts[s]["late"] for s, _l in states],
                "urls": lists,
            },
        ],
    }
    table = {
        "columns": [_("State"), _("Applications"), _("Overdue")],
        "rows": [
            {
                "key": s,
                "cells": [
                    cell(str(label)),
                    cell(counts[s]["n"], url),
                    cell(counts[s]["late"], url),
                ],
            }
            for (s, label), url in zip(states, lists, strict=True)
        ],
    }
    queue = (
        queue_for(user).order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=late))
    )
    queue_url = reverse("certification:queue")
    return [
        {
            "kind": "tiles",
            "id": "queue",
            "title": _("My work"),
            "tiles": [
                {
                    "key": "queue",
                    "label": _("Awaiting you"),
                    "value": queue["total"],
                    "url": queue_url,
                },
                {
                    "key": "overdue",
                    "label": _("Overdue"),
                    "value": queue["overdue"],
                    "url": queue_url,
                },
            ],
        },
        chart_section(
            "applications",
            _("Applications by state"),
            chart,
            table,
            more_url=reverse("certification:list"),
        ),
        _units(user, today.year),
    ]


def _units(user: User, year: int) -> Section:
    units = unit_figures.annotate_list(units_managed_by(user).order_by("name"), year)
    rows = []
    for unit in units[:UNIT_LIMIT]:
        found = unit_figures.list_figures(unit, year)
        url = reverse("review_bodies:detail", args=[unit.pk])
        rows.append(
            {
                "key": unit.pk,
                "cells": [
                    cell(unit.name, url),
                    cell(found.reviews_done, url),
                    cell(found.spot_checks_failed, url),
                    cell(None if found.gap_mean is None else float(found.gap_mean), url),
                ],
            }
        )
    return {
        "kind": "table",
        "id": "review-units",
        "title": _("Review units (%(year)s)") % {"year": year},
        "columns": [
            _("Review unit"),
            _("Reviews done"),
            _("Spot checks failed"),
            _("Mean score gap"),
        ],
        "rows": rows,
        "more_url": reverse("review_bodies:list"),
    }

"""The hazard ledger and the self-report list, pages and API, read a fixed number
of queries whatever the size of the scope (bench/scoped_lists.py measures them at
Beijing size), and a district never sees another district's rows in them.

Rows are copies of one hazard and one form made through the services: the lists
read rows, not their history.
"""

from __future__ import annotations

import pytest

from hazards.models import Hazard, SelfReport
from tests.hazards.factories import record
from tests.hazards.selfreports.matrix_world import submitted_report
from tests.scaled_lists import Growing, api_client, assert_flat

MAX_QUERIES = 12

PAGES = [
    "/hazards/",
    "/hazards/?status=pending",
    "/hazards/?status=closed",
    "/hazards/?q=冲床",
    "/hazards/self-reports/",
    "/hazards/self-reports/?period_kind=quarter",
]
API = [
    "/api/v1/hazards/",
    "/api/v1/hazards/?status=pending",
    "/api/v1/self-reports/",
]


class Ledger(Growing):
    """Hazards (open and closed) and current forms of 朝阳区's enterprises, grown on
    demand, and one of each of a 海淀区 enterprise (never in 朝阳区's lists)."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.hazard = record(cast)
        self.report = submitted_report(cast)
        self.made = 0
        self.foreign = self.add(cast.other_ent)

    def add(self, enterprise) -> Hazard:
        self.made += 1
        place = {
            "enterprise": enterprise,
            "region_id": enterprise.region_id,
            "street_id": enterprise.street_id,
            "industry_id": enterprise.industry_id,
        }
        self.copy(SelfReport, self.report, **place)
        self.copy(Hazard, self.hazard, number=f"CLOSED-{self.made}", status="closed", **place)
        return self.copy(Hazard, self.hazard, number=f"OPEN-{self.made}", **place)

    @staticmethod
    def copy(model, original, **fields):
        row = model.objects.get(pk=original.pk)
        row.pk = None
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        return row


@pytest.fixture
def ledger(cast):
    return Ledger(cast)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", PAGES)
def test_a_ledger_page_reads_as_many_queries_for_3_rows_as_for_40(
    ledger, client, role, url, django_assert_max_num_queries
):
    client.force_login(getattr(ledger.cast, role))
    assert_flat(ledger, client, url, MAX_QUERIES, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", API)
def test_a_ledger_api_list_reads_as_many_queries_for_3_rows_as_for_40(
    ledger, role, url, django_assert_max_num_queries
):
    client = api_client(getattr(ledger.cast, role))
    assert_flat(ledger, client, url, MAX_QUERIES, django_assert_max_num_queries)


def test_a_district_never_sees_another_districts_hazards_or_forms(ledger, client):
    ledger.grow_to(3)
    client.force_login(ledger.cast.district)
    api = api_client(ledger.cast.district)
    foreign = ledger.foreign.enterprise_id

    shown = {
        row.enterprise_id
        for url in ("/hazards/", "/hazards/?status=pending", "/hazards/self-reports/")
        for row in client.get(url).context["page"]
    }
    shown |= {
        row["enterprise"]
        for url in ("/api/v1/hazards/", "/api/v1/self-reports/")
        for row in api.get(url).json()["results"]
    }

    assert shown and foreign not in shown
    assert shown == set(
        Hazard.objects.filter(enterprise__region=ledger.cast.chaoyang).values_list(
            "enterprise_id", flat=True
        )
    )


def test_the_city_sees_every_districts_current_forms_but_no_draft(ledger, client):
    ledger.grow_to(3)
    draft = Ledger.copy(SelfReport, ledger.report, period=2, status=SelfReport.Status.DRAFT)
    client.force_login(ledger.cast.city)

    shown = {row.pk for row in client.get("/hazards/self-reports/").context["page"]}

    assert draft.pk not in shown
    assert shown == set(
        SelfReport.objects.filter(is_current=True)
        .exclude(status=SelfReport.Status.DRAFT)
        .values_list("pk", flat=True)
    )

"""The statistics count applications (T2) and certificates in the reader's scope from
each row's own copy of its enterprise's place (certification/registry_sync.py) where
the scope is a place: a district's figures and drill-downs read the rows' own district
index, not the registry joined to them. What each reader counts is what the
registry's scope rule gives, and a moved enterprise's applications count in its new
district."""

from __future__ import annotations

import dataclasses

import pytest
import time_machine

from certification.models import Application, Certificate, Status
from enterprises import services as registry
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from reporting.statistics import figures
from reporting.statistics.filters import parse_filters
from reporting.statistics.reviews import APPLICATION
from tests.reporting.statistics.world import NOW
from tests.reporting.statistics.world_more import build

pytestmark = pytest.mark.django_db

READERS = ["city", "district", "other_district", "street", "regulator", "association", "group"]


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


KINDS = {
    APPLICATION: ("reviews", lambda: Application.objects.exclude(status=Status.DRAFT)),
    figures.CERTIFICATE: ("certificates", lambda: Certificate.objects.all()),
}


def counted(user, kind: str = APPLICATION) -> set[int]:
    filters = parse_filters(user, {}, table=KINDS[kind][0])
    return set(figures.scoped_base(kind, user, filters).values_list("pk", flat=True))


def received(client, user) -> set[str]:
    client.force_login(user)
    data = client.get("/api/v1/statistics/reviews/enterprises/", {"measure": "received"}).json()
    return {row["enterprise"] for row in data["results"]}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("who", READERS)
def test_each_reader_counts_the_rows_of_its_registry_scope(cast, world, who, kind):
    user = getattr(cast, who)
    through_registry = KINDS[kind][1]().filter(enterprise_scope(user, "enterprise__"))
    assert counted(user, kind) == set(through_registry.values_list("pk", flat=True))
    if who == "district":
        assert counted(user, kind)  # the world has some there
    if who in ("district", "street"):
        filters = parse_filters(user, {}, table=KINDS[kind][0])
        sql = str(figures.scoped_base(kind, user, filters).query)
        assert "enterprises_enterprise" not in sql


def test_a_suspended_district_counts_nothing(cast, world):
    org = cast.district.organisation
    org.status = type(org).Status.SUSPENDED
    org.save(update_fields=["status"])
    assert counted(cast.district) == counted(cast.district, figures.CERTIFICATE) == set()


def test_a_moved_enterprises_applications_count_in_its_new_district(client, cast, world):
    with time_machine.travel(NOW, tick=False):
        assert cast.ent.name in received(client, cast.district)
        assert cast.ent.name not in received(client, cast.other_district)
        ent = Enterprise.objects.get(pk=cast.ent.pk)
        ent.region, ent.street = cast.haidian, None
        registry.enterprise_save(actor=cast.city, enterprise=ent)
        assert cast.ent.name in received(client, cast.other_district)
        assert cast.ent.name not in received(client, cast.district)


@pytest.mark.parametrize("dimension", ["district", "street", "industry", "scale"])
@pytest.mark.parametrize("table", ["reviews", "certificates"])
@pytest.mark.parametrize("who", ["city", "district", "street"])
def test_tables_by_place_on_the_row_read_as_through_the_registry(
    cast, world, monkeypatch, who, table, dimension
):
    """The district, street and industry rows grouped on the row's own copy of its
    enterprise's place give the figures grouping through the registry gives."""
    user = getattr(cast, who)

    def figures_of() -> tuple[dict, dict]:
        with time_machine.travel(NOW, tick=False):
            filters = parse_filters(user, {"dimension": dimension}, table=table)
            rows, total = figures.table(table, user, filters)
        return {str(row["key"]): row for row in rows}, total

    on_the_row = figures_of()
    for kind in (APPLICATION, figures.CERTIFICATE):
        found = figures.KINDS[kind]
        monkeypatch.setitem(figures.KINDS, kind, dataclasses.replace(found, own_place=False))
    assert on_the_row == figures_of()
    if who == "district" and dimension == "street":
        measures = {m.name for m in figures.TABLES[table]}
        assert any(on_the_row[1].get(name) for name in measures)  # the total counts something

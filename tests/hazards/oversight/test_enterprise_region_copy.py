"""A district sees every hazard of its enterprises, closed ones included, through the
hazard's copy of its enterprise's district (Hazard.enterprise_region): the copy is
taken when a hazard is recorded and follows the enterprise when the registry moves it,
so the district's lists show what the registry's scope rule says, without joining it."""

from __future__ import annotations

import random

import pytest
from django.db.models import F, Q

from enterprises import services as registry
from enterprises.models import Enterprise
from hazards.models import Hazard
from hazards.selectors import hazards_visible_to
from portal.models import Organisation, Street
from tests.hazards.factories import record

pytestmark = pytest.mark.django_db


def move_to_haidian(cast, enterprise: Enterprise) -> None:
    ent = Enterprise.objects.get(pk=enterprise.pk)
    ent.region = cast.haidian
    ent.street = Street.objects.get(code="110108001")
    registry.enterprise_save(actor=cast.city, enterprise=ent)


def listed_numbers(client, query: str = "") -> set[str]:
    page = {h.number for h in client.get(f"/hazards/?{query}").context["page"].object_list}
    api = {row["number"] for row in client.get(f"/api/v1/hazards/?{query}").json()["results"]}
    assert page == api
    return page


def test_a_recorded_hazard_keeps_its_enterprises_district(cast):
    hazard = record(cast)
    assert Hazard.objects.get(pk=hazard.pk).enterprise_region_id == cast.chaoyang.pk


def test_a_closed_hazard_goes_with_its_enterprise_to_the_new_districts_lists(cast, client_for):
    closed = record(cast, description="叉车司机未持证上岗")
    Hazard.objects.filter(pk=closed.pk).update(status=Hazard.Status.CLOSED)
    assert closed.number in listed_numbers(client_for(cast.district), "status=closed")
    assert closed.number in listed_numbers(client_for(cast.district), "q=叉车")

    move_to_haidian(cast, cast.ent)

    hazard = Hazard.objects.get(pk=closed.pk)
    # Where it was found stays (the period statistics); who sees it follows the registry.
    assert (hazard.region_id, hazard.enterprise_region_id) == (cast.chaoyang.pk, cast.haidian.pk)
    for query in ("", "status=closed", "q=叉车"):
        assert closed.number not in listed_numbers(client_for(cast.district), query), query
        assert closed.number in listed_numbers(client_for(cast.other_district), query), query
    assert client_for(cast.district).get(f"/hazards/{closed.pk}/").status_code == 404
    assert client_for(cast.other_district).get(f"/hazards/{closed.pk}/").status_code == 200


def test_a_suspended_district_sees_no_hazard(cast, client_for):
    record(cast)
    Organisation.objects.filter(pk=cast.district.organisation_id).update(
        status=Organisation.Status.SUSPENDED
    )
    cast.district.refresh_from_db()
    assert not hazards_visible_to(cast.district, Hazard.objects.all()).exists()


def test_a_districts_hazards_are_the_registrys_after_random_moves(cast):
    """A generated ledger, enterprises moved back and forth: each district's hazards by
    the copy are exactly those whose enterprise the registry puts in the district."""
    rng = random.Random(7)
    enterprises = [cast.ent, cast.other_ent]
    for n in range(40):
        enterprise = Enterprise.objects.get(pk=rng.choice(enterprises).pk)
        hazard = record(cast, description=f"隐患{n}")
        Hazard.objects.filter(pk=hazard.pk).update(
            enterprise=enterprise,
            region=enterprise.region_id,
            street=enterprise.street_id,
            enterprise_region=enterprise.region_id,
            status=rng.choice([Hazard.Status.CLOSED, Hazard.Status.PENDING]),
        )
        if rng.random() < 0.3:
            mover = Enterprise.objects.get(pk=rng.choice(enterprises).pk)
            target = cast.chaoyang if mover.region_id == cast.haidian.pk else cast.haidian
            mover.region = target
            mover.street = Street.objects.filter(region=target).first()
            registry.enterprise_save(actor=cast.city, enterprise=mover)
    for user, region in ((cast.district, cast.chaoyang), (cast.other_district, cast.haidian)):
        by_copy = hazards_visible_to(user, Hazard.objects.all())
        assert "enterprises_enterprise" not in str(by_copy.query)
        by_registry = Hazard.objects.filter(Q(enterprise__region=region))
        assert set(by_copy.values_list("pk", flat=True)) == set(
            by_registry.values_list("pk", flat=True)
        )
    # The moves left closed hazards found in one district and seen by the other.
    assert Hazard.objects.exclude(region=F("enterprise_region")).exists()

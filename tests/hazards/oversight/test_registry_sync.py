"""Open hazards follow their enterprise: when the registry moves an enterprise to
another district, street or industry, its open hazards show in the new place's
worklists and lists and no longer in the old one's; its closed hazards stay where
they were found (the period statistics)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from enterprises import services as registry
from enterprises.models import Enterprise, RegistrationClaim
from hazards.models import Hazard, SelfReport
from portal.models import Industry, Organisation, OrganisationKind, Street
from tests.hazards.factories import record

pytestmark = pytest.mark.django_db

WORKLIST = "/api/v1/hazard-worklist/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def moved(cast):
    """cast.ent (朝阳区 建外街道, machinery) with an overdue open hazard and a closed
    one, then moved by the city office to 海淀区 万寿路街道, commerce."""
    open_hazard = record(cast, found_on=days(-20), deadline=days(-5))
    closed = record(cast, found_on=days(-30), deadline=days(-10))
    Hazard.objects.filter(pk=closed.pk).update(status=Hazard.Status.CLOSED, closed_on=days(-9))
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.region = cast.haidian
    ent.street = Street.objects.get(code="110108001")
    ent.industry = Industry.objects.get(code="commerce")
    registry.enterprise_save(actor=cast.city, enterprise=ent)
    return {"open": open_hazard, "closed": closed, "street": ent.street}


def overdue_numbers(client, *, api: bool = False) -> set[str]:
    if api:
        return {
            row["number"] for row in client.get("/api/v1/hazards/?overdue=true").json()["results"]
        }
    return {h.number for h in client.get("/hazards/?overdue=1").context["page"].object_list}


def test_the_open_hazard_moves_to_the_new_district_and_street(cast, client_for, moved):
    number = moved["open"].number
    for role, sees in [
        ("other_district", True),
        ("district", False),
        ("street", False),
        ("regulator", False),  # machinery: the enterprise is commerce now
        ("city", True),
    ]:
        client = client_for(getattr(cast, role))
        assert (number in overdue_numbers(client)) is sees, role
        assert (number in overdue_numbers(client, api=True)) is sees, role
        worklist = client.get(WORKLIST).json()
        assert (number in {row["number"] for row in worklist["overdue"]}) is sees, role
    assert client_for(cast.other_district).get(WORKLIST).json()["counts"]["overdue"] == 1
    assert client_for(cast.district).get(WORKLIST).json()["counts"]["open"] == 0
    hazard = Hazard.objects.get(pk=moved["open"].pk)
    assert (hazard.region_id, hazard.street_id, hazard.industry.code) == (
        cast.haidian.pk,
        moved["street"].pk,
        "commerce",
    )
    # The enterprise itself still sees it.
    assert number in overdue_numbers(client_for(cast.enterprise))


def test_the_closed_hazard_stays_where_it_was_found(cast, moved):
    hazard = Hazard.objects.get(pk=moved["closed"].pk)
    assert (hazard.region_id, hazard.street_id, hazard.industry.code) == (
        cast.chaoyang.pk,
        cast.chaoyang_street.pk,
        "machinery",
    )


def test_an_edit_that_does_not_move_the_enterprise_leaves_its_hazards(cast):
    hazard = record(cast)
    stamp = Hazard.objects.get(pk=hazard.pk).updated_at
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.contact_phone = "13800000000"
    registry.enterprise_save(actor=cast.district, enterprise=ent)
    assert Hazard.objects.get(pk=hazard.pk).updated_at == stamp


def test_a_registration_that_changes_the_street_moves_the_open_hazards(cast, client_for):
    """The district confirms a claim for a registered enterprise without an account:
    it takes the claimed street, and its open hazards follow."""
    hazard = record(cast, found_on=days(-20), deadline=days(-5))
    Enterprise.objects.filter(pk=cast.ent.pk).update(account=None)
    claim = RegistrationClaim.objects.create(
        uscc=cast.ent.uscc,
        name="北京朝阳精密机械股份有限公司",
        region=cast.chaoyang,
        street=cast.other_chaoyang_street,
        contact_name="张三",
        contact_phone="13800000000",
        district=cast.chaoyang,
        enterprise=cast.ent,
        account=Organisation.objects.create(
            name="北京朝阳精密机械股份有限公司",
            kind=OrganisationKind.ENTERPRISE,
            region=cast.chaoyang,
            status=Organisation.Status.PENDING,
        ),
    )
    registry.registration_approve(actor=cast.district, claim=claim)
    assert Hazard.objects.get(pk=hazard.pk).street_id == cast.other_chaoyang_street.pk
    assert hazard.number in overdue_numbers(client_for(cast.other_street))
    assert hazard.number not in overdue_numbers(client_for(cast.street))


def test_a_moved_enterprise_shows_as_filed_in_its_new_districts_filing_status(cast, client_for):
    """Its current form of the period follows it: the new district's filing status
    counts it as filed, the old one no longer lists it."""
    from tests.hazards.selfreports.matrix_world import submitted_report

    report = submitted_report(cast)
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.region = cast.haidian
    ent.street = Street.objects.get(code="110108001")
    registry.enterprise_save(actor=cast.city, enterprise=ent)
    status = "/api/v1/self-report-status/summary/?period_kind=quarter&year=2025&period=3"
    haidian = client_for(cast.other_district).get(status).json()["counts"]
    assert (haidian["total"], haidian["filed"]) == (2, 1)  # with 海淀区's own, missing
    chaoyang = client_for(cast.district).get(status).json()["counts"]
    assert (chaoyang["total"], chaoyang["filed"]) == (0, 0)
    assert SelfReport.objects.get(pk=report.pk).region_id == cast.haidian.pk

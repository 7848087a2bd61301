"""A district department (a regulator organisation with a district) sees the
enterprises of its industries in its own district only; a city regulator sees its
industries city-wide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Industry, Organisation, OrganisationKind
from tests.cast import make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(cast):
    department = Organisation.objects.create(
        name="朝阳区经济和信息化局", kind=OrganisationKind.REGULATOR, region=cast.chaoyang
    )
    department.industries.add(Industry.objects.get(code="machinery"))
    return {
        "user": make_user("t-chaoyang-machinery", department),
        "own": make_enterprise("朝阳机械甲有限公司", cast.chaoyang, 901),
        "elsewhere": make_enterprise("海淀机械乙有限公司", cast.haidian, 902),
        "other_industry": make_enterprise(
            "朝阳商贸丙有限公司", cast.chaoyang, 903, industry=Industry.objects.get(code="commerce")
        ),
    }


def test_a_district_department_sees_its_industries_in_its_district_only(places, client_for):
    client = client_for(places["user"])
    page = client.get(reverse("enterprises:list")).content.decode()
    assert "朝阳机械甲有限公司" in page
    assert "海淀机械乙有限公司" not in page  # its industry, another district
    assert "朝阳商贸丙有限公司" not in page  # its district, another industry
    names = {row["name"] for row in client.get("/api/v1/enterprises/").json()["results"]}
    assert "朝阳机械甲有限公司" in names
    assert not names & {"海淀机械乙有限公司", "朝阳商贸丙有限公司"}
    own, elsewhere = places["own"].pk, places["elsewhere"].pk
    assert client.get(reverse("enterprises:detail", args=[own])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[elsewhere])).status_code == 404
    assert client.get(f"/api/v1/enterprises/{own}/").status_code == 200
    assert client.get(f"/api/v1/enterprises/{elsewhere}/").status_code == 404


def test_a_city_regulator_still_sees_its_industries_city_wide(places, cast, client_for):
    client = client_for(cast.regulator)  # machinery, no district
    names = {row["name"] for row in client.get("/api/v1/enterprises/").json()["results"]}
    assert {"朝阳机械甲有限公司", "海淀机械乙有限公司"} <= names
    detail = client.get(reverse("enterprises:detail", args=[places["elsewhere"].pk]))
    assert detail.status_code == 200

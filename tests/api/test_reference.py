"""/api/v1/regions/ and /api/v1/industries/: reference data for any active user."""

import pytest

from portal.models import Industry, Region

ROLES = ["city", "district", "regulator", "reviewer", "group", "enterprise_staff"]


@pytest.mark.parametrize("role", ROLES)
def test_every_active_user_reads_all_districts_with_their_streets(api_for, cast, role):
    response = api_for(getattr(cast, role)).get("/api/v1/regions/")

    assert response.status_code == 200
    regions = {row["code"]: row for row in response.json()}
    assert len(regions) == Region.objects.count() == 17
    assert regions["110105"]["name"] == "朝阳区"
    assert [street["code"] for street in regions["110105"]["streets"]] == ["110105001", "110105002"]
    assert regions["110400"]["kind"] == "zone"


def test_the_streets_of_one_district(api_for, cast):
    response = api_for(cast.enterprise).get("/api/v1/regions/110108/streets/")

    assert response.status_code == 200
    assert [(row["code"], row["name"]) for row in response.json()] == [("110108001", "万寿路街道")]


def test_an_unknown_district_is_404(api_for, cast):
    assert api_for(cast.city).get("/api/v1/regions/999999/streets/").status_code == 404
    assert api_for(cast.city).get("/api/v1/regions/999999/").status_code == 404


def test_the_regions_list_takes_a_fixed_number_of_queries(
    api_for, cast, django_assert_max_num_queries
):
    client = api_for(cast.city)
    with django_assert_max_num_queries(4):  # token+user, organisation, regions, streets
        assert client.get("/api/v1/regions/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_every_active_user_reads_the_industries(api_for, cast, role):
    response = api_for(getattr(cast, role)).get("/api/v1/industries/")

    assert response.status_code == 200
    codes = [row["code"] for row in response.json()]
    assert len(codes) == Industry.objects.count()
    machinery = next(row for row in response.json() if row["code"] == "machinery")
    assert machinery["name"] == "机械" and machinery["requires_safety_licence"] is False


@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/industries/"])
def test_reference_data_is_read_only(api_for, cast, url):
    response = api_for(cast.city).post(url, {"code": "x"}, format="json")

    assert response.status_code == 405

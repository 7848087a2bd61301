"""Scope matrix of /api/v1/enterprises/: who sees, adds and edits which entry.

Outside the scope 404, inside it without the right role 403; refused
requests write nothing and leave no audit row.
"""

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from enterprises.uscc import make_uscc
from portal.models import AuditEvent

URL = "/api/v1/enterprises/"

# Which of the cast's two enterprises each role sees (cast.ent: 朝阳区,
# machinery, member of the group; cast.other_ent: 海淀区, commerce).
VISIBLE = {
    "city": {"ent", "other_ent"},
    "district": {"ent"},
    "district_staff": {"ent"},
    "other_district": {"other_ent"},
    "street": {"ent"},  # 建外街道, where ent is
    "other_street": set(),  # 朝外街道 of the same district
    "regulator": {"ent"},
    "other_regulator": set(),
    "association": {"ent"},
    "reviewer": set(),
    "group": {"ent"},
    "enterprise": {"ent"},
    "enterprise_staff": {"ent"},
    "other_enterprise": {"other_ent"},
}
ROLES = sorted(VISIBLE)
# PATCH of cast.ent.
EDIT_ENT = {
    "city": 200,
    "district": 200,
    "district_staff": 200,
    "other_district": 404,
    "other_street": 404,
    "street": 403,  # reads its street's enterprises; the registry is the district's
    "other_regulator": 404,
    "reviewer": 404,
    "other_enterprise": 404,
    "regulator": 403,
    "association": 403,
    "group": 403,
    "enterprise": 403,
    "enterprise_staff": 403,
}
# POST of a new enterprise in 朝阳区.
CREATE_IN_CHAOYANG = {role: 403 for role in ROLES} | {
    "city": 201,
    "district": 201,
    "district_staff": 201,
}


def new_enterprise_payload(cast):
    return {
        "name": "北京新建五金制造有限公司",
        "uscc": make_uscc("110105", "MA0000099"),
        "district": "110105",
        "street": "110105001",
        "industry": "machinery",
        "scale": "small_micro",
        "employees": 12,
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_exactly_the_roles_scope(api_for, cast, role):
    response = api_for(getattr(cast, role)).get(URL)

    assert response.status_code == 200
    body = response.json()
    expected = {getattr(cast, name).pk for name in VISIBLE[role]}
    assert {row["id"] for row in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
def test_retrieve_is_200_inside_the_scope_and_404_outside(api_for, cast, role):
    client = api_for(getattr(cast, role))

    for name in ("ent", "other_ent"):
        response = client.get(f"{URL}{getattr(cast, name).pk}/")
        assert response.status_code == (200 if name in VISIBLE[role] else 404), name


@pytest.mark.parametrize("role", ROLES)
def test_patch_of_an_enterprise_follows_scope_then_role(api_for, cast, role):
    response = api_for(getattr(cast, role)).patch(
        f"{URL}{cast.ent.pk}/", {"address": "朝阳区建国路1号"}, format="json"
    )

    expected = EDIT_ENT[role]
    assert response.status_code == expected, response.content
    cast.ent.refresh_from_db()
    audit_rows = AuditEvent.objects.filter(action="enterprise.update", object_id=str(cast.ent.pk))
    if expected == 200:
        assert cast.ent.address == "朝阳区建国路1号"
        assert audit_rows.get().after == {"address": "朝阳区建国路1号"}
        assert audit_rows.get().actor == getattr(cast, role)
    else:
        assert cast.ent.address == ""
        assert not audit_rows.exists()


@pytest.mark.parametrize("role", ROLES)
def test_create_is_for_the_city_office_and_the_own_district(api_for, cast, role):
    payload = new_enterprise_payload(cast)

    response = api_for(getattr(cast, role)).post(URL, payload, format="json")

    expected = CREATE_IN_CHAOYANG[role]
    assert response.status_code == expected, response.content
    created = Enterprise.objects.filter(uscc=payload["uscc"])
    if expected == 201:
        enterprise = created.get()
        assert response.json()["id"] == enterprise.pk
        assert enterprise.street == cast.chaoyang_street
        event = AuditEvent.objects.get(action="enterprise.create")
        assert event.object_id == str(enterprise.pk)
        assert event.actor == getattr(cast, role)
    else:
        assert not created.exists()
        assert not AuditEvent.objects.exists()


def test_another_district_is_told_it_can_only_add_in_its_own(api_for, cast):
    response = api_for(cast.other_district).post(URL, new_enterprise_payload(cast), format="json")

    assert response.status_code == 403
    assert "its own district" in response.json()["detail"]


def test_a_district_cannot_move_its_enterprise_to_another_district(api_for, cast):
    response = api_for(cast.district).patch(
        f"{URL}{cast.ent.pk}/", {"district": "110108", "street": None}, format="json"
    )

    assert response.status_code == 403
    cast.ent.refresh_from_db()
    assert cast.ent.region == cast.chaoyang
    assert not AuditEvent.objects.exists()


def test_the_city_office_can_move_an_enterprise(api_for, cast):
    response = api_for(cast.city).patch(
        f"{URL}{cast.ent.pk}/", {"district": "110108", "street": "110108001"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["district_name"] == "Haidian"
    cast.ent.refresh_from_db()
    assert cast.ent.region == cast.haidian


def test_a_session_write_without_the_csrf_token_is_refused(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.city)

    response = client.patch(f"{URL}{cast.ent.pk}/", {"address": "x"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    cast.ent.refresh_from_db()
    assert cast.ent.address == ""


def test_enterprises_cannot_be_deleted(api_for, cast):
    response = api_for(cast.city).delete(f"{URL}{cast.ent.pk}/")

    assert response.status_code == 405
    assert Enterprise.objects.filter(pk=cast.ent.pk).exists()


def test_a_street_office_never_reaches_an_enterprise_of_another_street_by_its_id(api_for, cast):
    """Another street of the same district, and an enterprise of the district with no
    street recorded: both 404 to the street office, through the detail and its accidents."""
    from tests.cast import make_enterprise

    neighbour = make_enterprise(
        "北京朝外百货商店", cast.chaoyang, 30, street=cast.other_chaoyang_street
    )
    streetless = make_enterprise("北京朝阳无街道机械厂", cast.chaoyang, 31)
    client = api_for(cast.street)
    for enterprise in (neighbour, streetless, cast.other_ent):
        assert client.get(f"{URL}{enterprise.pk}/").status_code == 404, enterprise.name
        assert client.get(f"{URL}{enterprise.pk}/accidents/").status_code == 404
    listed = {row["id"] for row in client.get(URL, {"page_size": 100}).json()["results"]}
    assert listed == {cast.ent.pk}
    other = api_for(cast.other_street)
    assert other.get(f"{URL}{neighbour.pk}/").status_code == 200
    assert other.get(f"{URL}{cast.ent.pk}/").status_code == 404


def test_a_street_office_without_an_active_organisation_sees_nothing(api_for, cast):
    office = cast.street.organisation
    office.status = office.Status.SUSPENDED
    office.save()

    response = api_for(cast.street).get(URL)

    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.json()["count"] == 0

"""/api/v1/organisations/: scoped reading; the city office creates and edits."""

import pytest

from portal.models import AuditEvent, Organisation

URL = "/api/v1/organisations/"
ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]
NOT_CITY = [role for role in ROLES if role != "city"]


def org(cast, role):
    return getattr(cast, role).organisation


def visible_names(cast, role):
    if role == "city":
        return set(Organisation.objects.values_list("name", flat=True))
    names = {org(cast, role).name}
    if role in ("district", "district_staff"):
        names.add(cast.ent.account.name)  # enterprise accounts registered in 朝阳区
    if role == "other_district":
        names.add(cast.other_ent.account.name)
    return names


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_roles_scope(api_for, cast, role):
    response = api_for(getattr(cast, role)).get(URL)

    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == visible_names(cast, role)


@pytest.mark.parametrize("role", ROLES)
def test_retrieve_of_the_enterprise_account_is_404_outside_the_scope(api_for, cast, role):
    response = api_for(getattr(cast, role)).get(f"{URL}{cast.ent.account_id}/")

    inside = role in ("city", "district", "district_staff", "enterprise", "enterprise_staff")
    assert response.status_code == (200 if inside else 404)


def test_a_regulator_shows_its_industries_and_a_review_unit_its_qualifications(api_for, cast):
    client = api_for(cast.city)

    regulator = client.get(f"{URL}{cast.regulator.organisation_id}/").json()
    reviewer = client.get(f"{URL}{cast.reviewer.organisation_id}/").json()

    assert regulator["industries"] == ["machinery"]
    assert reviewer["qualifications"] == [{"industry": "machinery", "tier": "3"}]
    assert reviewer["kind"] == "review_unit" and reviewer["status"] == "active"


def review_unit_payload():
    return {
        "name": "北京安信评审中心",
        "kind": "review_unit",
        "qualifications": [
            {"industry": "machinery", "tier": "2"},
            {"industry": "commerce", "tier": "3"},
        ],
        "contact_name": "李明",
    }


def test_the_city_office_creates_an_organisation_and_it_is_audited(api_for, cast):
    response = api_for(cast.city).post(URL, review_unit_payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    created = Organisation.objects.get(name="北京安信评审中心")
    assert body["id"] == created.pk
    assert sorted(created.qualifications.values_list("industry", "tier")) == [
        ("commerce", "3"),
        ("machinery", "2"),
    ]
    assert len(body["qualifications"]) == 2
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.object_id == str(created.pk) and event.actor == cast.city


@pytest.mark.parametrize("role", NOT_CITY)
def test_no_one_else_creates_organisations(api_for, cast, role):
    count = Organisation.objects.count()

    response = api_for(getattr(cast, role)).post(URL, review_unit_payload(), format="json")

    assert response.status_code == 403
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.exists()


def test_the_city_office_changes_a_regulators_industries(api_for, cast):
    target = cast.regulator.organisation

    response = api_for(cast.city).patch(
        f"{URL}{target.pk}/", {"industries": ["machinery", "commerce"]}, format="json"
    )

    assert response.status_code == 200
    assert sorted(response.json()["industries"]) == ["commerce", "machinery"]
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.before == {"industries": ["machinery"]}
    assert event.after == {"industries": ["commerce", "machinery"]}


def test_the_city_office_suspends_a_review_unit(api_for, cast):
    target = cast.reviewer.organisation

    response = api_for(cast.city).patch(
        f"{URL}{target.pk}/", {"status": "suspended", "status_reason": "资质到期"}, format="json"
    )

    assert response.status_code == 200
    target.refresh_from_db()
    assert target.status == "suspended"
    # Its users may now only read /me/.
    assert api_for(cast.reviewer).get("/api/v1/regions/").status_code == 403


@pytest.mark.parametrize("role", NOT_CITY)
def test_patch_of_ones_own_organisation_is_403(api_for, cast, role):
    target = org(cast, role)

    response = api_for(getattr(cast, role)).patch(
        f"{URL}{target.pk}/", {"contact_name": "x"}, format="json"
    )

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.contact_name == ""
    assert not AuditEvent.objects.exists()


def test_patch_of_an_organisation_outside_the_scope_is_404(api_for, cast):
    response = api_for(cast.district).patch(
        f"{URL}{cast.regulator.organisation_id}/", {"contact_name": "x"}, format="json"
    )

    assert response.status_code == 404


def test_a_district_government_needs_its_district(api_for, cast):
    response = api_for(cast.city).post(
        URL, {"name": "通州区人民政府", "kind": "district"}, format="json"
    )

    assert response.status_code == 400
    assert "needs its district" in response.json()["region"][0]
    assert not Organisation.objects.filter(name="通州区人民政府").exists()
    assert not AuditEvent.objects.exists()


def test_a_duplicate_name_is_refused(api_for, cast):
    response = api_for(cast.city).post(
        URL, {"name": cast.regulator.organisation.name, "kind": "regulator"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()


def test_an_unknown_field_inside_a_qualification_is_named(api_for, cast):
    payload = review_unit_payload()
    payload["qualifications"][0]["level"] = "2"

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "Unknown field: level." in str(response.json()["qualifications"])
    assert not Organisation.objects.filter(name="北京安信评审中心").exists()


def test_a_patch_with_half_a_qualification_is_refused(api_for, cast):
    """Found by schemathesis: PATCH made the nested fields optional and the server failed."""
    unit = cast.reviewer.organisation
    before = list(unit.qualifications.values_list("industry_id", "tier"))
    response = api_for(cast.city).patch(
        f"{URL}{unit.pk}/",
        {"qualifications": [{"tier": "1"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "industry and a tier" in str(response.json()["qualifications"])
    assert list(unit.qualifications.values_list("industry_id", "tier")) == before


def test_an_unknown_top_level_field_is_named(api_for, cast):
    response = api_for(cast.city).post(URL, review_unit_payload() | {"tiers": []}, format="json")

    assert response.status_code == 400
    assert "Unknown field: tiers." in response.json()["non_field_errors"][0]
    assert not AuditEvent.objects.exists()


def test_organisations_cannot_be_deleted(api_for, cast):
    response = api_for(cast.city).delete(f"{URL}{cast.group.organisation_id}/")

    assert response.status_code == 405

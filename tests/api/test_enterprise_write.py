"""Bad input on POST/PATCH/PUT /api/v1/enterprises/: a clear 400 and nothing written."""

import pytest

from enterprises.models import Enterprise
from enterprises.uscc import make_uscc
from portal.models import AuditEvent

URL = "/api/v1/enterprises/"


@pytest.fixture
def payload():
    return {
        "name": "北京新建五金制造有限公司",
        "uscc": make_uscc("110105", "MA0000099"),
        "district": "110105",
        "industry": "machinery",
        "scale": "small_micro",
    }


def assert_nothing_written(count_before):
    assert Enterprise.objects.count() == count_before
    assert not AuditEvent.objects.exists()


def test_a_wrong_check_character_names_the_expected_one(api_for, cast, payload):
    good = payload["uscc"]
    wrong = "0" if good[-1] != "0" else "1"
    payload["uscc"] = good[:17] + wrong

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    [message] = response.json()["uscc"]
    assert f"should be “{good[-1]}”" in message
    assert_nothing_written(2)


def test_a_forbidden_letter_names_its_position(api_for, cast, payload):
    payload["uscc"] = "91110105MA0000O99X"

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "Character 15 (“O”)" in response.json()["uscc"][0]
    assert_nothing_written(2)


def test_a_short_code_says_how_long_it_is(api_for, cast, payload):
    payload["uscc"] = "91110105"

    response = api_for(cast.city).post(URL, payload, format="json")

    assert "has 8" in response.json()["uscc"][0]


def test_a_duplicate_uscc_is_refused_even_in_lower_case(api_for, cast, payload):
    payload["uscc"] = cast.other_ent.uscc.lower()

    response = api_for(cast.district).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "already registered" in response.json()["uscc"][0]
    assert_nothing_written(2)


def test_the_uscc_is_stored_normalised(api_for, cast, payload):
    code = payload["uscc"]
    payload["uscc"] = f" {code[:9].lower()} {code[9:]}"

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["uscc"] == code
    assert Enterprise.objects.filter(uscc=code).exists()


def test_unknown_fields_are_named_and_nothing_is_written(api_for, cast, payload):
    payload |= {"adress": "x", "colour": "red"}

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    [message] = response.json()["non_field_errors"]
    assert "Unknown fields: adress, colour." in message
    assert "address" in message  # the accepted fields are listed
    assert_nothing_written(2)


def test_a_patch_with_an_unknown_field_changes_nothing(api_for, cast):
    response = api_for(cast.city).patch(
        f"{URL}{cast.ent.pk}/", {"employees": 99, "employes": 99}, format="json"
    )

    assert response.status_code == 400
    assert "Unknown field: employes." in response.json()["non_field_errors"][0]
    cast.ent.refresh_from_db()
    assert cast.ent.employees is None
    assert not AuditEvent.objects.exists()


def test_a_put_with_an_unknown_field_changes_nothing(api_for, cast, payload):
    response = api_for(cast.city).put(
        f"{URL}{cast.ent.pk}/", payload | {"notes": "x"}, format="json"
    )

    assert response.status_code == 400
    cast.ent.refresh_from_db()
    assert cast.ent.name == "北京朝阳精密机械有限公司"
    assert not AuditEvent.objects.exists()


def test_a_put_replaces_the_entry_and_is_audited(api_for, cast, payload):
    payload["uscc"] = cast.ent.uscc

    response = api_for(cast.district).put(f"{URL}{cast.ent.pk}/", payload, format="json")

    assert response.status_code == 200, response.content
    cast.ent.refresh_from_db()
    assert cast.ent.name == payload["name"]
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before["name"] == "北京朝阳精密机械有限公司"
    assert event.after["name"] == payload["name"]


def test_a_put_needs_the_required_fields(api_for, cast):
    response = api_for(cast.city).put(f"{URL}{cast.ent.pk}/", {"employees": 5}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"name", "uscc"}
    assert not AuditEvent.objects.exists()


def test_status_cannot_be_changed_by_patch(api_for, cast):
    response = api_for(cast.city).patch(f"{URL}{cast.ent.pk}/", {"status": "closed"}, format="json")

    assert response.status_code == 400
    assert "read-only" in response.json()["status"][0]
    cast.ent.refresh_from_db()
    assert cast.ent.status == Enterprise.Status.ACTIVE


def test_a_get_then_put_round_trip_is_accepted(api_for, cast):
    client = api_for(cast.city)
    body = client.get(f"{URL}{cast.ent.pk}/").json()

    response = client.put(f"{URL}{cast.ent.pk}/", body | {"employees": 42}, format="json")

    assert response.status_code == 200, response.content
    cast.ent.refresh_from_db()
    assert cast.ent.employees == 42
    assert AuditEvent.objects.get().after == {"employees": 42}


def test_a_patch_that_changes_nothing_writes_no_audit_row(api_for, cast):
    response = api_for(cast.city).patch(
        f"{URL}{cast.ent.pk}/", {"name": cast.ent.name}, format="json"
    )

    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


def test_a_street_of_another_district_is_refused(api_for, cast, payload):
    payload["street"] = "110108001"

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "110108001" in response.json()["street"][0]
    assert_nothing_written(2)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("district", "999999", "999999"),
        ("street", "999999999", "999999999"),
        ("industry", "knitting", "knitting"),
        ("scale", "huge", "not a valid choice"),
        ("employees", -1, "greater than or equal to 0"),
        ("annual_revenue", "-5", "greater than or equal to 0"),
        ("safety_licence_expires", "31/12/2026", "Date has wrong format"),
    ],
)
def test_a_bad_value_names_its_field(api_for, cast, payload, field, value, fragment):
    payload[field] = value

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert fragment in response.json()[field][0]
    assert_nothing_written(2)


def test_an_industry_that_needs_a_licence_requires_its_number(api_for, cast, payload):
    payload["industry"] = "hazardous_chemicals"

    refused = api_for(cast.city).post(URL, payload, format="json")
    accepted = api_for(cast.city).post(
        URL, payload | {"safety_licence_no": "京WH安许证字[2026]001"}, format="json"
    )

    assert refused.status_code == 400
    assert "safety licence" in refused.json()["safety_licence_no"][0]
    assert accepted.status_code == 201


def test_the_city_office_must_name_the_district(api_for, cast, payload):
    del payload["district"]

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "required" in response.json()["district"][0]


def test_a_district_adds_in_its_own_district_by_default(api_for, cast, payload):
    del payload["district"]

    response = api_for(cast.district).post(URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["district"] == "110105"


def test_a_body_that_is_not_an_object_is_refused(api_for, cast):
    response = api_for(cast.city).post(URL, ["北京"], format="json")

    assert response.status_code == 400
    assert Enterprise.objects.count() == 2


def test_malformed_json_is_refused(api_for, cast):
    response = api_for(cast.city).generic("POST", URL, '{"name": ', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "This field is required."),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, "该字段是必填项。"),
        ({}, "该字段是必填项。"),  # Chinese is the default language
    ],
)
def test_errors_come_in_the_users_language(api_for, cast, payload, headers, message):
    del payload["name"]
    client = api_for(cast.city, language=None)

    response = client.post(URL, payload, format="json", **headers)

    assert response.json()["name"] == [message]


def test_the_language_cookie_chooses_the_language(api_for, cast, payload):
    del payload["name"]
    client = api_for(cast.city, language=None)
    client.cookies["django_language"] = "en"

    response = client.post(URL, payload, format="json")

    assert response.json()["name"] == ["This field is required."]


def test_a_uscc_registered_concurrently_is_a_400_not_a_crash(api_for, cast, payload, monkeypatch):
    # Both checks pass, as when another request inserts the same code
    # between validation and the insert.
    monkeypatch.setattr("rest_framework.validators.UniqueValidator.__call__", lambda *a: None)
    monkeypatch.setattr(Enterprise, "validate_unique", lambda *a, **kw: None)
    payload["uscc"] = cast.other_ent.uscc

    response = api_for(cast.city).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "already registered" in response.json()["uscc"][0]
    assert Enterprise.objects.filter(uscc=payload["uscc"]).count() == 1
    assert not AuditEvent.objects.exists()

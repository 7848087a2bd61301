"""Street and town offices (街道办事处/乡镇政府): the city office creates them with their
street; they read their street's enterprises and change nothing of the registry."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from enterprises import accidents
from portal import permissions
from portal.models import AuditEvent, Organisation, Street
from portal.navigation import navigation_for

URL = "/api/v1/organisations/"


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def hujialou(cast):
    return Street.objects.create(
        region=cast.chaoyang, code="110105003", name="呼家楼街道", kind=Street.Kind.SUBDISTRICT
    )


def test_the_city_office_creates_a_street_office_with_its_street_and_it_is_audited(
    api_for, cast, hujialou
):
    response = api_for(cast.city).post(
        URL,
        {"name": "朝阳区呼家楼街道办事处", "kind": "street", "street": hujialou.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    office = Organisation.objects.get(name="朝阳区呼家楼街道办事处")
    assert office.street == hujialou
    assert office.region == cast.chaoyang  # its seat, taken from the street
    assert response.json()["street"] == hujialou.pk
    event = AuditEvent.objects.get(action="organisation.create", object_id=str(office.pk))
    assert event.after["street"] == hujialou.pk


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"kind": "street"}, "needs its street"),
        ({"kind": "street", "street": None}, "needs its street"),
        ({"kind": "street", "street": "HUJIALOU", "region": "110108"}, "is not in"),
        ({"kind": "regulator", "street": "HUJIALOU"}, "Only a street or town office"),
    ],
)
def test_a_street_office_without_its_street_is_refused_with_a_clear_message(
    api_for, cast, hujialou, english, payload, message
):
    payload = {
        key: (hujialou.pk if value == "HUJIALOU" else value) for key, value in payload.items()
    }
    response = api_for(cast.city).post(URL, {"name": "某街道办事处", **payload}, format="json")

    assert response.status_code == 400
    assert message in response.json()["street"][0]
    assert not Organisation.objects.filter(name="某街道办事处").exists()
    assert not AuditEvent.objects.exists()


def test_a_second_active_office_of_one_street_is_refused(api_for, cast, english):
    response = api_for(cast.city).post(
        URL,
        {"name": "建外街道第二办事处", "kind": "street", "street": cast.chaoyang_street.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "already has an active office" in response.json()["street"][0]
    assert "朝阳区建外街道办事处" in response.json()["street"][0]
    assert not Organisation.objects.filter(name="建外街道第二办事处").exists()
    assert not AuditEvent.objects.exists()


def test_a_deactivated_office_makes_room_for_its_successor(api_for, cast):
    client = api_for(cast.city)
    old = cast.street.organisation
    assert client.patch(f"{URL}{old.pk}/", {"status": "inactive"}, format="json").status_code == 200

    response = client.post(
        URL,
        {"name": "朝阳区建外街道办事处（新）", "kind": "street", "street": cast.chaoyang_street.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    # ...and the old one cannot come back while the new one is active.
    again = client.patch(f"{URL}{old.pk}/", {"status": "active"}, format="json")
    assert again.status_code == 400
    old.refresh_from_db()
    assert old.status == Organisation.Status.INACTIVE


def test_moving_a_street_office_to_another_street_is_audited(api_for, cast, hujialou):
    office = cast.street.organisation
    response = api_for(cast.city).patch(
        f"{URL}{office.pk}/", {"street": hujialou.pk}, format="json"
    )

    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="organisation.update", object_id=str(office.pk))
    assert event.before == {"street": cast.chaoyang_street.pk}
    assert event.after == {"street": hujialou.pk}


def test_only_the_city_office_creates_street_offices(api_for, cast, hujialou):
    for who in (cast.district, cast.street):
        response = api_for(who).post(
            URL, {"name": "朝阳区呼家楼街道办事处", "kind": "street", "street": hujialou.pk}
        )
        assert response.status_code == 403
    assert not Organisation.objects.filter(street=hujialou).exists()


def test_the_organisation_page_requires_the_street_of_a_street_office(
    cast, client_for, hujialou, english
):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's own language
    data = {"name": "朝阳区呼家楼街道办事处", "kind": "street", "status": "active"}

    refused = client.post(reverse("organisation_new"), data)

    assert refused.status_code == 200
    assert "needs its street" in str(refused.context["form"].errors["street"])
    assert not Organisation.objects.filter(name=data["name"]).exists()

    saved = client.post(reverse("organisation_new"), {**data, "street": hujialou.pk})

    assert saved.status_code == 302
    office = Organisation.objects.get(name=data["name"])
    assert (office.street, office.region) == (hujialou, cast.chaoyang)
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(office.pk))


def test_the_organisation_page_names_the_active_office_of_a_taken_street(cast, client_for, english):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's own language
    response = client.post(
        reverse("organisation_new"),
        {
            "name": "建外街道第二办事处",
            "kind": "street",
            "status": "active",
            "street": cast.chaoyang_street.pk,
        },
    )

    assert "朝阳区建外街道办事处" in str(response.context["form"].errors["street"])
    assert not Organisation.objects.filter(name="建外街道第二办事处").exists()


def test_a_street_office_edits_no_registry_entry_and_records_no_accident(cast):
    assert not permissions.can_edit_enterprise(cast.street, cast.ent)
    assert not permissions.can_import_enterprises(cast.street)
    assert not permissions.can_export_enterprises(cast.street)
    assert not permissions.can_manage_organisations(cast.street)
    assert not permissions.can_view_audit_log(cast.street)
    assert not accidents.can_record(cast.street, cast.ent)


def test_a_street_office_sees_only_itself_among_organisations_and_users(api_for, cast):
    client = api_for(cast.street)

    organisations = {row["id"] for row in client.get(URL).json()["results"]}
    users = {row["id"] for row in client.get("/api/v1/users/").json()["results"]}

    assert organisations == {cast.street.organisation_id}
    assert users == {cast.street.pk}


def test_the_home_page_of_a_street_office_counts_its_streets_enterprises(cast, client_for):
    response = client_for(cast.street).get(reverse("home"))

    assert response.status_code == 200
    assert response.context["counts"]["total"] == 1
    assert response.context["street"] == cast.chaoyang_street
    page = response.content.decode()
    assert "建外街道" in page
    assert 'data-testid="widget-registry"' in page
    assert 'data-testid="widget-registrations"' not in page
    other = client_for(cast.other_street).get(reverse("home"))
    assert other.context["counts"]["total"] == 0


def test_a_street_offices_navigation_offers_what_it_may_read_and_nothing_to_manage(cast):
    urls = {item["url"] for item in navigation_for(cast.street)}

    assert {reverse("enterprises:list"), reverse("certification:list")} <= urls
    for name in (
        "enterprises:import",
        "enterprises:registrations",
        "organisations",
        "audit_log",
        "certification:verification",
        "certification:queue",
    ):
        assert reverse(name) not in urls, name

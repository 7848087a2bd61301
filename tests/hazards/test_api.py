"""The ledger's REST API: scoped like the pages (outside the scope 404, the wrong role
403, a stale move 409), the list's filters, recording with bad input (400 naming the
field, nothing written), a move, the extension and the photos."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from hazards import services
from hazards.models import Hazard, HazardEvent, HazardPhoto
from portal.models import AuditEvent
from tests.hazards.factories import JPG, PDF, PNG, catalogue_item, fields, record

TODAY = timezone.localdate
LIST = "/api/v1/hazards/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_for():
    def login(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return login


def written() -> tuple[int, int, int, int]:
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        HazardPhoto.objects.count(),
        AuditEvent.objects.count(),
    )


def body(**overrides) -> dict:
    values = {
        key: (value.isoformat() if isinstance(value, datetime.date) else value)
        for key, value in fields().items()
    }
    values.update(overrides)
    return values


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


# --- list and retrieve ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["enterprise", "group", "district", "regulator", "city", "street"])
def test_whoever_oversees_the_enterprise_lists_and_reads_its_hazard(cast, api_for, who):
    hazard = record(cast)
    client = api_for(getattr(cast, who))
    assert numbers(client.get(LIST)) == {hazard.number}
    detail = client.get(f"{LIST}{hazard.pk}/")
    assert detail.status_code == 200
    assert detail.json()["number"] == hazard.number
    assert [e["move"] for e in detail.json()["events"]] == ["record"]


@pytest.mark.parametrize("who", ["other_district", "other_enterprise", "other_regulator"])
def test_outside_the_scope_a_hazard_is_404_and_not_listed(cast, api_for, who):
    hazard = record(cast)
    client = api_for(getattr(cast, who))
    assert numbers(client.get(LIST)) == set()
    assert client.get(f"{LIST}{hazard.pk}/").status_code == 404
    before = written()
    assert client.post(f"{LIST}{hazard.pk}/moves/start/", {}, format="json").status_code == 404
    assert written() == before


@pytest.mark.parametrize("who", ["reviewer", "association"])
def test_organisations_without_a_ledger_get_403(cast, api_for, who):
    record(cast)
    assert api_for(getattr(cast, who)).get(LIST).status_code == 403


def test_the_list_filters(cast, api_for):
    today = TODAY()
    general = record(cast, description="冲床光电保护装置失效。")
    major = record(cast, grade=Hazard.Grade.MAJOR, description="承包单位未统一协调管理。")
    late = record(
        cast,
        found_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
        source=Hazard.Source.TIP_OFF,
        description="配电箱未上锁。",
    )
    client = api_for(cast.city)
    assert numbers(client.get(LIST, {"grade": "major"})) == {major.number}
    assert numbers(client.get(LIST, {"overdue": "true"})) == {late.number}
    assert numbers(client.get(LIST, {"source": "tip_off"})) == {late.number}
    assert numbers(client.get(LIST, {"q": "光电"})) == {general.number}
    assert numbers(client.get(LIST, {"status": "pending", "open": "true"})) == {
        general.number,
        late.number,
    }
    assert numbers(client.get(LIST, {"district": cast.haidian.pk})) == set()
    assert numbers(client.get(LIST, {"district": cast.chaoyang.pk})) == {
        general.number,
        major.number,
        late.number,
    }
    assert client.get(LIST, {"grade": "huge"}).status_code == 400


def test_the_list_takes_the_same_queries_for_more_hazards(
    cast, api_for, django_assert_max_num_queries
):
    client = api_for(cast.district)
    record(cast)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for _ in range(5):
        record(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(numbers(client.get(LIST))) == 6


# --- create ----------------------------------------------------------------------------


def test_an_enterprise_records_a_hazard_without_naming_itself(cast, api_for):
    response = api_for(cast.enterprise).post(LIST, body(), format="json")
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get()
    assert response.json()["number"] == hazard.number
    assert hazard.enterprise == cast.ent
    assert [m["name"] for m in response.json()["moves"]] == ["start"]


def test_a_major_hazard_names_its_basis(cast, api_for):
    item = catalogue_item()
    response = api_for(cast.district).post(
        LIST,
        body(enterprise=cast.ent.pk, grade="major", major_basis=item.pk, source="enforcement"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reported"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"grade": "major"}, "major_basis"),
        ({"major_basis": 999_999, "grade": "major"}, "major_basis"),
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"location": "x" * 201}, "location"),
        ({"colour": "red"}, "non_field_errors"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(cast, api_for, overrides, field):
    before = written()
    response = api_for(cast.enterprise).post(LIST, body(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert written() == before


def test_an_enterprise_outside_the_scope_cannot_be_named(cast, api_for):
    before = written()
    response = api_for(cast.district).post(LIST, body(enterprise=cast.other_ent.pk), format="json")
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert written() == before


def test_a_regulator_that_sees_the_enterprise_may_not_record_for_it(cast, api_for):
    before = written()
    response = api_for(cast.regulator).post(LIST, body(enterprise=cast.ent.pk), format="json")
    assert response.status_code == 403
    assert written() == before


# --- moves, extension, photos -----------------------------------------------------------


def test_a_general_hazard_goes_to_closed_through_the_api(cast, api_for):
    hazard = record(cast)
    staff, principal = api_for(cast.enterprise_staff), api_for(cast.enterprise)
    url = f"{LIST}{hazard.pk}/moves/"
    assert staff.post(url + "start/", {}, format="json").status_code == 200
    response = staff.post(url + "submit_for_acceptance/", {"measures": "更换"}, format="json")
    assert response.status_code == 400
    assert "completed_on" in response.json()
    response = staff.post(
        url + "submit_for_acceptance/",
        {"completed_on": TODAY().isoformat(), "measures": "更换光电保护装置"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_acceptance"
    assert response.json()["moves"] == []  # the rectifier does not accept its own work
    assert staff.post(url + "accept/", {"comment": "合格"}, format="json").status_code == 400
    offered = principal.get(f"{LIST}{hazard.pk}/").json()["moves"]
    assert [m["name"] for m in offered] == ["accept", "reject_acceptance"]
    response = principal.post(url + "accept/", {"comment": "验收合格"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["moves"] == []


def test_the_wrong_role_is_403_a_stale_move_409_an_unknown_one_404(cast, api_for):
    hazard = record(cast)
    url = f"{LIST}{hazard.pk}/moves/"
    before = written()
    assert api_for(cast.district).post(url + "start/", {}, format="json").status_code == 403
    assert written() == before
    client = api_for(cast.enterprise)
    assert client.post(url + "start/", {}, format="json").status_code == 200
    before = written()
    assert client.post(url + "start/", {}, format="json").status_code == 409
    assert client.post(url + "approve_plan/", {"comment": "x"}, format="json").status_code == 409
    assert client.post(url + "teleport/", {}, format="json").status_code == 404
    assert written() == before


def test_the_district_extends_a_deadline_the_group_may_not(cast, api_for):
    hazard = record(cast)
    url = f"{LIST}{hazard.pk}/extend/"
    new = (hazard.deadline + datetime.timedelta(days=5)).isoformat()
    before = written()
    assert (
        api_for(cast.group).post(url, {"new_deadline": new, "reason": "x"}, format="json")
    ).status_code == 403
    assert written() == before
    response = api_for(cast.district).post(
        url, {"new_deadline": new, "reason": "设备到货延迟"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["deadline"] == new
    assert response.json()["extensions"][0]["reason"] == "设备到货延迟"


def test_photos_are_uploaded_and_downloaded_within_the_scope(cast, api_for):
    hazard = record(cast)
    url = f"{LIST}{hazard.pk}/photos/"
    client = api_for(cast.enterprise)
    before = written()
    response = client.post(
        url, {"kind": "before", "file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert written() == before
    response = client.post(
        url, {"kind": "after", "file": SimpleUploadedFile("现场.jpg", JPG)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    photo_url = f"{url}{response.json()['id']}/"
    download = api_for(cast.regulator).get(photo_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPG
    assert api_for(cast.other_district).get(photo_url).status_code == 404
    assert (
        api_for(cast.regulator).post(
            url, {"kind": "after", "file": SimpleUploadedFile("y.png", PNG)}, format="multipart"
        )
    ).status_code == 403
    other = services.hazard_record(
        actor=cast.other_enterprise, enterprise=cast.other_ent, **fields()
    )
    # A photo is reached only through its own hazard.
    assert (
        api_for(cast.other_enterprise)
        .get(f"{LIST}{other.pk}/photos/{response.json()['id']}/")
        .status_code
        == 404
    )


def test_the_schema_documents_the_ledger(cast, api_for):
    schema = api_for(cast.city).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/hazards/{id}/moves/{transition}/" in paths

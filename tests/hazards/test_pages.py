"""The ledger pages: who sees the list and a hazard (outside the scope 404, without a
ledger 403), the filters, recording a hazard with a photo (bad input re-renders the
form and writes nothing), a move, the deadline extension and the photos."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from hazards import services
from hazards.models import Hazard, HazardEvent, HazardPhoto
from portal.models import AuditEvent
from tests.hazards.factories import JPG, PDF, PNG, catalogue_item, fields, record

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def written() -> tuple[int, int, int, int]:
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        HazardPhoto.objects.count(),
        AuditEvent.objects.count(),
    )


def form_data(**overrides) -> dict:
    values = {
        key: (value.isoformat() if isinstance(value, datetime.date) else value)
        for key, value in fields().items()
    }
    values.update(grade=Hazard.Grade.GENERAL)
    values.update(overrides)
    return values


# --- list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["enterprise", "enterprise_staff", "group", "district", "regulator", "city", "street"]
)
def test_whoever_oversees_the_enterprise_sees_its_hazard_in_the_list(cast, client_for, who):
    hazard = record(cast)
    response = client_for(getattr(cast, who)).get(reverse("hazards:list"))
    assert response.status_code == 200
    assert hazard.number in response.content.decode()


@pytest.mark.parametrize("who", ["other_district", "other_enterprise", "other_street"])
def test_others_do_not_see_the_hazard_in_the_list(cast, client_for, who):
    hazard = record(cast)
    response = client_for(getattr(cast, who)).get(reverse("hazards:list"))
    assert response.status_code == 200
    assert hazard.number not in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "association"])
def test_organisations_without_a_ledger_get_403(cast, client_for, who):
    hazard = record(cast)
    client = client_for(getattr(cast, who))
    assert client.get(reverse("hazards:list")).status_code == 403
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 403
    assert client.get(reverse("hazards:new")).status_code == 403


def test_the_navigation_leads_to_the_ledger_for_those_who_see_hazards(cast, client_for):
    url = reverse("hazards:list")
    assert url in client_for(cast.enterprise).get(reverse("home")).content.decode()
    assert url not in client_for(cast.reviewer).get(reverse("home")).content.decode()


def test_the_filters_narrow_the_list(cast, client_for):
    today = TODAY()
    general = record(cast, description="冲床光电保护装置失效。")
    major = record(cast, grade=Hazard.Grade.MAJOR, description="承包单位未统一协调管理。")
    overdue = record(
        cast,
        found_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
        source=Hazard.Source.ENFORCEMENT,
        description="配电箱未上锁。",
    )
    client = client_for(cast.district)

    def numbers(**params) -> set[str]:
        body = client.get(reverse("hazards:list"), params).content.decode()
        return {h.number for h in (general, major, overdue) if h.number in body}

    assert numbers() == {general.number, major.number, overdue.number}
    assert numbers(grade="major") == {major.number}
    assert numbers(overdue="1") == {overdue.number}
    assert numbers(source="enforcement") == {overdue.number}
    assert numbers(status="reported") == {major.number}
    assert numbers(q="光电") == {general.number}
    assert numbers(q=general.number) == {general.number}
    services.perform(actor=cast.enterprise, hazard=general, move="start")
    services.perform(
        actor=cast.enterprise_staff,
        hazard=general,
        move="submit_for_acceptance",
        completed_on=today,
        measures="更换光电保护装置。",
    )
    services.perform(actor=cast.enterprise, hazard=general, move="accept", comment="合格")
    assert numbers(open="1") == {major.number, overdue.number}


def test_an_enterprise_is_not_offered_a_district_filter_but_the_city_office_is(cast, client_for):
    record(cast)
    assert (
        'name="district"'
        not in client_for(cast.enterprise).get(reverse("hazards:list")).content.decode()
    )
    assert 'name="district"' in client_for(cast.city).get(reverse("hazards:list")).content.decode()


def test_the_list_page_takes_the_same_queries_for_more_hazards(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.district)
    record(cast)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("hazards:list"))
    for _ in range(5):
        record(cast, grade=Hazard.Grade.MAJOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("hazards:list"))
    assert response.content.decode().count('data-testid="hazard-row"') == 6


# --- detail ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_district", "other_enterprise", "other_regulator"])
def test_a_hazard_outside_the_scope_is_404(cast, client_for, who):
    hazard = record(cast)
    photo = services.photo_add(
        actor=cast.enterprise,
        hazard=hazard,
        kind="before",
        upload=SimpleUploadedFile("a.png", PNG),
    )
    client = client_for(getattr(cast, who))
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404
    assert client.get(reverse("hazards:photo", args=[hazard.pk, photo.pk])).status_code == 404
    before = written()
    url = reverse("hazards:act", args=[hazard.pk, "start"])
    assert client.post(url).status_code == 404
    assert written() == before


def test_the_detail_offers_the_moves_open_to_the_user(cast, client_for):
    hazard = record(cast)
    body = client_for(cast.enterprise).get(reverse("hazards:detail", args=[hazard.pk]))
    assert 'data-testid="action-start"' in body.content.decode()
    assert 'data-testid="extend-form"' in body.content.decode()  # the principal
    district = client_for(cast.district).get(reverse("hazards:detail", args=[hazard.pk]))
    assert 'data-testid="action-start"' not in district.content.decode()


def test_a_general_hazard_is_rectified_and_accepted_through_the_pages(cast, client):
    hazard = record(cast)
    client.force_login(cast.enterprise_staff)
    assert client.post(reverse("hazards:act", args=[hazard.pk, "start"])).status_code == 302
    url = reverse("hazards:act", args=[hazard.pk, "submit_for_acceptance"])
    # No completion date: the form comes back with the message and nothing moved.
    before = written()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's own language
    response = client.post(url, {"measures": "更换光电保护装置。"})
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert response.status_code == 400
    assert "Give the date." in response.content.decode()
    assert "更换光电保护装置。" in response.content.decode()
    assert written() == before
    assert (
        client.post(
            url, {"completed_on": TODAY().isoformat(), "measures": "更换光电保护装置。"}
        ).status_code
        == 302
    )
    # The rectifier is not offered the acceptance, and may not accept its own work.
    detail = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="action-accept"' not in detail
    with translation.override("en"):
        response = client.post(
            reverse("hazards:act", args=[hazard.pk, "accept"]), {"comment": "合格"}
        )
    assert response.status_code == 400
    client.force_login(cast.enterprise)
    response = client.post(reverse("hazards:act", args=[hazard.pk, "accept"]), {"comment": "合格"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED
    assert hazard.accepted_by == cast.enterprise


def test_a_move_the_user_may_not_make_is_403_and_a_stale_one_409(cast, client_for):
    hazard = record(cast)
    before = written()
    district = client_for(cast.district)
    assert district.post(reverse("hazards:act", args=[hazard.pk, "start"])).status_code == 403
    assert written() == before
    client = client_for(cast.enterprise)
    assert client.post(reverse("hazards:act", args=[hazard.pk, "start"])).status_code == 302
    before = written()
    response = client.post(reverse("hazards:act", args=[hazard.pk, "start"]))
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    assert written() == before
    assert client.post(reverse("hazards:act", args=[hazard.pk, "nonsense"])).status_code == 404


def test_the_principal_extends_the_deadline_staff_may_not(cast, client_for):
    hazard = record(cast)
    new = (hazard.deadline + datetime.timedelta(days=7)).isoformat()
    url = reverse("hazards:extend", args=[hazard.pk])
    staff = client_for(cast.enterprise_staff)
    assert staff.post(url, {"new_deadline": new, "reason": "设备到货延迟"}).status_code == 403
    principal = client_for(cast.enterprise)
    before = written()
    assert principal.post(url, {"new_deadline": new, "reason": ""}).status_code == 400
    assert written() == before
    assert principal.post(url, {"new_deadline": new, "reason": "设备到货延迟"}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.deadline.isoformat() == new


def test_photos_are_uploaded_and_downloaded_within_the_scope(cast, client_for):
    hazard = record(cast)
    client = client_for(cast.enterprise)
    url = reverse("hazards:photo_upload", args=[hazard.pk])
    before = written()
    response = client.post(url, {"kind": "before", "file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 400
    assert 'data-testid="photo-error"' in response.content.decode()
    assert written() == before
    response = client.post(url, {"kind": "before", "file": SimpleUploadedFile("现场.jpg", JPG)})
    assert response.status_code == 302
    photo = hazard.photos.get()
    download = client_for(cast.district).get(reverse("hazards:photo", args=[hazard.pk, photo.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPG
    assert (
        client_for(cast.regulator)
        .post(url, {"kind": "after", "file": SimpleUploadedFile("y.png", PNG)})
        .status_code
        == 403
    )


# --- recording ------------------------------------------------------------------------


def test_an_enterprise_records_a_hazard_with_a_photo_from_the_camera(cast, client_for):
    client = client_for(cast.enterprise)
    page = client.get(reverse("hazards:new")).content.decode()
    assert 'capture="environment"' in page
    assert 'accept="image/*"' in page
    response = client.post(
        reverse("hazards:new"),
        {**form_data(), "photo": SimpleUploadedFile("现场.png", PNG)},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert response.url == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.enterprise == cast.ent
    assert hazard.photos.get().kind == "before"


def test_a_major_hazard_is_recorded_with_its_basis_from_the_picker(cast, client_for):
    item = catalogue_item()
    client = client_for(cast.enterprise)
    assert item.text[:20] in client.get(reverse("hazards:new")).content.decode()
    response = client.post(
        reverse("hazards:new"), form_data(grade="major", major_basis=str(item.pk))
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert (hazard.grade, hazard.status, hazard.major_basis) == ("major", "reported", item)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"grade": "major"}, "major_basis"),
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"location": ""}, "location"),
        ({"found_on": "not a date"}, "found_on"),
    ],
)
def test_bad_input_re_renders_the_form_keeps_the_text_and_writes_nothing(
    cast, client_for, overrides, field
):
    client = client_for(cast.enterprise)
    before = written()
    data = form_data(description="配电箱门未关闭，内部线路裸露。", **overrides)
    response = client.post(reverse("hazards:new"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert "配电箱门未关闭，内部线路裸露。" in response.content.decode()
    assert written() == before


def test_a_photo_that_is_not_an_image_writes_no_hazard_either(cast, client_for):
    before = written()
    response = client_for(cast.enterprise).post(
        reverse("hazards:new"), {**form_data(), "photo": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert response.status_code == 400
    assert "photo" in response.context["form"].errors
    assert written() == before


def test_a_district_picks_an_enterprise_of_its_own_district_only(cast, client_for):
    client = client_for(cast.district)
    page = client.get(reverse("hazards:new")).content.decode()
    assert cast.ent.name in page
    assert cast.other_ent.name not in page
    # Another district's enterprise is not offered: back to the choice.
    page = client.get(reverse("hazards:new"), {"enterprise": cast.other_ent.pk})
    assert 'data-testid="enterprise-choices"' in page.content.decode()
    response = client.post(
        reverse("hazards:new") + f"?enterprise={cast.ent.pk}",
        {**form_data(source="enforcement"), "enterprise": cast.ent.pk},
    )
    assert response.status_code == 302
    assert Hazard.objects.get().created_by == cast.district


@pytest.mark.parametrize("who", ["regulator", "city", "street"])
def test_overseers_that_do_not_record_get_403_on_the_form(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(reverse("hazards:new")).status_code == 403

"""Targets: progress equals hand-counted figures, each reader sees only its scope,
the city office alone writes, bad input changes nothing, constant queries."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from portal.models import AuditEvent
from reporting.models import Target
from tests.reporting.targets.world import build

CHAOYANG_NOT_REACHED = {"乙", "丙", "丁", "戊"}


@pytest.fixture
def world(cast):
    return build(cast)


def names(rows):
    return {row["name"][0] for row in rows}


def detail(client, world):
    response = client.get(f"/api/v1/targets/{world.target.pk}/")
    assert response.status_code == 200
    return response.json()["progress"]


def test_the_seed_documents_targets_are_shipped(db):
    above, below = Target.objects.filter(document_number="京政办发〔2013〕10号")
    assert str(above.deadline) == "2013-12-31" and above.scales == ["above"]
    assert {i.code for i in above.industries.all()} == {
        "non_coal_mining",
        "metallurgy",
        "machinery",
    }
    assert str(below.deadline) == "2015-12-31" and set(below.scales) == {"below", "small_micro"}
    assert {i.code for i in below.industries.all()} == {"metallurgy", "machinery"}
    assert above.rate == below.rate == Decimal("100")


def test_city_progress_with_per_district_table(cast, world, client_for):
    data = detail(client_for(cast.city), world)
    # 甲 (三级) and 壬 (一级, suspended: still live) reached; 乙 holds only the post
    # standard, 丙's is revoked, 丁's expired; 己 (below), 庚 (commerce), 辛 (closed) are out.
    assert (data["population"], data["reached"], data["gap"]) == (7, 2, 4)
    assert data["rate"] == "28.57" and data["target_rate"] == "80.00"
    assert data["next_stage"] == {"due_on": "2027-06-30", "rate": "60.00"}
    rows = {row["district"]: row for row in data["per_district"]}
    assert (rows["110105"]["population"], rows["110105"]["reached"], rows["110105"]["gap"]) == (
        5,
        1,
        3,
    )
    # 海淀's own allocation: 50 %, so 1 of 2 is enough.
    assert rows["110108"]["target_rate"] == "50.00" and rows["110108"]["gap"] == 0


def test_district_street_and_regulator_see_their_own_figures(cast, world, client_for):
    district = detail(client_for(cast.district), world)
    assert (district["population"], district["reached"], district["gap"]) == (5, 1, 3)
    assert district["per_district"] is None
    other = detail(client_for(cast.other_district), world)
    assert (other["population"], other["reached"], other["gap"], other["target_rate"]) == (
        2,
        1,
        0,
        "50.00",
    )
    street = detail(client_for(cast.street), world)
    assert (street["population"], street["reached"], street["gap"]) == (2, 1, 1)
    regulator = detail(client_for(cast.regulator), world)  # machinery: not 乙 (metallurgy)
    assert (regulator["population"], regulator["reached"]) == (6, 2)


def test_the_work_list_page_api_and_export_are_scoped(cast, world, client_for):
    client = client_for(cast.district)
    api = client.get(f"/api/v1/targets/{world.target.pk}/not-reached/").json()
    assert names(api["results"]) == CHAOYANG_NOT_REACHED
    found = client.get(f"/api/v1/targets/{world.target.pk}/not-reached/?search=戊").json()
    assert names(found["results"]) == {"戊"}
    page = client.get(f"/targets/{world.target.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "戊机械有限公司" in html and "癸机械有限公司" not in html
    assert f"/enterprises/{world.by_name['戊'].pk}/" in html
    assert 'data-testid="per-district"' not in html
    for url in (
        f"/targets/{world.target.pk}/export/",
        f"/api/v1/targets/{world.target.pk}/not-reached/export/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        listed = {row[0][0] for row in sheet.iter_rows(min_row=3, values_only=True)}
        assert listed == CHAOYANG_NOT_REACHED

    assert names(
        client_for(cast.other_district)
        .get(f"/api/v1/targets/{world.target.pk}/not-reached/")
        .json()["results"]
    ) == {"癸"}


@pytest.mark.parametrize("who", ["enterprise", "reviewer", "group", "association"])
def test_enterprises_and_review_units_get_403(cast, world, client_for, who):
    client = client_for(getattr(cast, who))
    pk = world.target.pk
    for url in (
        "/targets/",
        f"/targets/{pk}/",
        f"/targets/{pk}/export/",
        "/api/v1/targets/",
        f"/api/v1/targets/{pk}/",
        f"/api/v1/targets/{pk}/not-reached/",
    ):
        assert client.get(url).status_code == 403, url


def test_only_the_city_office_writes(cast, world, client_for):
    pk = world.target.pk
    before = AuditEvent.objects.count()
    client = client_for(cast.district)
    assert client.get("/targets/new/").status_code == 403
    assert client.post(f"/api/v1/targets/{pk}/retire/").status_code == 403
    assert client.post(f"/targets/{pk}/retire/").status_code == 403
    assert AuditEvent.objects.count() == before
    assert Target.objects.get(pk=pk).retired_at is None
    city = client_for(cast.city)
    assert city.post(f"/api/v1/targets/{pk}/retire/").status_code == 200
    assert AuditEvent.objects.filter(action="target.retire").count() == 1
    assert pk not in [t["id"] for t in city.get("/api/v1/targets/").json()["results"]]
    assert pk in [t["id"] for t in city.get("/api/v1/targets/?retired=1").json()["results"]]
    assert city.post(f"/api/v1/targets/{pk}/retire/").status_code == 400


BODY = {
    "title": "新目标",
    "industries": ["machinery"],
    "scales": ["above"],
    "required_grade": "level_3",
    "deadline": "2028-12-31",
    "rate": "90",
    "allocations": {"110105": "95"},
    "stages": [{"due_on": "2027-12-31", "rate": "50"}],
}


def test_city_creates_and_edits_through_the_api(cast, client_for, db):
    city = client_for(cast.city)
    response = city.post("/api/v1/targets/", BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["allocations"] == {"110105": "95.00"} and data["industries"] == ["machinery"]
    response = city.put(
        f"/api/v1/targets/{data['id']}/", {**BODY, "rate": "100"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["rate"] == "100.00"
    assert AuditEvent.objects.filter(action__startswith="target.").count() == 2


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"industries": ["no_such"]}, "industries", "Unknown industry code: no_such."),
        ({"rate": "101"}, "rate", ""),
        ({"rate": "-1"}, "rate", ""),
        ({"deadline": None}, "deadline", ""),
        ({"regions": ["999999"]}, "regions", "Unknown district code: 999999."),
        ({"scales": ["huge"]}, "scales", "Unknown scale: huge."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(cast, client_for, db, change, field, message):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    targets, events = Target.objects.count(), AuditEvent.objects.count()
    body = {**BODY, **change}
    if change.get("deadline", "") is None:
        del body["deadline"]
    response = client.post("/api/v1/targets/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert (Target.objects.count(), AuditEvent.objects.count()) == (targets, events)


def test_the_page_form_refuses_an_unknown_district_allocation(cast, client_for, db):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    targets = Target.objects.count()
    form = {
        "title": "页面目标",
        "industries": ["machinery"],
        "required_grade": "level_3",
        "deadline": "2028-12-31",
        "rate": "90",
        "allocations": "999999 50",
        "stages": "",
    }
    response = client.post("/targets/new/", form)
    assert (
        response.status_code == 200
        and "Unknown district code: 999999." in response.content.decode()
    )
    assert Target.objects.count() == targets
    response = client.post(
        "/targets/new/", {**form, "allocations": "110105 50", "stages": "2027-01-31 40"}
    )
    assert response.status_code == 302
    target = Target.objects.get(title="页面目标")
    assert target.allocations.get().rate == Decimal("50") and target.stages.count() == 1


def test_query_counts_are_constant(cast, world, client_for, django_assert_max_num_queries):
    pk = world.target.pk
    city = client_for(cast.city)
    with django_assert_max_num_queries(14):
        assert city.get(f"/targets/{pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert city.get(f"/api/v1/targets/{pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert city.get("/api/v1/targets/").status_code == 200
    with django_assert_max_num_queries(10):
        assert city.get("/targets/").status_code == 200
    district = client_for(cast.district)  # the same client, now logged in as the district
    with django_assert_max_num_queries(14):
        assert district.get(f"/targets/{pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert district.get(f"/api/v1/targets/{pk}/not-reached/").status_code == 200


@pytest.mark.parametrize(
    "role, shown",
    [
        ("city", True),
        ("district", True),
        ("street", True),
        ("regulator", True),
        ("enterprise", False),
        ("reviewer", False),
    ],
)
def test_the_menu_links_the_targets_for_government_offices(cast, role, shown):
    from portal.navigation import navigation_for

    urls = {item["url"] for item in navigation_for(getattr(cast, role))}
    assert ("/targets/" in urls) is shown


def test_query_counts_do_not_grow_with_the_population(cast, world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enterprises.models import Enterprise
    from tests.cast import make_enterprise

    pk = world.target.pk
    client = client_for(cast.city)
    urls = (f"/targets/{pk}/", f"/api/v1/targets/{pk}/", f"/api/v1/targets/{pk}/not-reached/")

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for serial in range(300, 330):
        make_enterprise(f"新{serial}", cast.haidian, serial, scale=Enterprise.Scale.ABOVE)
    assert counts() == before


def test_loading_the_seed_targets_again_adds_nothing(db):
    import importlib

    from django.apps import apps

    seed = importlib.import_module("reporting.migrations.0002_seed_targets")
    count = Target.objects.count()
    seed.load(apps, None)
    assert Target.objects.count() == count == 2

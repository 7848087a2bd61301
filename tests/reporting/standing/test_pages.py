"""The officials' warning list and tier pages, their exports and API: the city office,
districts, street offices and regulators in their own scope; everyone else 403.
Constant queries per page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

READERS = ("city", "district", "district_staff", "other_district", "street", "regulator")
REFUSED = ("association", "reviewer", "group", "enterprise", "other_enterprise")
URLS = (
    "/standing/warnings/",
    "/standing/warnings/export/",
    "/standing/tiers/",
    "/standing/tiers/export/",
    "/api/v1/standing/warnings/",
    "/api/v1/standing/tiers/",
)


@pytest.mark.parametrize("role", READERS)
def test_the_offices_reach_every_page(cast, client_for, nightly, role):
    client = client_for(getattr(cast, role))
    for url in URLS:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(cast, client_for, nightly, role):
    client = client_for(getattr(cast, role))
    for url in URLS:
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_log_in_first(client, nightly):
    assert client.get("/standing/warnings/").status_code == 302
    assert client.get("/api/v1/standing/tiers/").status_code in (401, 403)


def names(client, url):
    data = client.get(url).json()
    return {row["enterprise"] for row in data["results"]}


def test_a_district_sees_only_its_own_enterprises(cast, client_for, nightly):
    client = client_for(cast.district)
    warned = names(client, "/api/v1/standing/warnings/")
    assert warned == {"撤销一", "重大逾期", "整改后未达标", "自报屡次未报", "死亡事故"}
    tiered = names(client, "/api/v1/standing/tiers/")
    assert cast.other_ent.name not in tiered and "一级企业" in tiered
    page = client.get("/standing/warnings/").content.decode()
    assert cast.other_ent.name not in page and "撤销一" in page
    other = client_for(cast.other_district)
    assert names(other, "/api/v1/standing/warnings/") == {cast.other_ent.name}
    assert names(other, "/api/v1/standing/tiers/") == {cast.other_ent.name}
    # A district cannot widen its scope with the district filter.
    assert client.get("/standing/tiers/?district=110108").status_code == 400


def test_the_street_office_sees_its_street(cast, client_for, nightly):
    client = client_for(cast.street)
    tiered = names(client, "/api/v1/standing/tiers/")
    assert cast.ent.name in tiered and cast.other_ent.name not in tiered
    assert names(client_for(cast.other_street), "/api/v1/standing/tiers/") == set()


def test_tiers_show_the_reasons_and_filter(cast, client_for, english, nightly):
    client = client_for(cast.district)
    page = client.get("/standing/tiers/?tier=key").content.decode()
    assert "Major hazards open: 1" in page and "No standardization certificate in force" in page
    assert "一级企业" not in page
    data = client.get("/api/v1/standing/tiers/?q=重大在期").json()["results"]
    assert [(r["tier"], r["points"], r["inspections_per_year"]) for r in data] == [("key", 3, 4)]
    assert [r["code"] for r in data[0]["reasons"]] == ["major_open", "no_certificate"]
    assert client.get("/standing/tiers/?tier=urgent").status_code == 400


def test_the_city_filters_warnings_by_district_rule_and_state(cast, client_for, nightly):
    client = client_for(cast.city)
    assert names(client, "/api/v1/standing/warnings/?district=110108") == {cast.other_ent.name}
    fatal = names(client, "/api/v1/standing/warnings/?rule=fatal_accident")
    assert fatal == {"死亡事故", cast.other_ent.name}
    assert names(client, "/api/v1/standing/warnings/?state=closed") == set()
    assert client.get("/api/v1/standing/warnings/?rule=nonsense").status_code == 400
    assert client.get("/api/v1/standing/warnings/?district=999999").status_code == 400


def sheet_rows(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_exports_are_scoped(cast, client_for, nightly):
    rows = sheet_rows(client_for(cast.district).get("/standing/tiers/export/"))
    names_in = {row[0] for row in rows[1:]}
    assert "一级企业" in names_in and cast.other_ent.name not in names_in
    rows = sheet_rows(client_for(cast.other_district).get("/standing/warnings/export/"))
    assert [row[0] for row in rows[1:]] == [cast.other_ent.name]


def test_pages_read_a_constant_number_of_queries(
    cast, client_for, nightly, django_assert_max_num_queries
):
    client = client_for(cast.city)
    with django_assert_max_num_queries(12):
        assert client.get("/standing/warnings/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/standing/tiers/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/standing/tiers/").status_code == 200


def test_the_navigation_links_the_pages_for_who_may_see_them(cast):
    from portal.navigation import navigation_for

    def urls(role):
        return {item["url"] for item in navigation_for(getattr(cast, role))}

    for role in ("city", "district", "street", "regulator"):
        assert {"/standing/warnings/", "/standing/tiers/"} <= urls(role)
    for role in REFUSED:
        assert "/standing/warnings/" not in urls(role)
    assert "/standing/feed-clients/" in urls("city")
    assert "/standing/feed-clients/" not in urls("district")

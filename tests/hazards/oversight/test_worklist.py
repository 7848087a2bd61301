"""The officials' worklists (/hazards/oversight/, /api/v1/hazard-worklist/): each role's
counts over its own scope, linking to the ledger list filtered the same way; the open
major hazards with their report and plan; listings with progress overdue or a close
review due; the counts per district for the city office; constant queries; outsiders
refused."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hazards import services
from hazards.models import (
    CloseApplication,
    Hazard,
    MajorHazardReport,
    SupervisionListing,
    TreatmentPlan,
)
from portal.navigation import navigation_for
from tests.hazards.factories import fields, record

pytestmark = pytest.mark.django_db

URL = "/hazards/oversight/"
API = "/api/v1/hazard-worklist/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def listing_for(cast, hazard, **overrides) -> SupervisionListing:
    values = {
        "number": f"朝督〔2025〕{hazard.pk}号",
        "level": SupervisionListing.Level.DISTRICT,
        "issuer": cast.district.organisation,
        "hazard": hazard,
        "listed_on": days(-40),
        "deadline": days(30),
        "suspension": "partial",
        "requirements": "限期治理",
        "created_by": cast.district,
    }
    values.update(overrides)
    return SupervisionListing.objects.create(**values)


@pytest.fixture
def world(cast):
    """建外街道's enterprise (朝阳区, machinery): a general hazard overdue, one not yet
    due, a major one overdue and listed 40 days ago without a progress report, a major
    one reported with a draft plan; 海淀区's enterprise (no street): a general hazard
    overdue."""
    overdue = record(cast, found_on=days(-20), deadline=days(-5))
    record(cast)
    listed = record(
        cast, grade=Hazard.Grade.MAJOR, actor=cast.district, found_on=days(-50), deadline=days(-2)
    )
    listing = listing_for(cast, listed)
    reported = record(cast, grade=Hazard.Grade.MAJOR, deadline=days(60))
    MajorHazardReport.objects.create(
        hazard=reported,
        current_state_and_causes="液氨管道腐蚀",
        harm_and_difficulty="较大",
        treatment_outline="更换管道",
        submitted_at=timezone.now(),
        created_by=cast.enterprise,
    )
    TreatmentPlan.objects.create(hazard=reported, created_by=cast.enterprise)
    other = services.hazard_record(
        actor=cast.other_enterprise,
        enterprise=cast.other_ent,
        **fields(found_on=days(-30), deadline=days(-1)),
    )
    return {
        "overdue": overdue,
        "listed": listed,
        "listing": listing,
        "reported": reported,
        "other": other,
    }


CHAOYANG = {
    "open": 4,
    "overdue": 2,
    "major_open": 2,
    "major_overdue": 1,
    "listed": 1,
    "progress_overdue": 1,
    "reviews_due": 0,
}
NOTHING = dict.fromkeys(CHAOYANG, 0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("street", CHAOYANG),
        ("other_street", NOTHING),
        ("district", CHAOYANG),
        ("regulator", CHAOYANG),  # machinery
        ("other_regulator", NOTHING),  # construction
        ("other_district", {**NOTHING, "open": 1, "overdue": 1}),
        ("city", {**CHAOYANG, "open": 5, "overdue": 3}),
    ],
)
def test_each_office_counts_its_own_scope(cast, client_for, world, role, expected):
    client = client_for(getattr(cast, role))
    assert client.get(API).json()["counts"] == expected
    page = client.get(URL)
    assert page.status_code == 200
    for key, value in expected.items():
        assert f'data-testid="value-{key}">{value}<' in page.content.decode(), key


def test_the_counts_link_to_the_ledger_list_filtered_the_same_way(cast, client_for, world):
    client = client_for(cast.district)
    links = client.get(API).json()["links"]
    assert parse_qs(urlparse(links["major_overdue"]).query) == {
        "grade": ["major"],
        "overdue": ["1"],
    }
    page = client.get(URL).content.decode()
    assert f'href="{links["overdue"]}" data-testid="count-overdue"' in page.replace("&amp;", "&")
    shown = client.get(links["overdue"]).context["page"].object_list
    assert {h.pk for h in shown} == {world["overdue"].pk, world["listed"].pk}
    listed = client.get(links["listed"]).context["page"].object_list
    assert [h.pk for h in listed] == [world["listed"].pk]
    major = client.get(links["major_open"]).context["page"].object_list
    assert {h.pk for h in major} == {world["listed"].pk, world["reported"].pk}
    api = client.get("/api/v1/hazards/", {"listed": "true"}).json()
    assert [h["id"] for h in api["results"]] == [world["listed"].pk]


def test_the_major_hazards_show_report_plan_listing_and_overdue(cast, client_for, world):
    data = client_for(cast.street).get(API).json()
    rows = {row["number"]: row for row in data["major"]}
    listed = rows[world["listed"].number]
    assert (listed["overdue"], listed["listed"], listed["report"], listed["plan"]) == (
        True,
        True,
        "none",
        "none",
    )
    assert listed["listing_number"] == world["listing"].number
    reported = rows[world["reported"].number]
    assert (reported["overdue"], reported["listed"], reported["report"], reported["plan"]) == (
        False,
        False,
        "submitted",
        "draft",
    )
    assert [row["number"] for row in data["overdue"]] == [
        world["overdue"].number,
        world["listed"].number,
    ]
    [listing] = data["listings"]
    assert listing["progress_due"] == days(-25).isoformat() and listing["progress_overdue"]


def test_a_close_application_awaiting_review_replaces_the_progress_report(cast, client_for, world):
    CloseApplication.objects.create(
        listing=world["listing"], text="已完成治理", applied_by=cast.enterprise, review_due=days(-1)
    )
    data = client_for(cast.district).get(API).json()
    assert data["counts"]["reviews_due"] == 1 and data["counts"]["progress_overdue"] == 0
    [listing] = data["listings"]
    assert listing["review_due"] == days(-1).isoformat() and listing["review_overdue"]


def test_the_city_office_sees_the_counts_per_district(cast, client_for, world):
    client = client_for(cast.city)
    rows = {row["district"]: row for row in client.get(API).json()["per_district"]}
    assert (rows["110105"]["overdue"], rows["110105"]["listed"]) == (2, 1)
    assert (rows["110108"]["overdue"], rows["110108"]["major_open"]) == (1, 0)
    shown = client.get(rows["110108"]["links"]["overdue"]).context["page"].object_list
    assert [h.pk for h in shown] == [world["other"].pk]
    page = client.get(URL).content.decode()
    assert 'data-testid="per-district"' in page and 'data-district="110108"' in page
    # A district or a street has only its own numbers.
    assert client_for(cast.district).get(API).json()["per_district"] is None
    assert 'data-testid="per-district"' not in client_for(cast.street).get(URL).content.decode()


def test_the_self_report_filing_status_is_linked(cast, client_for, world):
    url = client_for(cast.street).get(API).json()["self_reports"]
    query = parse_qs(urlparse(url).query)
    assert query["period_kind"] == ["quarter"] and set(query) == {"period_kind", "year", "period"}
    assert urlparse(url).path == reverse("hazards:selfreports:status")
    assert client_for(cast.street).get(url).status_code == 200


@pytest.mark.parametrize("role", ["enterprise", "reviewer", "group", "association"])
def test_outsiders_are_refused(cast, client_for, world, role):
    client = client_for(getattr(cast, role))
    assert client.get(URL).status_code == 403
    assert client.get(API).status_code == 403
    urls = {item["url"] for item in navigation_for(getattr(cast, role))}
    assert URL not in urls


def test_anonymous_users_log_in_first(client):
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code == 401


def test_government_roles_find_the_worklist_in_the_navigation(cast):
    for user in (cast.street, cast.district, cast.regulator, cast.city):
        assert URL in {item["url"] for item in navigation_for(user)}


def test_the_page_reads_in_english(cast, client_for, world):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL).content.decode()
    assert "Hazard worklist" in page and "Open major hazards" in page


def _more_hazards(cast, n: int) -> None:
    for i in range(n):
        hazard = record(cast, grade=Hazard.Grade.MAJOR, found_on=days(-60), deadline=days(-i - 1))
        listing_for(cast, hazard, number=f"朝督〔2024〕{i}号")
        services.hazard_record(
            actor=cast.other_enterprise,
            enterprise=cast.other_ent,
            **fields(found_on=days(-30), deadline=days(-2)),
        )


@pytest.mark.parametrize("role", ["city", "street"])
def test_queries_do_not_grow_with_the_ledger(
    cast, client_for, world, django_assert_max_num_queries, role
):
    client = client_for(getattr(cast, role))
    client.get(URL)  # warm the session and the caches
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(API).status_code == 200
    _more_hazards(cast, 5)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(API).status_code == 200

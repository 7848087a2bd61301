"""Who reaches the worklist pages and endpoints: the city office, district
governments, street offices and regulators, each for its own scope; everyone
else 403, an unknown list 404. The escalations page shows what reached the
user's office and nothing else. Constant queries on every page."""

from __future__ import annotations

import pytest

from certification.models import Status
from portal.navigation import navigation_for
from reporting.worklists import registry
from reporting.worklists.escalation import escalate
from tests.hazards.selfreports.world import hazard
from tests.reporting.worklists.world import TODAY, d

pytestmark = pytest.mark.django_db

READERS = ("city", "district", "district_staff", "other_district", "street", "regulator")
REFUSED = ("association", "reviewer", "group", "enterprise", "other_enterprise")
KINDS = [w.name for w in registry.WORKLISTS]
URLS = (
    "/worklists/",
    "/worklists/escalated/",
    "/worklists/hazards_overdue/",
    "/worklists/hazards_overdue/export/",
    "/api/v1/worklists/",
    "/api/v1/worklists/hazards_overdue/",
    "/api/v1/worklists/escalated/",
)


@pytest.mark.parametrize("role", READERS)
def test_the_offices_reach_every_page(cast, client_for, today, role):
    client = client_for(getattr(cast, role))
    for url in URLS:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(cast, client_for, today, role):
    client = client_for(getattr(cast, role))
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert registry.counts(getattr(cast, role)) == []


@pytest.mark.parametrize("role", ("pending", "rejected"))
def test_accounts_not_yet_active_are_refused(cast, client_for, today, role):
    client = client_for(getattr(cast, role))
    for url in URLS:
        assert client.get(url).status_code in (302, 403), url


def test_anonymous_visitors_log_in_first(client, today):
    for url in URLS:
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if not url.startswith("/api/"):
            assert "/login" in response["Location"] or "login" in response["Location"]


def test_an_unknown_list_is_404(cast, client_for, today):
    client = client_for(cast.district)
    for url in ("/worklists/nothing/", "/worklists/nothing/export/", "/api/v1/worklists/nothing/"):
        assert client.get(url).status_code == 404, url


def test_the_index_links_every_list_with_its_count(cast, client_for, cases, english):
    body = client_for(cast.district).get("/worklists/").content.decode()
    for kind in KINDS:
        expected = 2 if kind == "self_reports" else 1
        assert f'data-testid="count-{kind}">{expected}<' in body
        assert f'href="/worklists/{kind}/"' in body


def test_the_escalations_page_shows_what_reached_the_office(
    cast, client_for, cases, english, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        escalate(TODAY)
    body = client_for(cast.district).get("/worklists/escalated/").content.decode()
    assert body.count('data-testid="escalation"') == 7
    assert cast.street.organisation.name in body  # from whom
    assert cases.expected["hazards_overdue"].name in body
    assert d(-40).isoformat() in body  # since when
    assert cases.haidian["hazards_overdue"].name not in body
    # 海淀区 received nothing (its items went to the city office)
    other = client_for(cast.other_district).get("/worklists/escalated/").content.decode()
    assert 'data-testid="escalation"' not in other
    api = client_for(cast.city).get("/api/v1/worklists/escalated/").json()
    assert api["count"] == 7
    assert {row["from_organisation"] for row in api["results"]} == {
        cast.other_district.organisation.name
    }


def test_the_worklists_are_in_the_navigation_of_districts_streets_and_the_city(cast):
    for role in ("city", "district", "street"):
        assert "/worklists/" in {i["url"] for i in navigation_for(getattr(cast, role))}
    for role in ("enterprise", "association", "reviewer"):
        assert "/worklists/" not in {i["url"] for i in navigation_for(getattr(cast, role))}


def test_the_counts_take_constant_queries(
    cast, client_for, cases, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(cast.city)
    client.get("/worklists/")  # session and user cached alike on both runs
    with django_assert_max_num_queries(12):
        assert client.get("/worklists/").status_code == 200
    with django_assert_num_queries(len(KINDS)):
        registry.counts(cast.city, TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_page_takes_constant_queries(
    cast, client_for, cases, django_assert_max_num_queries, kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        escalate(TODAY)
    add = {
        "renewal_due": lambda e: cases.certificate(e, d(30)),
        "expired_unrenewed": lambda e: cases.certificate(e, d(-40), status="expired"),
        "annual_overdue": lambda e: cases.annual(
            cases.certificate(e, d(700)), due=d(-45), overdue=True
        ),
        "applications_overdue": lambda e: cases.application(e, Status.SUBMITTED, due_on=d(-35)),
        "self_reports": lambda e: None,  # a new enterprise has not filed
        "hazards_overdue": lambda e: hazard(
            e, found=d(-60), deadline=d(-40), actor=cast.enterprise
        ),
        "listings_due": lambda e: cases.listing(e, deadline=d(-35)),
    }
    for n in range(4):  # in the other street and without a street
        street = cast.other_chaoyang_street if n % 2 else None
        add[kind](cases.enterprise(f"更多{n}", street=street))
    client = client_for(cast.city)
    assert client.get(f"/api/v1/worklists/{kind}/").json()["count"] >= 6
    for url in (f"/worklists/{kind}/", f"/api/v1/worklists/{kind}/"):
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200, url


def test_the_escalations_page_takes_constant_queries(
    cast, client_for, cases, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        escalate(TODAY)
    client = client_for(cast.city)
    # the session, the user, the count, the page, one query per kind of item on it
    # for the enterprises' names, the unread notifications
    for url in ("/worklists/escalated/", "/api/v1/worklists/escalated/"):
        with django_assert_max_num_queries(6 + len(KINDS)):
            assert client.get(url).status_code == 200, url


def test_the_api_counts_are_the_users_own(cast, client_for, cases):
    for role, expected in (
        ("district", {kind: 2 if kind == "self_reports" else 1 for kind in KINDS}),
        ("other_district", dict.fromkeys(KINDS, 1)),
        ("other_street", dict.fromkeys(KINDS, 0)),
    ):
        data = client_for(getattr(cast, role)).get("/api/v1/worklists/").json()
        assert {row["kind"]: row["count"] for row in data["worklists"]} == expected, role
        assert data["escalations_received"] == 0


def test_the_dashboards_counts_are_kept_per_organisation(
    cast, cases, settings, django_assert_num_queries
):
    from django.core.cache import cache
    from django.utils import translation

    settings.WORKLIST_COUNTS_CACHE_SECONDS = 300
    cache.clear()
    fresh = registry.counts(cast.district, TODAY)
    with django_assert_num_queries(len(KINDS)):
        assert registry.dashboard_counts(cast.district, TODAY) == fresh
    # Kept: no query the second time, the same numbers, labels in the reader's language.
    with django_assert_num_queries(0), translation.override("en"):
        kept = registry.dashboard_counts(cast.district, TODAY)
        assert [row["label"] for row in kept] == [str(w.label) for w in registry.WORKLISTS]
    assert [(r["count"], r["escalated"]) for r in kept] == [
        (r["count"], r["escalated"]) for r in fresh
    ]
    # Another district never reads the first one's numbers.
    other = registry.dashboard_counts(cast.other_district, TODAY)
    assert other == registry.counts(cast.other_district, TODAY)
    assert [r["count"] for r in other] != [r["count"] for r in fresh]
    cache.clear()


def test_the_index_shows_the_dashboards_kept_counts(cast, cases, client_for, settings):
    """/worklists/ reads the numbers the dashboard keeps: counted once per
    organisation and day, then without a query per worklist."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.WORKLIST_COUNTS_CACHE_SECONDS = 300
    cache.clear()
    client = client_for(cast.district)
    with CaptureQueriesContext(connection) as first:
        counted = client.get("/worklists/").context["counts"]
    with CaptureQueriesContext(connection) as second:
        kept = client.get("/worklists/").context["counts"]
    assert [r["count"] for r in kept] == [r["count"] for r in counted]
    assert any(r["count"] for r in kept)
    assert len(second) == len(first) - len(KINDS)
    cache.clear()


def test_past_their_time_the_kept_counts_are_shown_while_a_worker_counts_again(
    cast, cases, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    import time

    from django.core.cache import cache

    settings.WORKLIST_COUNTS_CACHE_SECONDS = 300
    cache.clear()
    fresh = [row["count"] for row in registry.counts(cast.district, TODAY)]
    # Counts kept 301 s ago, since when one more item came in on each list.
    key = f"worklist-counts:{cast.district.organisation_id}:{TODAY.isoformat()}"
    old = {kind: [count - 1, 0] for kind, count in zip(KINDS, fresh, strict=True)}
    cache.set(key, (time.time() - 301, old), 3000)
    with django_capture_on_commit_callbacks() as queued:
        with django_assert_num_queries(0):  # at once, without counting
            shown = registry.dashboard_counts(cast.district, TODAY)
        registry.dashboard_counts(cast.district_staff, TODAY)  # one recount at a time
    assert [row["count"] for row in shown] == [count - 1 for count in fresh]
    assert len(queued) == 1
    queued[0]()  # the worker (eager Celery here) counts again
    with django_assert_num_queries(0):
        assert [row["count"] for row in registry.dashboard_counts(cast.district, TODAY)] == fresh
    cache.clear()

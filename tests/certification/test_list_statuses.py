"""The application list's status tabs offer the states that matter to the
reader's role: an enterprise the states its own applications are in, a review unit
the states while an application is with it, a receiver or a grading authority the
states where it acts and the final ones; a street office what it sees. Each tab
counts the role's applications in its state, exact up to the list's count cap."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Application, Status
from certification.selectors import applications_visible_to, capped_counts
from tests.certification.factories import make_tiered_version, submitted_application

pytestmark = pytest.mark.django_db

RECEIVING = [Status.SUBMITTED, Status.ACCEPTED, Status.NATIONAL, Status.REPORTED]
GRADING = [Status.VERIFIED, Status.APPROVED, Status.PUBLICITY]
FINAL = [Status.REJECTED, Status.WITHDRAWN, Status.NATIONAL_DECIDED, Status.ANNOUNCED]


@pytest.fixture
def applications(cast):
    """cast.ent's application submitted, and a copy in rectification."""
    submitted = submitted_application(cast, make_tiered_version())
    copy = Application.objects.get(pk=submitted.pk)
    copy.pk = None
    copy.status = Status.RECTIFICATION
    copy.save()
    return submitted, copy


def tabs(client, **params) -> dict[str, int]:
    """The tabs shown, "" for "All", with their counts, in their order."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:list"), params).content.decode()
    nav = re.search(r'<nav[^>]*data-testid="status-tabs".*?</nav>', page, re.S)
    assert nav
    return {
        value: int(count)
        for value, count in re.findall(
            r'data-status="([^"]*)".*?data-testid="status-count">(\d+)<', nav.group(0), re.S
        )
    }


def offered(client) -> list[str]:
    return [value for value in tabs(client) if value]


def in_order(states) -> list[str]:
    wanted = {str(s) for s in states}
    return [value for value in Status.values if value in wanted]


def test_an_enterprise_is_offered_the_states_of_its_own_applications(
    cast, applications, client_for
):
    assert offered(client_for(cast.enterprise)) == in_order(
        [Status.SUBMITTED, Status.RECTIFICATION]
    )
    # Another enterprise has no application: nothing to filter by.
    assert offered(client_for(cast.other_enterprise)) == []


def test_a_review_unit_is_offered_the_states_while_the_application_is_with_it(
    cast, applications, client_for
):
    states = offered(client_for(cast.reviewer))
    assert states[0] == Status.ASSIGNED and Status.ON_SITE_REVIEW in states
    assert Status.DRAFT not in states and Status.SUBMITTED not in states
    assert Status.ANNOUNCED not in states


@pytest.mark.parametrize(
    ("role", "states"),
    [
        ("district", [*RECEIVING, *GRADING, *FINAL]),  # receives and grades level 3
        ("association", [*RECEIVING, *FINAL]),  # receives level 2
        ("regulator", [*GRADING, *FINAL]),  # grades level 2
        ("city", [*RECEIVING, *FINAL]),  # receives level 1
    ],
)
def test_receivers_and_grading_authorities_see_where_they_act_and_the_final_states(
    cast, applications, client_for, role, states
):
    shown = offered(client_for(getattr(cast, role)))
    assert shown == in_order(states)
    assert Status.DRAFT not in shown and Status.ON_SITE_REVIEW not in shown


def test_a_street_office_is_offered_the_states_of_what_it_sees(cast, applications, client_for):
    assert offered(client_for(cast.street)) == in_order([Status.SUBMITTED, Status.RECTIFICATION])


def test_the_tabs_count_the_roles_applications_and_still_filter(
    cast, applications, client_for, django_assert_max_num_queries
):
    client = client_for(cast.enterprise)
    url = reverse("certification:list")
    assert tabs(client) == {"": 2, Status.SUBMITTED: 1, Status.RECTIFICATION: 1}
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": Status.RECTIFICATION})
    assert [a.pk for a in response.context["page"].object_list] == [applications[1].pk]
    current = [tab for tab in response.context["status_tabs"] if tab.current]
    assert [(tab.value, tab.count) for tab in current] == [(Status.RECTIFICATION, 1)]
    # A link to a state the role is not offered still shows what it filters by.
    response = client.get(url, {"status": Status.PUBLICITY})
    assert response.context["page"].paginator.count == 0
    assert tabs(client, status=Status.PUBLICITY)[Status.PUBLICITY] == 0


def test_a_tab_keeps_the_other_filters_and_leaves_the_page(cast, applications, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:list"), {"tier": "3", "page": "2"}).content.decode()
    links = dict(re.findall(r'href="([^"]*)" data-testid="status-tab" data-status="([^"]*)"', page))
    by_status = {status: href.replace("&amp;", "&") for href, status in links.items()}
    assert by_status[Status.SUBMITTED] == "?tier=3&status=submitted"
    assert "page=" not in by_status[""]


def test_the_tabs_are_for_users_of_the_list_only(cast, client_for):
    assert client_for(cast.pending).get(reverse("certification:list")).status_code == 403


@pytest.mark.parametrize("role", ["city", "district"])
def test_counts_beyond_the_list_cap_read_as_more_than_it(
    cast, applications, client_for, settings, role
):
    """A state with more applications than LIST_COUNT_CAP shows "cap+" (as the
    list's own count says "more than"), and so does "All"; a state under it is exact."""
    settings.LIST_COUNT_CAP = 2
    submitted, _in_rectification = applications
    for _ in range(2):
        copy = Application.objects.get(pk=submitted.pk)
        copy.pk = None
        copy.save()
    client = client_for(getattr(cast, role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def shown() -> dict[str, str]:
        page = client.get(reverse("certification:list")).content.decode()
        pattern = r'data-status="([^"]*)".*?data-testid="status-count">([^<]+)<'
        return dict(re.findall(pattern, page, re.S))

    assert shown()[""] == "2+"
    assert shown()[Status.SUBMITTED.value] == "2+"  # three
    settings.LIST_COUNT_CAP = 5
    assert shown()[Status.SUBMITTED.value] == "3"


def test_an_organising_units_counts_have_an_index_for_its_qualifications(cast, applications):
    """Each state's capped count for an organising unit is an OR over its receiver and its
    qualifications' (industry, tier) pairs. app_qualification_idx serves the pairs (and
    app_queue_idx the receiver): without it a state with few rows was counted by reading
    the whole table, 34 ms of the association's 78 ms list page at Beijing size
    (bench/README.md). The counts stay those of the rows the unit sees."""
    table = Application._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert constraints["app_qualification_idx"]["columns"] == ["industry_id", "tier", "status"]

    submitted, _copy = applications
    Application.objects.filter(pk=submitted.pk).update(tier="2")  # machinery level 2: organised
    visible = applications_visible_to(cast.association, Application.objects.all())
    counts = capped_counts(visible)
    assert counts[Status.SUBMITTED] == 1
    assert counts == {
        status: visible.filter(status=status).count()
        for status in Status.values
        if visible.filter(status=status).exists()
    }


@pytest.mark.parametrize(
    "role", ["city", "district", "street", "regulator", "association", "reviewer", "enterprise"]
)
def test_each_states_count_is_that_states_rows_whoever_reads(cast, applications, role):
    """The statement compiled once with the state as a parameter counts what the
    reader sees in each state, capped, as counting each state on its own does; a
    scope that itself names a state (compiled for each state) as well."""
    submitted, _copy = applications
    for status in (Status.ACCEPTED, Status.ANNOUNCED, Status.ANNOUNCED):
        copy = Application.objects.get(pk=submitted.pk)
        copy.pk, copy.status = None, status
        copy.save()
    visible = applications_visible_to(getattr(cast, role), Application.objects.all())
    for scope in (visible, visible.exclude(status=Status.ACCEPTED)):
        for cap in (1, 1000):
            expected = {
                status: min(scope.filter(status=status).count(), cap + 1)
                for status in Status.values
            }
            assert capped_counts(scope, cap) == {s: n for s, n in expected.items() if n}
    if role == "city":
        assert capped_counts(visible)[Status.ANNOUNCED] == 2
        assert capped_counts(visible, 1)[Status.ANNOUNCED] == 2  # "more than 1"
        assert Status.ACCEPTED not in capped_counts(visible.exclude(status=Status.ACCEPTED))


@pytest.mark.parametrize("status", ["", Status.SUBMITTED])
def test_the_list_pages_by_its_tabs_count(cast, applications, client_for, settings, status):
    """Filtered by a status or not at all, the list's count is its tab's, past the cap
    too, and its page reads only its own ids; a search still counts its matches."""
    settings.LIST_COUNT_CAP = 60
    for _ in range(110):
        copy = Application.objects.get(pk=applications[0].pk)
        copy.pk = None
        copy.save()
    rows = Application.objects.filter(status=status) if status else Application.objects.all()
    total = rows.count()
    client = client_for(cast.district)
    url = reverse("certification:list")
    response = client.get(url, {"status": status, "page": "2"})
    tab = next(tab for tab in response.context["status_tabs"] if tab.value == status)
    page = response.context["page"]
    assert tab.count == 61 and (page.paginator.count, page.paginator.count_is_capped) == (60, True)
    assert page.number == 2 and len(page.object_list) == 50 and page.has_next()
    seen = {a.pk for a in page.object_list}
    last = client.get(url, {"status": status, "page": "3"}).context["page"]
    assert len(last.object_list) == total - 100 and not last.has_next()
    assert not seen & {a.pk for a in last.object_list}
    # The page's ids, 50 and one more: nothing counts up to the cap. A search counts.
    assert id_limits(client, {"status": status}) == ["LIMIT 51"]
    assert id_limits(client, {"status": status, "q": cast.ent.name[:4]}) == ["LIMIT 61"]


def id_limits(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("certification:list"), params).status_code == 200
    return [
        re.search(r"LIMIT \d+", q["sql"]).group(0)
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "certification_application"."id" AS "pk"')
        and "LIMIT" in q["sql"]
        and 'due_on" < ' not in q["sql"]
    ]

"""The application list's status filter offers the states that matter to the
reader's role: an enterprise the states its own applications are in, a review unit
the states while an application is with it, a receiver or a grading authority the
states where it acts and the final ones; a street office what it sees."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from certification.models import Application, Status
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


def offered(client) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:list")).content.decode()
    select = re.search(r'<select[^>]*name="status".*?</select>', page, re.S)
    assert select
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]


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


def test_the_filter_still_filters_and_keeps_a_state_it_does_not_offer(
    cast, applications, client_for, django_assert_max_num_queries
):
    client = client_for(cast.enterprise)
    url = reverse("certification:list")
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": Status.RECTIFICATION})
    assert [a.pk for a in response.context["page"].object_list] == [applications[1].pk]
    # A link to a state the role is not offered still shows what it filters by.
    response = client.get(url, {"status": Status.PUBLICITY})
    assert response.context["page"].paginator.count == 0
    assert (Status.PUBLICITY, Status.PUBLICITY.label) in response.context["statuses"]

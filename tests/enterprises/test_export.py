"""Export of the registry to Excel: scope, filters, and a file that imports again."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from enterprises.models import Enterprise, ImportJob
from portal.models import Industry
from tests.cast import make_enterprise
from tests.enterprises.test_import import (  # noqa: F401
    HEADERS,
    KEYS,
    english,
    media_in_tmp,
    run_import,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_export(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def full_enterprise(cast):
    """A 朝阳区 enterprise with every column filled."""
    return make_enterprise(
        "北京朝阳建工有限公司",
        cast.chaoyang,
        3,
        street=cast.chaoyang_street,
        address="朝阳区建国路88号",
        industry=Industry.objects.get(code="construction"),
        scale=Enterprise.Scale.ABOVE,
        employees=420,
        annual_revenue=Decimal("98765.43"),
        legal_representative="赵六",
        safety_principal="钱七",
        contact_name="孙八",
        contact_phone="010-65001234",
        group=cast.ent.group,
        safety_licence_no="(京)JZ安许证字[2024]000123",
        safety_licence_expires=datetime.date(2027, 6, 30),
    )


def test_export_has_the_template_columns_and_only_the_districts_enterprises(
    cast, client_for, full_enterprise
):
    response = client_for(cast.district).get(reverse("enterprises:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_export(response)
    # The template's columns, then the registry's read-only grade columns.
    assert rows[0] == [*HEADERS, "达标等级（只读）", "证书有效期至（只读）"]
    rows = [row[:-2] for row in rows]
    by_code = {row[1]: row for row in rows[1:]}
    assert set(by_code) == {cast.ent.uscc, full_enterprise.uscc}  # not 海淀区's
    exported = by_code[full_enterprise.uscc]
    assert exported[-1].date() == datetime.date(2027, 6, 30)  # a real date cell
    assert exported[:-1] == [
        "北京朝阳建工有限公司",
        full_enterprise.uscc,
        "朝阳区",
        "建外街道",
        "朝阳区建国路88号",
        "建筑施工",
        "规模以上",
        420,
        98765.43,
        "赵六",
        "钱七",
        "孙八",
        "010-65001234",
        "北京京城机电控股有限责任公司",
        "(京)JZ安许证字[2024]000123",
    ]


def test_export_for_the_city_office_has_every_district(cast, client_for):
    rows = read_export(client_for(cast.city).get(reverse("enterprises:export")))
    assert {row[1] for row in rows[1:]} == {cast.ent.uscc, cast.other_ent.uscc}


def test_export_applies_the_list_pages_filters(cast, client_for, full_enterprise):
    client = client_for(cast.city)
    by_industry = read_export(
        client.get(reverse("enterprises:export"), {"industry": "construction"})
    )
    by_name = read_export(client.get(reverse("enterprises:export"), {"q": "海淀商贸"}))
    assert [row[1] for row in by_industry[1:]] == [full_enterprise.uscc]
    assert [row[1] for row in by_name[1:]] == [cast.other_ent.uscc]


@pytest.mark.parametrize("who", ["regulator", "association", "reviewer", "group", "enterprise"])
def test_export_is_refused_to_other_roles(cast, client_for, who):
    response = client_for(getattr(cast, who)).get(reverse("enterprises:export"))
    assert response.status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_export_imports_again_unchanged_and_an_edit_updates_one_enterprise(
    cast,
    client_for,
    full_enterprise,
    run_import,  # noqa: F811
    client,
    language,
):
    client.cookies["django_language"] = language
    content = b"".join(
        client_for(cast.district).get(reverse("enterprises:export")).streaming_content
    )

    run_import(cast.district, content, mode="update")

    job = ImportJob.objects.get()
    assert job.errors == []
    assert (
        job.status,
        job.total_rows,
        job.created_count,
        job.updated_count,
        job.unchanged_count,
    ) == ("validated", 2, 0, 0, 2)

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == full_enterprise.uscc:
            row[KEYS.index("employees")].value = 421
    buffer = io.BytesIO()
    workbook.save(buffer)
    ImportJob.objects.all().delete()

    run_import(cast.district, buffer.getvalue(), mode="update")

    job = ImportJob.objects.get()
    assert (job.status, job.updated_count, job.unchanged_count) == ("validated", 1, 1)

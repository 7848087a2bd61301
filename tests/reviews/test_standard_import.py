"""Standard files: the checks (every problem with its line or cell), the
import (idempotent, drafts replaced, published versions immutable), the Excel
template and export (round trip) and the load_standards command."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation

from portal.errors import ServiceError
from portal.models import AuditEvent
from reviews.models import Criterion, Element, GradeThreshold, Standard, StandardVersion
from reviews.standards.files import (
    Action,
    StandardFileError,
    build_workbook,
    canonical,
    dump_yaml,
    parse_standard_file,
    plan_import,
    version_data,
)
from tests.reviews.standard_files import (
    FIXTURES,
    fixture_text,
    line_of,
    load,
    parse,
    problems_of,
)

pytestmark = pytest.mark.django_db  # the checks look up industry codes

SHIPPED = Path(__file__).resolve().parents[2] / "reviews" / "standards" / "data"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def only(problems, field_end: str):
    matching = [p for p in problems if p.field.endswith(field_end)]
    assert matching, [str(p) for p in problems]
    return matching[0]


# --- checks ---------------------------------------------------------------------------


def test_the_fixtures_pass_every_check():
    parsed = parse(fixture_text())
    summary = parsed.summary
    assert (summary.a_elements, summary.b_elements, summary.criteria) == (2, 2, 4)
    assert summary.full_marks == Decimal("30.0")
    assert summary.veto_criteria == 1 and summary.extra_deductions == 1
    assert parse(fixture_text("small-micro.yaml")).summary.thresholds == [("pass", Decimal("60.0"))]


def test_a_missing_key_is_reported_at_its_item_with_the_key_name():
    text = fixture_text().replace("            method: 查文件：年度目标及分解表。\n", "")
    problem = only(problems_of(text), "elements[0].elements[0].criteria[1].method")
    assert problem.line == line_of(text, 'code: "1.1.2"')
    assert "“method” is missing" in problem.message
    assert problem.context == "criterion 1.1.2"
    assert f"line {problem.line}" in str(problem)


def test_a_wrong_type_is_reported_at_its_line():
    text = fixture_text().replace("points: 6\n", "points: six\n")
    problem = only(problems_of(text), "criteria[1].points")
    assert problem.line == line_of(text, "points: six")
    assert problem.message == "Must be a number, not text."


def test_a_code_written_as_a_number_is_asked_to_be_quoted():
    text = fixture_text().replace('- code: "2"', "- code: 2")
    problem = only(problems_of(text), "elements[1].code")
    assert problem.line == line_of(text, "- code: 2")
    assert "Put the value in quotes" in problem.message


def test_a_misspelt_key_is_caught_with_a_suggestion():
    text = fixture_text().replace("requirement: 制定年度", "requirment: 制定年度")
    problem = only(problems_of(text), "criteria[1].requirment")
    assert problem.line == line_of(text, "requirment:")
    assert "Did you mean “requirement”?" in problem.message


def test_a_duplicate_criterion_code_names_the_first_one():
    text = fixture_text().replace('code: "1.1.2"', 'code: "1.1.1"')
    problem = only(problems_of(text), "criteria[1].code")
    assert problem.line == line_of(text, 'code: "1.1.1"', occurrence=2)
    first = line_of(text, 'code: "1.1.1"')
    assert "used twice" in problem.message
    assert f"first at line {first}" in problem.message


def test_points_not_adding_up_to_full_marks():
    text = fixture_text().replace("full_marks: 30", "full_marks: 100")
    problem = only(problems_of(text), "full_marks")
    assert problem.line == line_of(text, "full_marks: 100")
    assert "Full marks are 100.0 but the criteria's points add up to 30.0" in problem.message


def test_more_than_one_decimal_is_refused():
    text = fixture_text().replace("points: 5.5", "points: 5.25")
    problem = only(problems_of(text), "criteria[0].points")
    assert "more than one decimal" in problem.message


def test_a_threshold_for_the_wrong_grading():
    text = fixture_text("small-micro.yaml").replace("  pass: 60", '  "3": 60')
    problems = problems_of(text)
    problem = only(problems, "thresholds.3")
    assert problem.line == line_of(text, '"3": 60')
    assert "has one threshold, “pass”" in problem.message
    assert any(p.field == "thresholds" and "pass" in p.message for p in problems)


def test_tiered_thresholds_must_decrease():
    text = fixture_text().replace('"2": 75', '"2": 95')
    problem = only(problems_of(text), "thresholds.2")
    assert problem.line == line_of(text, '"2": 95')
    assert "must need less than the one above it" in problem.message


def test_an_unknown_industry(db):
    text = fixture_text().replace("industries: [machinery]", "industries: [machinery, rockets]")
    problem = only(problems_of(text), "industries[1]")
    assert problem.line == line_of(text, "industries:")
    assert "Unknown industry “rockets”" in problem.message


def test_malformed_yaml_gives_the_line():
    text = fixture_text().replace("    name: 监测与考核", "    name: [监测与考核")
    (problem,) = problems_of(text)
    assert problem.message.startswith("This is not valid YAML")
    assert problem.line is not None
    assert abs(problem.line - line_of(text, "[监测与考核")) <= 2


def test_a_repeated_key_is_reported():
    text = fixture_text().replace("        veto: true", "        veto: true\n        veto: false")
    problem = only(problems_of(text), "criteria[0].veto")
    assert problem.line == line_of(text, "veto: false")
    assert "appears twice" in problem.message


def test_every_problem_is_reported_in_one_pass():
    text = (
        fixture_text()
        .replace("points: 6\n", "points: six\n")
        .replace('code: "1.2.1"', 'code: "1.1.1"')
        .replace("regime: gongmao_2011", "regime: gongmao")
        .replace("effective_date: 2026-01-01", "effective_date: 2026-13-01")
    )
    fields = [p.field for p in problems_of(text)]
    assert "regime" in fields and "effective_date" in fields
    assert any(f.endswith("criteria[1].points") for f in fields)
    assert any(f.endswith("elements[1].criteria[0].code") for f in fields)


def test_an_unknown_file_type_and_an_empty_file():
    with pytest.raises(StandardFileError, match="YAML"):
        parse_standard_file(filename="standard.txt", content=b"code: x")
    (problem,) = problems_of("")
    assert problem.message == "The file is empty."


def test_nothing_is_written_when_a_file_has_a_problem(db):
    text = fixture_text().replace("full_marks: 30", "full_marks: 31")
    with pytest.raises(StandardFileError):
        load(text)
    assert not Standard.objects.exists() and not Criterion.objects.exists()


# --- import ---------------------------------------------------------------------------


def test_import_writes_the_tree_in_file_order(db):
    result = load()
    version = result.version
    assert result.action == Action.NEW_STANDARD
    assert version.status == StandardVersion.Status.DRAFT and version.published_at is None
    standard = version.standard
    assert (standard.code, standard.grading, standard.scales) == (
        "test-tiered",
        "tiered",
        ["above", "below"],
    )
    assert list(standard.industries.values_list("code", flat=True)) == ["machinery"]
    assert dict(version.thresholds.values_list("grade", "min_score")) == {
        "1": Decimal("90.0"),
        "2": Decimal("75.0"),
        "3": Decimal("60.0"),
    }
    elements = list(version.elements.order_by("position").values_list("code", "parent__code"))
    assert elements == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None)]
    criteria = list(
        version.criteria.order_by("position").values_list(
            "code", "element__code", "a_element__code", "points", "is_veto", "extra_deduction"
        )
    )
    assert criteria == [
        ("1.1.1", "1.1", "1", Decimal("4.0"), False, Decimal("0.0")),
        ("1.1.2", "1.1", "1", Decimal("6.0"), False, Decimal("0.0")),
        ("1.2.1", "1.2", "1", Decimal("5.5"), False, Decimal("5.0")),
        ("2.1", "2", "2", Decimal("14.5"), True, Decimal("0.0")),
    ]
    assert version.full_marks == Decimal("30.0")
    assert len(version.source_sha256) == 64
    event = AuditEvent.objects.get(action="standard.import")
    assert event.object_id == str(version.pk) and event.after["criteria"] == 4


def test_reimporting_the_same_file_changes_nothing(db):
    first = load(publish=True)
    counts = (Criterion.objects.count(), Element.objects.count(), AuditEvent.objects.count())
    again = load(publish=True)
    assert again.action == Action.UNCHANGED and not again.changed
    assert again.version.pk == first.version.pk
    assert (
        Criterion.objects.count(),
        Element.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_publish_on_import_sets_published_at(db):
    version = load(publish=True).version
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.PUBLISHED
    assert version.published_at is not None
    assert AuditEvent.objects.filter(action="standard.publish", object_id=str(version.pk)).exists()


def test_a_published_version_never_changes(db):
    version = load(publish=True).version
    changed = (
        fixture_text().replace("points: 6\n", "points: 5\n").replace("points: 14.5", "points: 15.5")
    )
    with pytest.raises(
        ServiceError,
        match="Version 2026 of standard test-tiered is published "
        "and cannot change; give the file a new version",
    ):
        load(changed)
    assert version.criteria.get(code="1.1.2").points == Decimal("6.0")
    # A new version label is welcome, as a draft next to the published one.
    result = load(changed.replace('version: "2026"', 'version: "2027"'))
    assert result.action == Action.NEW_VERSION
    assert result.version.criteria.get(code="1.1.2").points == Decimal("5.0")
    assert version.criteria.get(code="1.1.2").points == Decimal("6.0")


def test_a_retired_version_never_changes_either(db):
    version = load(publish=True).version
    StandardVersion.objects.filter(pk=version.pk).update(status=StandardVersion.Status.RETIRED)
    with pytest.raises(ServiceError, match="is retired and cannot change"):
        load(fixture_text().replace("name: 目标\n    name_en", "name: 目标管理\n    name_en"))


def test_a_draft_is_replaced_by_a_new_file_of_the_same_version(db):
    first = load().version
    old_ids = set(Criterion.objects.values_list("pk", flat=True))
    text = (
        fixture_text()
        .replace("points: 6\n", "points: 16\n")
        .replace("full_marks: 30", "full_marks: 40")
        .replace("industries: [machinery]", "industries: [machinery, commerce]")
    )
    result = load(text)
    assert result.action == Action.REPLACE_DRAFT and result.version.pk == first.pk
    assert Criterion.objects.filter(version=first).count() == 4
    assert not old_ids & set(Criterion.objects.values_list("pk", flat=True))
    first.refresh_from_db()
    assert first.full_marks == Decimal("40.0")
    assert sorted(first.standard.industries.values_list("code", flat=True)) == [
        "commerce",
        "machinery",
    ]
    assert AuditEvent.objects.filter(action="standard.import").count() == 2


def test_the_grading_of_a_published_standard_cannot_change(db):
    load(publish=True)
    text = (
        fixture_text()
        .replace("grading: tiered", "grading: small_micro")
        .replace('  "1": 90\n  "2": 75\n  "3": 60', "  pass: 60")
        .replace('version: "2026"', 'version: "2027"')
    )
    with pytest.raises(ServiceError, match="cannot change its grading"):
        plan_import(parse(text))


# --- Excel ----------------------------------------------------------------------------


def test_excel_export_and_reimport_give_identical_content(db):
    version = load().version
    stored = canonical(version_data(version))
    exported = build_workbook(version_data(version))
    parsed = parse_standard_file(filename="export.xlsx", content=exported)
    assert canonical(parsed.data) == stored
    assert canonical(parse(fixture_text()).data) == stored
    # The same content in another file format is recognised as unchanged.
    assert plan_import(parsed).action == Action.UNCHANGED


def test_excel_round_trip_in_chinese(db):
    version = load(fixture_text("small-micro.yaml")).version
    with translation.override("zh-hans"):
        exported = build_workbook(version_data(version))
        parsed = parse_standard_file(filename="导出.xlsx", content=exported)
    assert openpyxl.load_workbook(io.BytesIO(exported)).sheetnames[:2] == ["标准", "考评内容"]
    assert canonical(parsed.data) == canonical(version_data(version))


def test_yaml_export_round_trip(db):
    version = load().version
    parsed = parse_standard_file(filename="export.yaml", content=dump_yaml(version_data(version)))
    assert canonical(parsed.data) == canonical(version_data(version))


def _edit_workbook(content: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_excel_problems_name_sheet_row_and_column(db):
    exported = build_workbook(parse(fixture_text()).data)
    # Row 3 is criterion 1.1.2; column H holds the points.
    broken = _edit_workbook(exported, "criteria", "H3", "six")
    with pytest.raises(StandardFileError) as caught:
        parse_standard_file(filename="broken.xlsx", content=broken)
    problems = {p.field: p for p in caught.value.problems}
    points = problems["elements[0].elements[0].criteria[1].points"]
    assert (points.location.sheet, points.location.row, points.location.column) == (
        "criteria",
        3,
        "H",
    )
    assert "sheet “criteria”, row 3, column H" in str(points)
    assert "Must be a number, not text." in str(points)


def test_excel_missing_required_cell_and_unknown_key(db):
    exported = build_workbook(parse(fixture_text()).data)
    broken = _edit_workbook(exported, "criteria", "F4", None)  # requirement of 1.2.1
    broken = _edit_workbook(broken, "standard", "A17", "treshold")
    with pytest.raises(StandardFileError) as caught:
        parse_standard_file(filename="broken.xlsx", content=broken)
    by_place = {
        (p.location.sheet, p.location.row, p.location.column): p.message
        for p in caught.value.problems
    }
    assert "“requirement” is missing" in by_place[("criteria", 4, "F")]
    assert "Unknown key “treshold”" in by_place[("standard", 17, "A")]


def test_excel_blank_cells_repeat_the_row_above(db):
    exported = build_workbook(parse(fixture_text()).data)
    blanked = exported
    for cell in ("A3", "B3", "C3", "D3"):  # criterion 1.1.2 keeps A 1 and B 1.1
        blanked = _edit_workbook(blanked, "criteria", cell, None)
    parsed = parse_standard_file(filename="blank.xlsx", content=blanked)
    assert canonical(parsed.data) == canonical(parse(fixture_text()).data)


def test_the_template_is_read_as_an_empty_standard(db):
    with pytest.raises(StandardFileError) as caught:
        parse_standard_file(filename="template.xlsx", content=build_workbook())
    messages = " ".join(p.message for p in caught.value.problems)
    assert "“code” is missing" in messages and "“elements” is missing" in messages


def test_a_file_named_xlsx_that_is_not_a_workbook():
    with pytest.raises(StandardFileError, match="not an Excel workbook"):
        parse_standard_file(filename="standard.xlsx", content=b"code: x\n")


# --- load_standards -------------------------------------------------------------------


def test_load_standards_loads_files_and_a_second_run_changes_nothing(db, capsys):
    files = [str(FIXTURES / "tiered.yaml"), str(FIXTURES / "small-micro.yaml")]
    call_command("load_standards", *files, "--publish")
    out = capsys.readouterr().out
    assert "test-tiered 2026: created (Published; 2 A, 2 B, 4 criteria, 30.0 points)" in out
    assert set(StandardVersion.objects.values_list("status", flat=True)) == {"published"}
    before = (
        AuditEvent.objects.count(),
        Criterion.objects.count(),
        list(StandardVersion.objects.values_list("pk", "published_at")),
    )
    call_command("load_standards", *files, "--publish")
    out = capsys.readouterr().out
    assert "2 file(s), 0 changed." in out and "unchanged" in out
    assert (
        AuditEvent.objects.count(),
        Criterion.objects.count(),
        list(StandardVersion.objects.values_list("pk", "published_at")),
    ) == before


def test_load_standards_without_publish_loads_drafts(db):
    call_command("load_standards", str(FIXTURES / "tiered.yaml"))
    assert StandardVersion.objects.get().status == StandardVersion.Status.DRAFT


def test_load_standards_stops_on_a_bad_file_and_writes_nothing(db, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(fixture_text().replace("points: 6\n", "points: six\n"), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_standards", str(FIXTURES / "small-micro.yaml"), str(bad))
    err = capsys.readouterr().err
    assert f"bad.yaml, line {line_of(bad.read_text(), 'points: six')}" in err
    assert not Standard.objects.exists()


def test_load_standards_refuses_to_change_a_published_version(db, tmp_path, capsys):
    call_command("load_standards", str(FIXTURES / "tiered.yaml"), "--publish")
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        fixture_text().replace("查考核记录。", "查考核记录和奖惩记录。"), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("load_standards", str(changed), "--publish")
    assert "cannot change" in capsys.readouterr().err
    assert Criterion.objects.get(code="1.2.1").method == "查考核记录。"


SHIPPED_FILES = sorted(SHIPPED.glob("*.yaml"))


@pytest.mark.skipif(not SHIPPED_FILES, reason="no shipped standard files yet")
def test_every_shipped_standard_loads_and_adds_up(db, capsys):
    for path in SHIPPED_FILES:
        parsed = parse_standard_file(filename=path.name, content=path.read_bytes())
        assert parsed.summary.points_total == parsed.summary.full_marks, path.name
    call_command("load_standards")
    assert StandardVersion.objects.count() == len(SHIPPED_FILES)
    for version in StandardVersion.objects.all():
        assert version.status == StandardVersion.Status.PUBLISHED
        total = version.criteria.aggregate(total=Sum("points"))["total"]
        assert total == version.full_marks, version
        assert GradeThreshold.objects.filter(version=version).exists()
        # Real content survives the Excel round trip too.
        exported = build_workbook(version_data(version))
        parsed = parse_standard_file(filename="export.xlsx", content=exported)
        assert canonical(parsed.data) == canonical(version_data(version)), version
        parsed = parse_standard_file(
            filename="export.yaml", content=dump_yaml(version_data(version))
        )
        assert canonical(parsed.data) == canonical(version_data(version)), version
    capsys.readouterr()
    call_command("load_standards")
    assert f"{len(SHIPPED_FILES)} file(s), 0 changed." in capsys.readouterr().out

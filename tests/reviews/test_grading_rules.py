"""Grading rules as the standard files write them: the extra deduction's
trigger, per-grade vetoes, criteria that may not be N/A, itemised deductions
and per-element minimums; in the files, the shipped standards, the answer
service, the checklist page and the API."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from portal.errors import ServiceError
from reviews import services
from reviews.models import Criterion, StandardVersion
from reviews.scoring_data import score_assessment
from reviews.standards.files import parse_standard_file
from reviews.standards.files.data import canonical, version_data
from reviews.standards.files.excel_write import build_workbook
from tests.reviews.standard_files import fixture_text, load, problems_of

SHIPPED = Path(settings.BASE_DIR) / "reviews" / "standards" / "data"
UNIT = re.compile(r"每[^；。;]*?扣(\d+(?:\.\d+)?)分")


def shipped_criteria():
    for path in sorted(SHIPPED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for a in data["elements"]:
            for criterion in a.get("criteria", []):
                yield data["code"], criterion
            for b in a.get("elements", []):
                for criterion in b.get("criteria", []):
                    yield data["code"], criterion


def test_every_shipped_criterion_s_trigger_follows_its_method_text():
    seen = 0
    for code, criterion in shipped_criteria():
        method, where = criterion["method"], f"{code} {criterion['code']}"
        if "追加扣除" not in method:
            assert not criterion.get("extra_deduction"), where
            assert "extra_trigger" not in criterion, where
            continue
        seen += 1
        assert criterion.get("extra_deduction"), where
        # The clause that states the extra deduction decides its trigger.
        clause = re.split(r"[；;。]", method.split("追加扣除")[0])[-1]
        expected = "full_deduction" if re.search(r"扣满[\d.]+分的", clause) else "condition"
        assert criterion.get("extra_trigger") == expected, where
    assert seen == 15


def test_shipped_criteria_that_deduct_per_occurrence_carry_the_unit():
    for code, criterion in shipped_criteria():
        units = set(UNIT.findall(criterion["method"]))
        unit = criterion.get("deduction_unit")
        if len(units) == 1 and Decimal(units.pop()) <= Decimal(str(criterion["points"])):
            assert unit is not None, f"{code} {criterion['code']}"
        if unit is not None:
            assert Decimal(str(unit)) <= Decimal(str(criterion["points"]))


def test_the_data_migration_sets_the_shipped_values_and_is_idempotent(db):
    call_command("load_standards", verbosity=0)
    migration = importlib.import_module("reviews.migrations.0006_shipped_triggers")
    expected = {
        (c.version.standard.code, c.code): (c.extra_trigger, c.deduction_unit)
        for c in Criterion.objects.select_related("version__standard")
    }
    Criterion.objects.update(extra_trigger="", deduction_unit=None)
    for _ in range(2):
        migration.forwards(django_apps, None)
        found = {
            (c.version.standard.code, c.code): (c.extra_trigger, c.deduction_unit)
            for c in Criterion.objects.select_related("version__standard")
        }
        assert found == expected
    out = StringIO()
    call_command("load_standards", stdout=out)
    assert "0 changed" in out.getvalue()


# --- the file format -------------------------------------------------------------------


RULES_FILE = (
    fixture_text()
    .replace('  "3": 60\n', '  "3": 60\nelement_minimums:\n  "1": 60\n')
    .replace(
        "        veto: true",
        '        veto: true\n        veto_grades: ["1"]\n        allow_na: false',
    )
    .replace("            points: 6\n", "            points: 6\n            deduction_unit: 2\n", 1)
)


def test_the_new_keys_are_read_stored_and_exported(db):
    version = load(RULES_FILE).version
    veto = Criterion.objects.get(version=version, code="2.1")
    assert veto.veto_grades == ["1"] and veto.allow_na is False
    assert Criterion.objects.get(version=version, code="1.1.2").deduction_unit == Decimal("2")
    assert version.thresholds.get(grade="1").min_element_percent == Decimal("60")
    stored = canonical(version_data(version))
    assert stored == canonical(
        parse_standard_file(filename="a.yaml", content=RULES_FILE.encode()).data
    )
    again = parse_standard_file(filename="x.xlsx", content=build_workbook(version_data(version)))
    assert canonical(again.data) == stored


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("            extra_trigger: condition\n", "", "no extra_trigger"),
        ("        veto: true", '        veto_grades: ["1"]', "Only a veto criterion"),
        ('  "3": 60\n', '  "3": 60\nelement_minimums:\n  pass: 50\n', "no threshold"),
        (
            "            points: 6\n",
            "            points: 6\n            deduction_unit: 7\n",
            "more than",
        ),
    ],
)
def test_inconsistent_keys_are_refused_with_a_message(db, old, new, message):
    with translation.override("en"):
        problems = problems_of(fixture_text().replace(old, new, 1))
    assert any(message in problem.message for problem in problems), problems


# --- answers ---------------------------------------------------------------------------


@pytest.fixture
def rules_assessment(cast):
    version = load(RULES_FILE, publish=True).version
    StandardVersion.objects.filter(pk=version.pk).update(status=StandardVersion.Status.PUBLISHED)
    assessment = services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version, team_leader="张伟"
    )
    return assessment


def row_of(assessment, code):
    return assessment.rows.select_related("criterion", "assessment").get(criterion__code=code)


def test_na_is_refused_where_the_standard_does_not_allow_it(cast, rules_assessment):
    row = row_of(rules_assessment, "2.1")
    with pytest.raises(ServiceError) as refused:
        services.row_save(actor=cast.enterprise, row=row, result="na", na_reason="无", revision=0)
    assert refused.value.field == "result"
    row.refresh_from_db()
    assert row.result == "" and row.revision == 0


def test_occurrences_are_capped_and_the_condition_counts_only_when_ticked(cast, rules_assessment):
    row = row_of(rules_assessment, "1.1.2")  # 6 points, 2 per occurrence
    saved = services.row_save(
        actor=cast.enterprise, row=row, result="partial", occurrences="5", revision=0
    )
    assert (saved.deduction, saved.occurrences) == (Decimal("6"), 5)
    extra = row_of(rules_assessment, "1.2.1")  # 5.5 points, condition: 5 more
    services.row_save(actor=cast.enterprise, row=extra, result="non_compliant", revision=0)
    element = {e.code: e for e in score_assessment(rules_assessment).elements}["1"]
    assert element.extra_deducted == 0
    extra.refresh_from_db()
    services.row_save(
        actor=cast.enterprise,
        row=extra,
        result="non_compliant",
        extra_condition=True,
        revision=extra.revision,
    )
    element = {e.code: e for e in score_assessment(rules_assessment).elements}["1"]
    assert element.extra_deducted == Decimal("5")


def test_occurrences_on_a_criterion_without_a_unit_are_refused(cast, rules_assessment):
    row = row_of(rules_assessment, "1.1.1")
    with pytest.raises(ServiceError) as refused:
        services.row_save(
            actor=cast.enterprise, row=row, result="partial", occurrences=2, revision=0
        )
    assert refused.value.field == "occurrences"


def test_the_api_takes_occurrences_and_the_condition_and_shows_the_rules(cast, rules_assessment):
    api = APIClient()
    api.force_authenticate(cast.enterprise)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/api/v1/assessments/{rules_assessment.pk}/answers/"
    answers = [
        {"criterion": "1.1.2", "result": "partial", "occurrences": 9, "revision": 0},
        {"criterion": "1.2.1", "result": "non_compliant", "extra_condition": True, "revision": 0},
    ]
    body = api.post(url, answers, format="json")
    assert body.status_code == 200, body.content
    rows = {row["criterion"]: row for row in body.json()["rows"]}
    assert rows["1.1.2"]["deduction"] == "6.0" and rows["1.1.2"]["occurrences"] == 9
    assert rows["1.2.1"]["extra_condition"] is True
    assert rows["1.2.1"]["extra_trigger"] == "condition"
    refused = api.post(
        url,
        [{"criterion": "2.1", "result": "na", "na_reason": "无", "revision": 0}],
        format="json",
    )
    assert refused.status_code == 400
    assert "not allow" in str(refused.json())


def test_the_checklist_shows_the_tick_box_only_where_a_condition_applies(
    cast, rules_assessment, client
):
    client.force_login(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("assessments:detail", args=[rules_assessment.pk])).content.decode()
    assert page.count('data-testid="extra-condition"') == 1
    assert page.count('data-testid="occurrences"') == 1
    assert 'data-testid="no-na"' in page
    assert 'value="na"' in page  # other criteria still offer N/A

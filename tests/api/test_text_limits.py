"""Every piece of free text has a bound: each text field of the models
(enforced by full_clean too, so forms and ModelSerializers inherit it), each
string an API request may carry, and a note of a million characters is refused
by the page and the API with a message and nothing saved."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import translation

from certification.models import Finding
from reviews import services as review_services
from reviews.models import AssessmentRow
from tests.certification.factories import application_in_review, make_tiered_version
from tests.reviews.test_assessment_pages import make_version

APPS = ("portal", "enterprises", "reviews", "certification", "hazards", "reporting")
HUGE = "注" * 1_000_000
# String formats that are not free text (their parser bounds them).
NOT_FREE_TEXT = {
    "binary",
    "password",
    "date",
    "date-time",
    "time",
    "uuid",
    "uri",
    "email",
    "decimal",
    "ipv4",
    "ipv6",
    "duration",
    "byte",
}


def test_every_text_field_of_the_models_has_a_length_limit_that_full_clean_enforces():
    unbounded = []
    for config in map(apps.get_app_config, APPS):
        for model in config.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                limited = field.max_length and any(
                    isinstance(v, MaxLengthValidator) and v.limit_value <= field.max_length
                    for v in field.validators
                )
                if not limited:
                    unbounded.append(f"{model._meta.label}.{field.name}")
    assert unbounded == []


def test_every_string_a_request_may_carry_has_a_max_length_in_the_api_schema(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    unbounded: set[str] = set()

    def walk(node, where: str, seen: frozenset) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where, seen)
            return
        if not isinstance(node, dict) or node.get("readOnly"):
            return
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], name, seen | {name})
            return
        if (
            node.get("type") == "string"
            and "enum" not in node
            and "maxLength" not in node
            and node.get("format") not in NOT_FREE_TEXT
        ):
            unbounded.add(where)
        for key, value in node.items():
            if key == "properties":
                for name, child in value.items():
                    walk(child, f"{where}.{name}", seen)
            elif key in ("items", "allOf", "oneOf", "anyOf", "additionalProperties"):
                walk(value, where, seen)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for content in (body or {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path}", frozenset())
    assert sorted(unbounded) == []


def test_a_bounded_text_field_refuses_too_much_on_full_clean(db):
    field = AssessmentRow._meta.get_field("notes")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            field.clean(HUGE, None)
        assert "at most 4000 characters" in str(refused.value)


# --- a million characters, by page and by API ------------------------------------------


@pytest.fixture
def assessment_row(cast):
    assessment = review_services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=make_version()
    )
    return assessment.rows.select_related("criterion").order_by("criterion__position").first()


def _unchanged(row: AssessmentRow) -> tuple:
    row.refresh_from_db()
    return row.result, row.na_reason, row.notes, row.revision


@pytest.mark.parametrize("field", ["na_reason", "notes"])
def test_the_self_assessment_page_refuses_a_million_character_note(
    cast, client_for, assessment_row, field
):
    client = client_for(cast.enterprise)
    client.cookies["django_language"] = "en"
    before = _unchanged(assessment_row)
    response = client.post(
        f"/assessments/{assessment_row.assessment_id}/rows/{assessment_row.pk}/",
        {
            "result": "na",
            "deduction": "",
            "na_reason": "不适用",
            "notes": "",
            field: HUGE,
            "revision": 0,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "characters" in response.content.decode()
    assert _unchanged(assessment_row) == before


@pytest.mark.parametrize("field", ["na_reason", "notes"])
def test_the_self_assessment_api_refuses_a_million_character_note(
    cast, api_for, assessment_row, field
):
    before = _unchanged(assessment_row)
    response = api_for(cast.enterprise).patch(
        f"/api/v1/assessments/{assessment_row.assessment_id}/rows/{assessment_row.pk}/",
        {"result": "na", "na_reason": "不适用", field: HUGE, "revision": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "no more than" in response.json()[field][0]
    assert _unchanged(assessment_row) == before


def test_the_bulk_answer_api_refuses_a_million_character_note(cast, api_for, assessment_row):
    before = _unchanged(assessment_row)
    response = api_for(cast.enterprise).post(
        f"/api/v1/assessments/{assessment_row.assessment_id}/answers/",
        [
            {
                "criterion": assessment_row.criterion.code,
                "result": "compliant",
                "notes": HUGE,
                "revision": 0,
            }
        ],
        format="json",
    )
    assert response.status_code == 400, response.content[:300]
    assert _unchanged(assessment_row) == before


@pytest.fixture
def in_review(cast):
    return application_in_review(cast, make_tiered_version())


def test_the_findings_page_refuses_a_million_character_finding(cast, client_for, in_review):
    client = client_for(cast.reviewer)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/applications/{in_review.pk}/review/findings/", {"kind": "deduction", "text": HUGE}
    )
    assert response.status_code == 400
    assert "at most 4000 are allowed" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_findings_api_refuses_a_million_character_finding(cast, api_for, in_review):
    response = api_for(cast.reviewer).post(
        f"/api/v1/applications/{in_review.pk}/review/findings/",
        {"kind": "deduction", "text": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert "no more than 4000" in response.json()["text"][0]
    assert not Finding.objects.exists()


def test_the_report_and_rectification_notes_are_bounded_by_the_service(cast, in_review):
    from certification.onsite import rules as onsite
    from portal.errors import ServiceError

    with translation.override("en"):
        with pytest.raises(ServiceError) as refused:
            onsite.report_update(
                actor=cast.reviewer, application=in_review, summary=HUGE, technical_head=""
            )
        assert refused.value.field == "summary" and "characters" in str(refused.value)
    assert onsite.review_for(in_review).summary == ""

"""The totals panel's lines built in Python (reviews/views/totals_html.py) show what
the template showed: escaped names, figures as Django formats them, ✓ / ✗ for an
element's minimum share, "—" where there is nothing to score."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from reviews.views.totals_html import element_rows_html, suggestions_html, toc_html


def element(**fields):
    values = {
        "code": "A1",
        "name": "目标<script>",
        "answered": 2,
        "total": 5,
        "earned": Decimal("40.0"),
        "due": Decimal("50"),
        "extra_deducted": Decimal("0"),
        "percent": Decimal("80.0"),
        "passed": True,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_an_element_line_escapes_its_name_and_marks_its_share():
    html = element_rows_html([element(), element(code="A2", passed=False, percent=None)])
    assert "目标&lt;script&gt;" in html and "<script>" not in html
    assert "40.0/50" in html and "80.0 ✓" in html
    assert '<tr data-code="A2">' in html and "— ✗" in html


def test_extra_deductions_are_shown_in_the_points_column():
    with translation.override("en"):
        html = element_rows_html([element(extra_deducted=Decimal("10"))])
    assert '40.0/50 <span class="text-danger" title="Extra deductions">(−10)</span>' in html


def test_the_table_of_contents_marks_elements_with_unanswered_criteria():
    html = toc_html([element(), element(code="A2", answered=5)])
    assert html.count("text-danger") == 1
    assert 'data-code="A2"' in html and "5/5" in html


def test_a_suggestion_links_its_row_and_says_what_it_adds_in_the_readers_language():
    suggestion = {
        "code": "B3",
        "row_id": 17,
        "requirement": "应当建立安全生产责任制" * 5,
        "points": Decimal("6"),
        "score": Decimal("0.60"),
    }
    with translation.override("en"):
        html = suggestions_html([suggestion, {**suggestion, "row_id": None, "code": "B4"}])
    assert '<a href="#row-17">B3</a>' in html and '<li data-code="B4">B4 ' in html
    assert "+6 (+0.60 on the score)" in html
    assert "…" in html  # the requirement cut at 40 characters

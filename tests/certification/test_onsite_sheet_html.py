"""The rows of the on-site scoring sheet (certification/onsite/sheet_html.py) as
a user meets them: what others typed is shown as text, a differing answer is
marked, who may not score gets no form, and the labels follow the language."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from django.conf import settings

from certification.onsite import confirmation
from reviews.models import AssessmentRow, Criterion, Evidence

# The on-site tests' helpers (their fixtures are in conftest.py).
from tests.certification.test_onsite import answer
from tests.certification.test_onsite import rows_of as review_rows


def sheet(client, application, language="zh-hans", query="") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/applications/{application.pk}/review/{query}")
    assert page.status_code == 200
    return page.content.decode()


def row_markup(text: str, row: AssessmentRow) -> str:
    """One row's card out of the page."""
    start = text.index(f'id="row-{row.pk}"')
    return text[start : text.index("</article>", start)]


def test_what_others_typed_is_shown_as_text(cast, in_review, client_for):
    first, second = review_rows(in_review)
    Criterion.objects.filter(pk=first.criterion_id).update(
        requirement="要求<script>alert(1)</script>", method="第一步\n<b>第二步</b>"
    )
    own = AssessmentRow.objects.get(
        assessment_id=in_review.assessment_id, criterion_id=first.criterion_id
    )
    AssessmentRow.objects.filter(pk=own.pk).update(notes="企业<script>self()</script>")
    Evidence.objects.create(
        row=own,
        file="evidence/x.pdf",
        original_name="<img src=x>制度.pdf",
        file_version=2,
        size=10,
        uploaded_by=cast.enterprise,
    )
    answer(cast, in_review, second, "partial", "5", notes="评审<script>bad()</script>")
    text = sheet(client_for(cast.reviewer), in_review)
    assert "<script>alert" not in text and "<script>self" not in text
    assert "<script>bad" not in text and "<img src=x>" not in text
    first_row, second_row = row_markup(text, first), row_markup(text, second)
    assert "要求&lt;script&gt;alert(1)&lt;/script&gt;" in first_row
    assert "第一步<br>&lt;b&gt;第二步&lt;/b&gt;" in first_row
    assert "企业&lt;script&gt;self()&lt;/script&gt;" in first_row
    assert "评审&lt;script&gt;bad()&lt;/script&gt;</textarea>" in second_row
    evidence = Evidence.objects.get()
    assert (
        f'href="/applications/{in_review.pk}/review/evidence/{evidence.pk}/" '
        'data-testid="self-evidence-file">&lt;img src=x&gt;制度.pdf</a>'
    ) in first_row
    assert "v2" in first_row and 'data-testid="no-self-evidence"' in second_row


def test_a_differing_answer_marks_its_row(cast, in_review, client_for):
    first, second = review_rows(in_review)
    answer(cast, in_review, second, "partial", "5")
    client = client_for(cast.reviewer)
    text = sheet(client, in_review)
    assert 'data-differs="0"' in row_markup(text, first)
    assert 'data-differs="1"' in row_markup(text, second)
    only = sheet(client, in_review, query="?show=differs")
    assert only.count('data-testid="review-row"') == 1 and f'id="row-{second.pk}"' in only


def test_a_read_only_user_sees_the_answer_without_a_form(cast, in_review, client_for):
    first, second = review_rows(in_review)
    answer(cast, in_review, second, "partial", "5", notes="第一行\n第二行")
    text = sheet(client_for(cast.district), in_review)
    assert text.count('data-testid="review-row"') == 2
    for marker in ("review-answer-form", "confirm-row", "row-finding", 'name="result"'):
        assert marker not in text
    row = row_markup(text, second)
    assert 'data-testid="review-answer"' in row
    assert "扣5.0分" in row and "第一行<br>第二行" in row
    # The reviewers' own page has the form on every row.
    editable = sheet(client_for(cast.reviewer), in_review)
    assert editable.count('data-testid="review-answer-form"') == 2
    assert editable.count('data-testid="confirm-row"') == 2


def test_a_veto_criterion_offers_no_partial_answer(cast, in_review, client_for):
    first, second = review_rows(in_review)
    Criterion.objects.filter(pk=first.criterion_id).update(is_veto=True)
    Criterion.objects.filter(pk=second.criterion_id).update(allow_na=False)
    text = sheet(client_for(cast.reviewer), in_review)
    veto, no_na = row_markup(text, first), row_markup(text, second)
    assert 'class="badge text-bg-danger"' in veto and "否决项" in unescape(veto)
    assert 'value="partial"' not in veto and 'class="partial-only' not in veto
    assert 'value="partial"' in no_na and 'value="na"' not in no_na


def test_a_confirmed_row_names_who_checked_it(cast, in_review, client_for):
    first, second = review_rows(in_review)
    confirmation.review_rows_confirm(actor=cast.reviewer, application=in_review, rows=[first.pk])
    text = sheet(client_for(cast.district), in_review)
    assert 'data-confirmed="1"' in row_markup(text, first)
    assert 'data-confirmed="0"' in row_markup(text, second)
    who = cast.reviewer.get_full_name() or cast.reviewer.username
    assert f'title="{who} · ' in row_markup(text, first)
    assert 'title=""' in row_markup(text, second)


def test_the_labels_follow_the_language(cast, in_review, client_for):
    first, second = review_rows(in_review)
    answer(cast, in_review, second, "partial", "5")
    client = client_for(cast.reviewer)
    english = unescape(sheet(client, in_review, "en"))
    for label in (
        "Self-assessment (enterprise)",
        "Differs from the self-assessment",
        "Reviewers' notes",
        "Confirm as it stands (checked on site)",
        "Points deducted (more than 0, at most 40.0)",
        "Record a finding for this row",
        "1/2 checked",
    ):
        assert label in english, label
    chinese = unescape(sheet(client, in_review))
    for label in ("自评（企业）", "与自评不一致", "评审人员备注", "按原样确认（已现场核实）"):
        assert label in chinese, label
    assert "Self-assessment (enterprise)" not in chinese
    read_only = unescape(sheet(client_for(cast.district), in_review, "en"))
    assert "5.0 points deducted" in read_only


def test_the_points_show_as_the_standard_gives_them(cast, in_review, client_for):
    first, _second = review_rows(in_review)
    Criterion.objects.filter(pk=first.criterion_id).update(points=Decimal("12.5"))
    text = sheet(client_for(cast.district), in_review, "en")
    assert '<span class="small text-muted">12.5 points</span>' in row_markup(text, first)

"""The standard picker of a new self-assessment: the best fit is checked and says
why (the firm's scale, its industry, the grade it holds); the others fold under
"Other standards"; a refused form keeps the choice made."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from enterprises.models import Enterprise
from reviews.models import Grading, Standard
from reviews.selectors import applicable_versions
from reviews.standard_picker import standard_picker
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue
from tests.reviews.test_assessment_pages import make_version

pytestmark = pytest.mark.django_db


def picked(enterprise) -> tuple[str, list[str]]:
    with translation.override("en"):
        picker = standard_picker(enterprise, applicable_versions(enterprise))
    assert picker.recommended is not None
    return picker.recommended.version.standard.code, [
        fit.version.standard.code for fit in picker.others
    ]


def small(enterprise) -> Enterprise:
    enterprise.scale = Enterprise.Scale.SMALL_MICRO
    enterprise.save(update_fields=["scale"])
    return enterprise


def small_firms(version) -> None:
    """The small and micro grading (pass or fail) instead of levels 1-3."""
    Standard.objects.filter(pk=version.standard_id).update(grading=Grading.SMALL_MICRO)


def test_the_standard_made_for_the_industry_beats_a_general_one(cast):
    make_version(code="general", industries=())
    make_version(code="several", industries=("machinery", "commerce"))
    make_version(code="machinery-only")
    assert picked(cast.ent) == ("machinery-only", ["general", "several"])


def test_a_small_firm_gets_the_small_firm_standard(cast):
    small_firms(make_version(code="post", industries=(), scales=("small_micro",)))
    small_firms(make_version(code="small-machinery", scales=("small_micro",)))
    make_version(code="machinery", scales=("below", "small_micro"))
    code, others = picked(small(cast.ent))
    assert code == "small-machinery" and sorted(others) == ["machinery", "post"]


def test_a_small_firm_holding_level_3_keeps_the_graded_standard(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    issue(cast, make_tiered_version())  # cast.ent holds level 3
    small_firms(make_version(code="small-machinery", scales=("small_micro",)))
    make_version(code="machinery", scales=("small_micro", "below"))
    small(cast.ent)
    with translation.override("en"):
        picker = standard_picker(cast.ent, applicable_versions(cast.ent))
    assert picker.recommended.version.standard.code == "machinery"
    assert any("You hold a Level 3 certificate" in r for r in picker.recommended.reasons)


def test_the_page_checks_the_best_fit_and_keeps_a_refused_choice(cast, client_for):
    best = make_version(code="machinery-only")
    general = make_version(code="general", industries=())
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/assessments/").content.decode()
    assert f'value="{best.pk}" checked>' in page
    assert "Made for your industry" in page and "Covers every industry." in page
    # Sent with the other standard and no period: refused, the other stays checked
    # and its fold opens.
    refused = client.post(
        "/assessments/new/", {"version": general.pk, "period_start": "", "period_end": ""}
    )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert f'value="{general.pk}" checked>' in text
    assert 'data-testid="other-standards" open' in text


def test_only_an_enterprise_is_offered_the_picker(cast, client_for):
    make_version(code="machinery-only")
    for user in (cast.district, cast.street, cast.group):
        page = client_for(user).get("/assessments/").content.decode()
        assert 'data-testid="standard-picker"' not in page
    assert client_for(cast.pending).get("/assessments/").status_code == 403

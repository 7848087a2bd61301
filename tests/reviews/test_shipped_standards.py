"""Every shipped standard can be completed by a demo login through the API,
and the score it returns agrees with a calculation done here by hand."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from enterprises.demo import DEMO_USERS
from portal.models import User
from reviews.models import Criterion, StandardVersion
from reviews.selectors import applicable_versions

URL = "/api/v1/assessments/"


# The demo is seconds of work: written once for the module (tests/conftest.py's
# module_db), each test reading it in its own savepoint.
@pytest.fixture(scope="module")
def shipped_once(module_db):
    call_command("load_standards", verbosity=0)
    call_command("seed_demo", enterprises=0, verbosity=0)
    return list(StandardVersion.objects.select_related("standard"))


@pytest.fixture
def shipped(shipped_once, db):
    return shipped_once


def demo_login_for(version):
    for username in DEMO_USERS:
        user = User.objects.select_related("organisation__enterprise").get(username=username)
        enterprise = getattr(user.organisation, "enterprise", None)
        if user.can_act and enterprise and version in applicable_versions(enterprise):
            return user
    return None


def test_six_standards_are_shipped(shipped):
    assert {v.standard.code for v in shipped} == {
        "gongmao-general",
        "gbt33000-2016",
        "small-micro",
        "post-standard",
        "machinery-level3",
        "commerce-level3",
    }


@pytest.mark.parametrize(
    "code",
    [
        "gongmao-general",
        "gbt33000-2016",
        "small-micro",
        "post-standard",
        "machinery-level3",
        "commerce-level3",
    ],
)
def test_a_demo_login_completes_the_standard_and_the_score_matches(shipped, code):
    version = next(v for v in shipped if v.standard.code == code)
    user = demo_login_for(version)
    assert user is not None, f"no demo login can take {code}"
    client = APIClient()
    client.force_authenticate(user)
    created = client.post(
        URL,
        {
            "version": version.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "team_leader": "张伟",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    criteria = list(Criterion.objects.filter(version=version).order_by("position"))
    # The first criterion loses 1 point, the second (if not a veto) does not apply,
    # every other one is met.
    first, second = criteria[0], criteria[1]
    answers = [{"criterion": first.code, "result": "partial", "deduction": "1", "revision": 0}]
    na_points = Decimal("0")
    if not second.is_veto:
        answers.append(
            {"criterion": second.code, "result": "na", "na_reason": "本企业不涉及", "revision": 0}
        )
        na_points = second.points
    answered = {a["criterion"] for a in answers}
    answers += [
        {"criterion": c.code, "result": "compliant", "revision": 0}
        for c in criteria
        if c.code not in answered
    ]
    bulk = client.post(f"{URL}{pk}/answers/", answers, format="json")
    assert bulk.status_code == 200, bulk.content

    due = version.full_marks - na_points
    expected = ((due - 1) * 100 / due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    score = bulk.json()["score"]
    assert Decimal(score["score"]) == expected
    assert score["complete"] is True
    submitted = client.post(f"{URL}{pk}/submit/", {}, format="json")
    assert submitted.status_code == 200, submitted.content
    best = max(version.thresholds.all(), key=lambda t: t.min_score).grade
    assert submitted.json()["submitted_grade"] == best

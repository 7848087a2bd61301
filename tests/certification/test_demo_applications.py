"""seed_demo's demonstration applications: each demo login's work queue has
real work, made through the real services; re-running creates nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from certification.models import Application, ApplicationEvent, Status
from certification.selectors import queue_for
from portal.models import AuditEvent, User
from reviews.models import Assessment


def seed():
    out = StringIO()
    call_command("seed_demo", enterprises=0, stdout=out)
    return out.getvalue()


# The demo is seconds of work: written once for the module (tests/conftest.py's
# module_db), each test reading it in its own savepoint.
@pytest.fixture(scope="module")
def seeded_once(module_db):
    call_command("load_standards", verbosity=0)
    return seed()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def queue(username):
    user = User.objects.select_related("organisation").get(username=username)
    return sorted(
        (a.enterprise.name, a.tier, a.status) for a in queue_for(user).select_related("enterprise")
    )


def test_every_role_has_work_in_its_queue(seeded):
    assert queue("demo-enterprise") == [
        ("北京望京精密机械有限公司", "1", Status.DRAFT),
        ("北京望京精密机械有限公司", "2", Status.RETURNED),
    ]
    assert queue("demo-district") == [
        ("北京三里屯华联商贸有限公司", "3", Status.ACCEPTED),
        ("北京京城朝阳印刷机械有限公司", "3", Status.PUBLICITY),
        ("北京京城朝阳轴承制造有限公司", "3", Status.APPROVED),
        ("北京京城朝阳锻压设备有限公司", "3", Status.VERIFIED),
        ("北京京城朝阳阀门制造有限公司", "3", Status.REPORTED),
        ("北京望京精密机械有限公司", "3", Status.SUBMITTED),
        ("北京酒仙桥恒达五金加工厂", "pass", Status.SUBMITTED),
    ]
    assert queue("demo-association") == [
        ("北京京城海淀数控装备有限公司", "2", Status.SUBMITTED),
        ("北京京城通州汽车配件有限公司", "2", Status.ACCEPTED),
    ]
    # The regulator grades machinery level 2: it approves what the association verified.
    assert queue("demo-regulator") == [("北京京城海淀精工机械有限公司", "2", Status.VERIFIED)]
    assert queue("demo-city") == [
        ("北京京城丰台重型装备有限公司", "1", Status.NATIONAL),
        ("北京京城顺义电工装备有限公司", "1", Status.SUBMITTED),
    ]
    assert queue("demo-reviewer") == [
        ("北京京城朝阳液压机械有限公司", "3", Status.ASSIGNED),
        ("北京京城朝阳起重设备有限公司", "3", Status.ON_SITE_REVIEW),
    ]
    # The group rectifies for its member; nothing else waits on the applicants.
    assert queue("demo-group") == [("北京京城朝阳电机制造有限公司", "3", Status.RECTIFICATION)]
    assert queue("demo-small") == []


def test_the_later_steps_are_real_and_the_announced_one_has_a_certificate(seeded):
    """Every state of the workflow has a demo application; the announced
    one went through review, verification and publicity with the services."""
    states = set(Application.objects.values_list("status", flat=True))
    assert set(Status.values) - states == {
        Status.WITHDRAWN,
        Status.REJECTED,
        Status.AWAITING_CONSENT,
    }
    announced = Application.objects.get(status=Status.ANNOUNCED)
    certificate = announced.certificate
    assert certificate.number.startswith("京AQBJXⅢ") and certificate.tier == "3"
    assert [e.transition for e in announced.events.all()] == [
        "submit",
        "accept",
        "assign",
        "start_review",
        "submit_report",
        "verify",
        "approve",
        "start_publicity",
        "announce",
    ]
    assert announced.authority.name == "朝阳区人民政府"
    assert certificate.announcement.organiser_id == announced.authority_id
    assert announced.onsite.signoffs.count() == 3 and announced.onsite.findings.exists()
    rectifying = Application.objects.get(status=Status.RECTIFICATION)
    assert (
        rectifying.due_on is not None
        and rectifying.onsite.findings.filter(must_rectify=True).exists()
    )


def test_the_level_1_decided_nationally_is_recorded(seeded):
    decided = Application.objects.get(status=Status.NATIONAL_DECIDED)
    assert decided.tier == "1" and decided.national_result == "approved"
    assert decided.applicant.name == "北京京城机电控股有限责任公司"
    assert not queue_for(User.objects.get(username="demo-city")).filter(pk=decided.pk).exists()


def test_timeline_and_audit_are_those_of_the_real_moves(seeded):
    returned = Application.objects.get(status=Status.RETURNED)
    events = list(
        ApplicationEvent.objects.filter(application=returned).values_list(
            "transition", "actor__username"
        )
    )
    assert events == [("submit", "demo-enterprise"), ("return", "demo-association")]
    assert "组织机构图" in returned.events.get(transition="return").comment
    assert returned.due_on is not None  # the correction is timed
    actions = set(
        AuditEvent.objects.filter(
            object_type="certification.application", object_id=str(returned.pk)
        ).values_list("action", flat=True)
    )
    assert {"application.create", "application.submit", "application.return"} <= actions
    draft = Application.objects.get(status=Status.DRAFT)
    assert not draft.events.exists() and draft.materials.count() == 2


def test_the_applications_rest_on_submitted_self_assessments(seeded):
    for application in Application.objects.select_related("assessment__version__standard"):
        assessment = application.assessment
        assert assessment.status == Assessment.Status.SUBMITTED
        assert assessment.submitted_score is not None
    small = Application.objects.get(tier="pass")
    assert small.assessment.version.standard.code == "small-micro"
    wangjing = Application.objects.get(tier="3", enterprise__name="北京望京精密机械有限公司")
    assert wangjing.assessment.version.standard.code == "machinery-level3"
    # demo-enterprise's self-assessments: one per standard, both submitted
    assert Assessment.objects.filter(enterprise=wangjing.enterprise).count() == 2


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_running_seed_demo_again_creates_nothing(seeded):
    assert "19 applications" in seeded
    before = row_counts()
    again = seed()
    assert row_counts() == before
    assert "nothing (already seeded)" in again

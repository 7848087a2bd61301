"""seed_demo's demonstration hazards: the demo enterprises' ledgers hold a hazard in
every state, made by the real services, and re-running creates nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from hazards.models import Hazard, HazardEvent
from hazards.selectors import hazards_visible_to
from portal.models import AuditEvent, User

S = Hazard.Status


def seed():
    out = StringIO()
    call_command("seed_demo", enterprises=0, stdout=out)
    return out.getvalue()


# The demo is seconds of work: written once for the module (tests/conftest.py's
# module_db), each test reading it in its own savepoint.
@pytest.fixture(scope="module")
def seeded_once(module_db):
    call_command("load_hazard_catalogues", stdout=StringIO())
    return seed()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def ledger(username):
    user = User.objects.get(username=username)
    return Hazard.objects.filter(enterprise__account=user.organisation)


@pytest.mark.parametrize("login", ["demo-enterprise", "demo-small"])
def test_every_state_is_in_the_demo_ledgers(seeded, login):
    hazards = ledger(login)
    general = hazards.filter(grade=Hazard.Grade.GENERAL)
    assert {S.PENDING, S.IN_PROGRESS, S.AWAITING_ACCEPTANCE, S.CLOSED} <= set(
        general.values_list("status", flat=True)
    )
    today = timezone.localdate()
    assert any(h.is_overdue(today) for h in general)
    closed = general.get(status=S.CLOSED, order_item__isnull=True)  # not the order's
    assert closed.accepted_by_id and closed.rectified_by_id
    assert closed.accepted_by_id != closed.rectified_by_id  # two people, as the rule wants
    assert general.get(status=S.AWAITING_ACCEPTANCE).rectified_by.username == login
    major = hazards.get(grade=Hazard.Grade.MAJOR)
    assert major.status == S.TREATING
    assert major.major_basis.version.catalogue.code == "gongmao"
    # Real moves: numbered, with a timeline and audit rows.
    enterprise = closed.enterprise
    assert closed.number.startswith(f"{enterprise.uscc}-")
    assert list(
        HazardEvent.objects.filter(hazard=closed).order_by("pk").values_list("move", flat=True)
    ) == ["record", "start", "submit_for_acceptance", "accept"]
    assert AuditEvent.objects.filter(action="hazard.accept", object_id=str(closed.pk)).exists()


def test_running_seed_demo_again_creates_nothing(seeded):
    before = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    again = seed()
    after = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    assert after == before
    assert "nothing (already seeded)" in again


def test_demo_street_sees_demo_enterprise_hazards(seeded):
    street = User.objects.get(username="demo-street")
    own = set(ledger("demo-enterprise").values_list("pk", flat=True))
    seen = set(hazards_visible_to(street, Hazard.objects.all()).values_list("pk", flat=True))
    assert own and own <= seen

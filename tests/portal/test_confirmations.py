"""Moves that cannot be taken back ask first, and the on-site review's start waits
for the team's declarations: the announce button and the revoke button carry the
question portal.js asks (data-confirm, in the reader's language), and the start
button of the on-site review stays disabled, naming who has not signed, while the
server refuses the start too."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from certification import engine
from certification.assignment import rules as assigning
from certification.models import Certificate, Status
from certification.publicity import rules as publicity
from tests.certification.factories import make_tiered_version, review_team, submitted_application
from tests.certification.lifecycle_factories import AFTER, issue
from tests.certification.test_publicity import MONDAY, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return make_tiered_version()


def button(page: str, testid: str) -> str:
    """The opening tag of the button ``testid`` (unescaped attributes)."""
    found = re.search(rf'<button[^>]*data-testid="{testid}"[^>]*>', page)
    assert found, f"no {testid} button"
    return html.unescape(found.group(0))


def read(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_announce_button_asks_first_in_both_languages(cast, version, client_for):
    with time_machine.travel(MONDAY):
        application = verified(cast, version)
        publicity.publicity_batch_create(actor=cast.district, applications=[application])
    client = client_for(cast.district)
    url = reverse("certification:announcements")
    with time_machine.travel(AFTER):
        english = button(read(client, url, "en"), "do-announce")
        chinese = button(read(client, url, "zh-hans"), "do-announce")
    assert 'data-confirm="Announce the chosen applications and issue their certificates?' in (
        english
    )
    assert 'data-confirm="确定公告所选申请并颁发证书吗？' in chinese


def test_the_revoke_button_asks_first_naming_the_certificate(cast, version, client_for):
    certificate = issue(cast, version)
    client = client_for(cast.district)
    url = reverse("certification:lifecycle_certificate", args=[certificate.pk])
    with time_machine.travel(AFTER):
        english = read(client, url, "en")
        chinese = read(client, url, "zh-hans")
    revoke = button(english, "do-revoke")
    assert f"Revoke certificate {certificate.number} of {cast.ent.name}?" in revoke
    assert f"确定撤销{cast.ent.name}的证书 {certificate.number} 吗？" in button(
        chinese, "do-revoke"
    )
    # Suspending is undone by reinstating: it does not ask.
    assert "data-confirm" not in button(english, "do-suspend")
    # The question is asked in the browser; the server still acts on one POST.
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID


def test_the_review_starts_only_once_every_declaration_is_signed(cast, version, client_for):
    application = submitted_application(cast, version)
    engine.perform(actor=cast.district, application=application, transition="accept")
    team = review_team(cast)
    engine.perform(actor=cast.district, application=application, transition="assign", **team)
    leader, member = team["leader"], team["members"][0]
    assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=leader)
    client = client_for(cast.reviewer)
    url = reverse("certification:detail", args=[application.pk])

    page = read(client, url, "en")
    start = button(page, "do-start_review")
    assert " disabled" in start and 'aria-describedby="unsigned-start_review"' in start
    assert "Every team member must sign the no-conflict declaration first." in page
    names = re.findall(r'data-testid="unsigned-name">([^<]+)<', page)
    assert names == [member.name]  # the leader signed: only the other member is named
    assert "尚未签署" in read(client, url, "zh-hans")

    # A POST made anyway (an old page, a script) is refused and changes nothing.
    refused = client.post(reverse("certification:act", args=[application.pk, "start_review"]))
    assert refused.status_code == 400 and member.name in refused.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED

    assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=member)
    page = read(client, url, "en")
    assert " disabled" not in button(page, "do-start_review")
    assert 'data-testid="start-blocked"' not in page
    started = client.post(reverse("certification:act", args=[application.pk, "start_review"]))
    assert started.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ON_SITE_REVIEW

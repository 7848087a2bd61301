"""Notifications in the reader's language: a notification keeps its message and
values, and reads in the language of the page or API request showing it; the
mails go out in each recipient's chosen language. Rows written before the
message was kept show their stored text as is."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop
from rest_framework.test import APIClient

from certification.models import Certificate
from hazards.models import Hazard
from portal import notify
from portal.models import Notification
from portal.models.notifications import render
from tests.hazards.factories import record

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def hazard(cast, django_capture_on_commit_callbacks) -> Hazard:
    """A Chinese-speaking enterprise user records a major hazard: the enterprise
    and its district are notified."""
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        return record(cast, grade=Hazard.Grade.MAJOR)


def english(hazard: Hazard) -> str:
    return f"{hazard.enterprise.name} · hazard {hazard.number}: Reported"


def chinese(hazard: Hazard) -> str:
    return f"{hazard.enterprise.name} · 隐患 {hazard.number}：已报告"


def page_text(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def api_text(user, language: str) -> list[str]:
    api = APIClient()
    api.force_authenticate(user)
    body = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE=language).json()
    return [row["text"] for row in body["results"]]


def test_the_same_row_reads_in_each_readers_language(cast, hazard, client_for):
    note = Notification.objects.get(recipient=cast.district)
    assert note.message == {
        "msgid": "%(enterprise)s · hazard %(number)s: %(status)s",
        "params": {
            "enterprise": hazard.enterprise.name,
            "number": hazard.number,
            "status": {"msgid": "Reported (已报告)"},
        },
    }
    # The stored text: the portal's language, for the admin.
    assert note.text == chinese(hazard)

    # The English-speaking district official: English on the page and in the API,
    # the enterprise's name and the hazard's number as they were typed.
    district = client_for(cast.district)
    page = page_text(district, "en")
    assert english(hazard) in page
    assert chinese(hazard) not in page
    assert api_text(cast.district, "en") == [english(hazard)]
    leftover = english(hazard).replace(hazard.enterprise.name, "").replace(hazard.number, "")
    assert not CJK.search(leftover)

    # Read in Chinese, the same row is Chinese.
    assert chinese(hazard) in page_text(district, "zh-hans")
    assert api_text(cast.district, "zh-hans") == [chinese(hazard)]


def test_the_digest_goes_out_in_each_recipients_language(cast, client_for, hazard):
    client_for(cast.district).post(
        reverse("notification_preference"), {"email": "daily", "language": "en"}
    )
    assert notify.language_preference(cast.district) == "en"
    assert notify.language_preference(cast.enterprise) == "zh-hans"  # the default
    assert notify.send_daily_digests() >= 3
    to = {message.to[0]: message for message in mail.outbox}

    in_english = to[cast.district.email]
    assert in_english.subject == "Work safety portal: 1 new notification"
    assert english(hazard) in in_english.body
    assert "What happened in the work safety portal" in in_english.body
    assert not CJK.search(in_english.body.replace(hazard.enterprise.name, ""))

    for user in (cast.enterprise, cast.district_staff):
        in_chinese = to[user.email]
        assert in_chinese.subject == "安全生产标准化管理平台：1 条新通知"
        assert chinese(hazard) in in_chinese.body


def test_a_mail_at_once_is_in_the_recipients_language(cast, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(cast.district)
    response = api.put(
        "/api/v1/notifications/preference/",
        {"email": "immediate", "language": "en"},
        format="json",
    )
    assert response.json() == {"email": "immediate", "language": "en"}
    notify.set_email_preference(user=cast.enterprise, choice="immediate")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        hazard = record(cast, grade=Hazard.Grade.MAJOR)
    to = {message.to[0]: message for message in mail.outbox}
    assert to[cast.district.email].subject == english(hazard)
    assert to[cast.enterprise.email].subject == chinese(hazard)


def test_an_unknown_language_is_refused_and_changes_nothing(cast, client_for):
    api = APIClient()
    api.force_authenticate(cast.district)
    response = api.put("/api/v1/notifications/preference/", {"language": "fr"}, format="json")
    assert response.status_code == 400 and "language" in response.json()
    client = client_for(cast.district)
    client.post(reverse("notification_preference"), {"email": "daily", "language": "fr"})
    assert notify.language_preference(cast.district) == "zh-hans"
    # Setting the language alone keeps the e-mail choice.
    notify.set_email_preference(user=cast.district, choice="immediate")
    api.put("/api/v1/notifications/preference/", {"language": "en"}, format="json")
    assert notify.email_preference(cast.district) == "immediate"
    assert notify.language_preference(cast.district) == "en"


def test_rows_written_before_show_their_text(cast, client_for):
    Notification.objects.create(recipient=cast.district, text="申请1 · 已受理", url="/x/")
    assert "申请1 · 已受理" in page_text(client_for(cast.district), "en")
    assert api_text(cast.district, "en") == ["申请1 · 已受理"]


def test_plurals_lists_and_contexts_are_translated_when_read():
    escalated = notify.message(
        notify.ngettext_noop(
            "%(count)s worklist item overdue more than %(days)s days was escalated to your office.",
            "%(count)s worklist items overdue more than %(days)s days were escalated "
            "to your office.",
        ),
        count=3,
        days=5,
    )
    names = notify.message(
        gettext_noop(
            "%(count)d of your review reports are in verification batch “%(batch)s” of "
            "%(organiser)s. Drawn for an on-site re-check: %(names)s."
        ),
        count=2,
        batch="B1",
        organiser="协会",
        names=["甲", "乙"],
    )
    suspended = notify.message(notify.label(Certificate.Status, "suspended"))
    assert suspended == {"msgid": "Suspended", "context": "certificate"}
    with translation.override("en"):
        assert render(escalated).startswith("3 worklist items overdue more than 5 days were")
        assert render({**escalated, "params": {"count": 1, "days": 5}}).startswith(
            "1 worklist item overdue"
        )
        assert render(names).endswith("Drawn for an on-site re-check: 甲, 乙.")
        assert render(suspended) == "Suspended"
    with translation.override("zh-hans"):
        assert CJK.search(render(escalated))
        assert render(names).endswith("抽中现场复核的企业：甲、乙。")
        assert render(suspended) == "已暂停"


def test_a_translation_that_does_not_fit_falls_back_to_the_message_as_written():
    broken = {"msgid": "%(missing)s and %(name)s", "params": {"name": "x"}}
    assert render(broken) == "%(missing)s and %(name)s"
    assert render({"msgid": "Hello %(name)s", "params": {"name": "x"}}) == "Hello x"

"""Notifications: one daily digest e-mail per user instead of one per move (or
one each for who chose so), grouped per day and per application on the page,
in the digest and in the API. The digest job runs without a browser."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from portal import notify
from portal.models import Notification
from portal.models.notifications import NotificationPreference

DAY = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Beijing
APP_1, APP_2 = "/applications/1/", "/applications/2/"


def three_moves(cast):
    """Three moves of application 1 and one of application 2 for the enterprise."""
    for text, url in (
        ("申请1 · 已受理", APP_1),
        ("申请1 · 已委派评审", APP_1),
        ("申请2 · 已提交", APP_2),
        ("申请1 · 现场评审", APP_1),
    ):
        notify.notify([cast.enterprise.organisation_id], text, url)


@pytest.fixture
def en(client_for, cast):
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_moves_send_no_mail_at_once_and_one_digest_a_day(cast):
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
        assert mail.outbox == []  # the default is the daily digest
        assert notify.send_daily_digests() == 2  # the admin and the staff member
    to = sorted(message.to[0] for message in mail.outbox)
    assert to == sorted([cast.enterprise.email, cast.enterprise_staff.email])
    body = next(m.body for m in mail.outbox if m.to == [cast.enterprise.email])
    # One entry per application, its earlier moves under it, with its link.
    assert body.count(f"{settings.PORTAL_BASE_URL.rstrip('/')}{APP_1}") == 1
    assert body.count(APP_2) == 1
    assert body.index("申请1 · 现场评审") < body.index("申请1 · 已委派评审")
    assert "2026-12-07" in body
    # In the portal's language (zh-hans): the count of the new notifications.
    assert mail.outbox[0].subject == "安全生产标准化管理平台：4 条新通知"
    assert "按申请汇总" in body
    # A second run the same day sends nothing, even with news since.
    with time_machine.travel(DAY + datetime.timedelta(hours=2), tick=False):
        notify.notify([cast.enterprise.organisation_id], "申请2 · 已受理", APP_2)
        assert notify.send_daily_digests() == 0
    assert len(mail.outbox) == 2
    # The next day the news of the evening goes out, once.
    with time_machine.travel(DAY + datetime.timedelta(days=1), tick=False):
        assert notify.send_daily_digests() == 2
    latest = [m for m in mail.outbox[2:] if m.to == [cast.enterprise.email]]
    assert len(latest) == 1 and "申请2 · 已受理" in latest[0].body
    assert "申请1" not in latest[0].body


def test_notifications_read_in_the_portal_are_not_mailed(cast, client_for):
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
        client_for(cast.enterprise).post(reverse("notifications_read_all"))
        notify.send_daily_digests()
    assert [m.to for m in mail.outbox] == [[cast.enterprise_staff.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_who_chose_one_mail_each_gets_it_at_once_and_no_digest(cast):
    notify.set_email_preference(user=cast.enterprise, choice="immediate")
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
        assert [m.to for m in mail.outbox] == [[cast.enterprise.email]] * 4
        assert mail.outbox[0].body.endswith(f"{settings.PORTAL_BASE_URL.rstrip('/')}{APP_1}")
        notify.send_daily_digests()
    assert [m.to for m in mail.outbox[4:]] == [[cast.enterprise_staff.email]]


def test_a_user_without_an_address_or_inactive_gets_no_mail(cast):
    cast.enterprise.email = ""
    cast.enterprise.save(update_fields=["email"])
    cast.enterprise_staff.is_active = False
    cast.enterprise_staff.save(update_fields=["is_active"])
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
        assert notify.send_daily_digests() == 0
    assert mail.outbox == []


def test_the_page_groups_per_day_and_application_and_reading_one_reads_its_thread(
    cast, en, django_assert_max_num_queries
):
    with time_machine.travel(DAY - datetime.timedelta(days=1), tick=False):
        notify.notify([cast.enterprise.organisation_id], "申请1 · 已提交", APP_1)
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
    with django_assert_max_num_queries(10):
        page = en.get(reverse("notifications"))
    days = page.context["days"]
    assert [d.date.isoformat() for d in days] == ["2026-12-07", "2026-12-06"]
    assert [(t.url, len(t.items)) for t in days[0].threads] == [(APP_1, 3), (APP_2, 1)]
    html = page.content.decode()
    assert "3 updates" in html and "Earlier the same day" in html
    latest = days[0].threads[0].latest
    en.post(reverse("notification_read", args=[latest.pk]))
    unread = Notification.objects.filter(recipient=cast.enterprise, read_at__isnull=True)
    assert sorted(unread.values_list("text", flat=True)) == ["申请2 · 已提交"]


def test_the_preference_is_set_on_the_page_and_bad_input_changes_nothing(cast, en):
    en.post(reverse("notification_preference"), {"email": "immediate"})
    assert notify.email_preference(cast.enterprise) == "immediate"
    response = en.post(reverse("notification_preference"), {"email": "hourly"}, follow=True)
    assert "Choose a daily digest or one e-mail per notification." in response.content.decode()
    assert notify.email_preference(cast.enterprise) == "immediate"
    assert NotificationPreference.objects.filter(user=cast.enterprise_staff).count() == 0
    assert en.get(reverse("notification_preference")).status_code == 405


def test_the_api_groups_and_sets_the_preference(cast):
    with time_machine.travel(DAY, tick=False):
        three_moves(cast)
    api = APIClient()
    api.force_authenticate(cast.enterprise)
    body = api.get("/api/v1/notifications/grouped/").json()
    (day,) = body["results"]
    assert day["date"] == "2026-12-07"
    assert [(t["url"], t["unread"], len(t["notifications"])) for t in day["threads"]] == [
        (APP_1, 3, 3),
        (APP_2, 1, 1),
    ]
    daily = {"email": "daily", "language": "zh-hans"}
    assert api.get("/api/v1/notifications/preference/").json() == daily
    assert (
        api.put("/api/v1/notifications/preference/", {"email": "hourly"}, format="json").status_code
        == 400
    )
    assert notify.email_preference(cast.enterprise) == "daily"
    response = api.put("/api/v1/notifications/preference/", {"email": "immediate"}, format="json")
    assert response.json() == {"email": "immediate", "language": "zh-hans"}
    # Another user's notifications and preference are not there.
    api.force_authenticate(cast.district)
    assert api.get("/api/v1/notifications/grouped/").json()["results"] == []
    assert api.get("/api/v1/notifications/preference/").json() == daily


def test_the_digest_runs_every_day_from_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["notification-digest"]
    assert entry["task"] == "portal.send_daily_digests"
    assert notify.send_daily_digests_task.name == "portal.send_daily_digests"

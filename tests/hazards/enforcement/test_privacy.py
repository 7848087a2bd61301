"""A tip-off's reporter is seen by the receiving office's users and by nobody else:
not on any page, API answer (detail or list), export, audit-log page or notification
of another role, nor on the public pages; a tip-off asked for by id is 404 for them."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hazards.enforcement import services
from hazards.models import Hazard
from portal.models import AuditEvent, Notification
from tests.hazards.enforcement.world import CONTACT, REPORTER, named_tip_off

OTHERS = [
    "city",
    "district",
    "district_staff",
    "other_street",
    "regulator",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_district",
    "association",
    "reviewer",
    "other_enterprise",
]


@pytest.fixture
def confirmed(cast):
    """A named tip-off received by 建外街道, confirmed into a hazard of the enterprise."""
    tip_off = named_tip_off(cast)
    today = timezone.localdate()
    services.tip_off_confirm(
        actor=cast.street,
        tip_off=tip_off,
        outcome="核查属实",
        found_on=today,
        location="仓库",
        description="消防通道堵塞。",
        category=Hazard.Category.SITE,
        deadline=today + datetime.timedelta(days=3),
    )
    tip_off.refresh_from_db()
    return tip_off


def unzipped(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def no_reporter(text: str) -> bool:
    return REPORTER not in text and CONTACT not in text


def test_the_receiving_office_sees_the_reporter_in_the_api(cast, client_for, confirmed):
    client = client_for(cast.street)
    detail = client.get(reverse("api-tip-off-detail", args=[confirmed.pk])).json()
    assert detail["reporter_name"] == REPORTER
    listed = client.get(reverse("api-tip-off-list")).json()
    assert listed["results"][0]["reporter_contact"] == CONTACT


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_learns_the_reporter(cast, client_for, confirmed, who):
    client = client_for(getattr(cast, who))
    # The tip-off by id: 404 on the page and in the API, whatever the role.
    for name in ("hazards:enforcement:tip_off", "api-tip-off-detail"):
        assert client.get(reverse(name, args=[confirmed.pk])).status_code == 404
    for name in ("hazards:enforcement:tip_off_confirm", "hazards:enforcement:tip_off_dismiss"):
        assert client.post(reverse(name, args=[confirmed.pk]), {"outcome": "x"}).status_code == 404
    # Lists: refused, or without it.
    for name in ("hazards:enforcement:tip_offs", "api-tip-off-list"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 403)
        assert no_reporter(response.content.decode())
    # The hazard it became, its export, the ledger, the audit log, notifications.
    texts = []
    for url in (
        reverse("hazards:detail", args=[confirmed.hazard_id]),
        reverse("api-hazard-detail", args=[confirmed.hazard_id]),
        reverse("hazards:list"),
        reverse("api-hazard-list"),
        reverse("audit_log"),
        reverse("notifications"),
        reverse("api-notification-list"),
    ):
        texts.append(client.get(url).content.decode())
    for url in (
        reverse("hazards:export"),
        reverse("api-hazard-export"),
        reverse("hazards:enforcement:tip_offs_export"),
        reverse("api-tip-off-export"),
    ):
        response = client.get(url)
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            texts.append(unzipped(b"".join(response.streaming_content)))
    assert all(no_reporter(text) for text in texts)


def test_only_the_receiving_office_exports_the_reporter(cast, client_for, confirmed):
    own = client_for(cast.street).get(reverse("api-tip-off-export"))
    assert REPORTER in unzipped(b"".join(own.streaming_content))
    # Another street office exports its own tip-offs: none of this one, no reporter.
    other = client_for(cast.other_street).get(reverse("hazards:enforcement:tip_offs_export"))
    assert other.status_code == 200
    assert no_reporter(unzipped(b"".join(other.streaming_content)))


def test_no_audit_row_or_notification_holds_the_reporter(cast, confirmed):
    for event in AuditEvent.objects.all():
        assert no_reporter(f"{event.before} {event.after} {event.object_repr}")
    for notice in Notification.objects.all():
        assert no_reporter(notice.text)


def test_the_city_office_reads_the_audit_log_without_the_reporter(cast, client_for, confirmed):
    page = client_for(cast.city).get(reverse("audit_log"), {"action": "hazard.tip_off"})
    text = page.content.decode()
    assert page.status_code == 200 and "hazard.tip_off.receive" in text
    assert no_reporter(text)


def test_the_public_pages_never_show_the_reporter(cast, confirmed):
    anonymous = Client()
    for url in ("/public/supervision/", "/public/"):
        response = anonymous.get(url, follow=True)
        assert no_reporter(response.content.decode())
    assert anonymous.get(reverse("api-tip-off-detail", args=[confirmed.pk])).status_code in (
        401,
        403,
    )

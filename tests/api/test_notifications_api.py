"""/api/v1/notifications/: the user's own notifications, and marking them read."""

from __future__ import annotations

import pytest

from portal.models import Notification

URL = "/api/v1/notifications/"


@pytest.fixture
def notes(cast):
    """Three for the enterprise admin (one already read), one for its colleague."""
    from django.utils import timezone

    made = [
        Notification.objects.create(
            recipient=cast.enterprise, text=f"通知{n}", url="/applications/1/"
        )
        for n in range(3)
    ]
    made[0].read_at = timezone.now()
    made[0].save(update_fields=["read_at"])
    other = Notification.objects.create(recipient=cast.enterprise_staff, text="同事的通知")
    return made, other


def ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_a_user_lists_only_their_own_and_filters_unread(api_for, cast, notes):
    made, other = notes
    client = api_for(cast.enterprise)
    assert ids(client.get(URL)) == {n.pk for n in made}
    assert ids(client.get(URL, {"unread": "true"})) == {made[1].pk, made[2].pk}
    assert ids(api_for(cast.enterprise_staff).get(URL)) == {other.pk}
    assert ids(api_for(cast.district).get(URL)) == set()


def test_marking_given_ids_read(api_for, cast, notes):
    made, other = notes
    client = api_for(cast.enterprise)
    response = client.post(f"{URL}read/", {"ids": [made[1].pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    assert ids(client.get(URL, {"unread": "true"})) == {made[2].pk}


def test_marking_all_read_leaves_other_users_alone(api_for, cast, notes):
    made, other = notes
    response = api_for(cast.enterprise).post(f"{URL}read/", {}, format="json")
    assert response.json() == {"marked": 2, "unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_another_users_notification_cannot_be_marked(api_for, cast, notes):
    made, other = notes
    response = api_for(cast.enterprise).post(
        f"{URL}read/", {"ids": [made[2].pk, other.pk]}, format="json"
    )
    assert response.status_code == 400
    assert str(other.pk) in response.json()["ids"][0]
    assert Notification.objects.filter(read_at__isnull=True).count() == 3  # nothing written


def test_unknown_fields_anonymous_and_inactive_are_refused(api, api_for, cast, notes, pending_user):
    response = api_for(cast.enterprise).post(f"{URL}read/", {"all": True}, format="json")
    assert response.status_code == 400
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    assert api.get(URL).status_code == 401
    assert api.post(f"{URL}read/", {}, format="json").status_code == 401
    assert api_for(pending_user).get(URL).status_code == 403

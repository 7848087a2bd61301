"""/api/v1/users/: one's own organisation's users; admins invite and deactivate."""

import pytest

from portal.models import AuditEvent, User

URL = "/api/v1/users/"


def usernames(response):
    assert response.status_code == 200
    return {row["username"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("district", {"t-district", "t-district-staff"}),
        ("district_staff", {"t-district", "t-district-staff"}),
        ("enterprise_staff", {"t-enterprise", "t-enterprise-staff"}),
        ("regulator", {"t-regulator"}),
        ("reviewer", {"t-reviewer"}),
    ],
)
def test_the_list_shows_the_own_organisations_users(api_for, cast, role, expected):
    assert usernames(api_for(getattr(cast, role)).get(URL)) == expected


def test_the_city_office_sees_every_user(api_for, cast):
    assert usernames(api_for(cast.city).get(URL)) == set(
        User.objects.values_list("username", flat=True)
    )


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("district", "district_staff", 200),
        ("district_staff", "district", 200),
        ("district", "other_district", 404),
        ("enterprise", "district", 404),
        ("city", "district", 200),
    ],
)
def test_retrieve_is_404_outside_the_scope(api_for, cast, role, target, expected):
    response = api_for(getattr(cast, role)).get(f"{URL}{getattr(cast, target).pk}/")

    assert response.status_code == expected


def invite(client, **extra):
    return client.post(
        URL,
        {
            "username": "t-new",
            "full_name": "赵六",
            "email": "new@example.cn",
            "role": "staff",
            **extra,
        },
        format="json",
    )


def test_an_admin_invites_a_user_and_gets_the_invitation_link(api_for, cast):
    response = invite(api_for(cast.district))

    assert response.status_code == 201, response.content
    body = response.json()
    user = User.objects.get(username="t-new")
    assert user.organisation == cast.district.organisation
    assert not user.has_usable_password()
    assert body["invitation_path"].startswith("/accounts/set-password/")
    assert body["invitation_url"].endswith(body["invitation_path"])
    assert body["full_name"] == "赵六" and body["role"] == "staff"
    event = AuditEvent.objects.get(action="user.invite")
    assert event.actor == cast.district and event.object_id == str(user.pk)


@pytest.mark.parametrize("role", ["district_staff", "enterprise_staff"])
def test_staff_cannot_invite(api_for, cast, role):
    response = invite(api_for(getattr(cast, role)))

    assert response.status_code == 403
    assert not User.objects.filter(username="t-new").exists()
    assert not AuditEvent.objects.exists()


def test_a_taken_username_is_named(api_for, cast):
    response = invite(api_for(cast.district), username="T-City")

    assert response.status_code == 400
    assert "T-City" in response.json()["username"][0]
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"role": "owner"}, "role"),
        ({"username": "has space"}, "username"),
    ],
)
def test_bad_invitation_input_is_named(api_for, cast, extra, field):
    response = invite(api_for(cast.district), **extra)

    assert response.status_code == 400
    assert field in response.json()
    assert not AuditEvent.objects.exists()


def test_an_invitation_with_an_unknown_field_writes_nothing(api_for, cast):
    response = invite(api_for(cast.district), organisation=cast.other_district.organisation_id)

    assert response.status_code == 400
    assert "Unknown field: organisation." in response.json()["non_field_errors"][0]
    assert not User.objects.filter(username="t-new").exists()


def test_an_admin_deactivates_and_reactivates_their_staff(api_for, cast):
    client = api_for(cast.district)
    staff_client = api_for(cast.district_staff)

    response = client.post(f"{URL}{cast.district_staff.pk}/deactivate/")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    cast.district_staff.refresh_from_db()
    assert cast.district_staff.is_active is False
    assert staff_client.get("/api/v1/me/").status_code == 401  # the token stops working
    assert AuditEvent.objects.get().action == "user.deactivate"

    response = client.post(f"{URL}{cast.district_staff.pk}/activate/")

    assert response.status_code == 200
    assert staff_client.get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.filter(action="user.activate").count() == 1


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("district_staff", "district", 403),  # staff, same organisation
        ("city", "district", 403),  # sees all users, manages only its own
        ("district", "other_district", 404),  # another organisation
        ("enterprise", "district_staff", 404),
    ],
)
def test_deactivation_by_others_is_refused(api_for, cast, role, target, expected):
    target_user = getattr(cast, target)

    response = api_for(getattr(cast, role)).post(f"{URL}{target_user.pk}/deactivate/")

    assert response.status_code == expected
    target_user.refresh_from_db()
    assert target_user.is_active
    assert not AuditEvent.objects.exists()


def test_an_admin_cannot_deactivate_themselves(api_for, cast):
    response = api_for(cast.district).post(f"{URL}{cast.district.pk}/deactivate/")

    assert response.status_code == 400
    assert "your own account" in response.json()["non_field_errors"][0]
    cast.district.refresh_from_db()
    assert cast.district.is_active


def test_deactivate_refuses_a_body(api_for, cast):
    response = api_for(cast.district).post(
        f"{URL}{cast.district_staff.pk}/deactivate/", {"reason": "left"}, format="json"
    )

    assert response.status_code == 400
    assert "Unknown field: reason." in response.json()["non_field_errors"][0]
    cast.district_staff.refresh_from_db()
    assert cast.district_staff.is_active


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_users_are_not_edited_or_deleted_directly(api_for, cast, method):
    response = getattr(api_for(cast.district), method)(
        f"{URL}{cast.district_staff.pk}/", {"role": "admin"}, format="json"
    )

    assert response.status_code == 405

"""Logging in, throttling, inviting and deactivating staff, managing organisations."""

from django.test import override_settings
from django.urls import reverse

from portal.models import AuditEvent, Organisation, User
from tests.cast import PASSWORD


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_demo_login_lands_on_the_home_page(client, cast):
    response = login(client, "t-district", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "朝阳区人民政府" in page


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_throttled(client, cast):
    for _ in range(3):
        assert login(client, "t-district", "wrong").status_code == 200
    response = login(client, "t-district", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another username from the same address is not locked out.
    assert login(client, "t-city", PASSWORD).status_code == 302


def test_an_admin_invites_a_colleague_who_sets_a_password(client, cast, client_for):
    admin = client_for(cast.district)
    response = admin.post(
        reverse("staff_invite"),
        {
            "username": "li-na",
            "full_name": "李娜",
            "email": "lina@example.cn",
            "phone": "",
            "role": "staff",
        },
    )
    link = response.context["invitation"]
    user = User.objects.get(username="li-na")
    assert user.organisation == cast.district.organisation
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="user.invite", object_id=str(user.pk)).exists()
    client.logout()
    page = client.get(link, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(set_url, {"new_password1": "Neue-Pass-2026", "new_password2": "Neue-Pass-2026"})
    assert login(client, "li-na", "Neue-Pass-2026").status_code == 302


def test_a_taken_username_is_refused(cast, client_for):
    before = User.objects.count()
    response = client_for(cast.district).post(
        reverse("staff_invite"),
        {
            "username": "t-city",
            "full_name": "x",
            "email": "x@example.cn",
            "role": "staff",
        },
    )
    assert "已被占用" in str(response.context["form"].errors["username"])
    assert User.objects.count() == before


def test_an_admin_deactivates_a_colleague_who_can_no_longer_log_in(client, cast, client_for):
    admin = client_for(cast.enterprise)
    admin.post(reverse("staff_update", args=[cast.enterprise_staff.pk]), {"action": "deactivate"})
    cast.enterprise_staff.refresh_from_db()
    assert cast.enterprise_staff.is_active is False
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.before == {"is_active": True}
    client.logout()
    assert login(client, "t-enterprise-staff", PASSWORD).status_code == 200


def test_an_admin_cannot_deactivate_themselves(cast, client_for):
    client_for(cast.enterprise).post(
        reverse("staff_update", args=[cast.enterprise.pk]), {"action": "deactivate"}
    )
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.is_active is True


def test_the_city_office_creates_a_review_unit_with_qualifications(cast, client_for):
    response = client_for(cast.city).post(
        reverse("organisation_new"),
        {
            "name": "北京中安评审中心",
            "kind": "review_unit",
            "status": "active",
            "status_reason": "",
            "region": "",
            "contact_name": "王强",
            "contact_phone": "010-1",
            "qualifications": ["machinery:3", "commerce:3"],
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="北京中安评审中心")
    assert sorted(org.qualifications.values_list("industry", "tier")) == [
        ("commerce", "3"),
        ("machinery", "3"),
    ]
    event = AuditEvent.objects.get(action="organisation.create", object_id=str(org.pk))
    assert event.after["qualifications"] == ["commerce:3", "machinery:3"]


def test_a_district_government_without_a_district_is_refused(cast, client_for):
    before = Organisation.objects.count()
    response = client_for(cast.city).post(
        reverse("organisation_new"),
        {
            "name": "某区政府",
            "kind": "district",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert Organisation.objects.count() == before


def test_switching_the_language_switches_the_page(client, cast):
    client.force_login(cast.city)
    assert "首页" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Home" in client.get(reverse("home")).content.decode()

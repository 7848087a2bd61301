"""Every page of the foundation issue, for every role: 200, 403 or 404 as designed.

Outside its scope a user gets 404; inside its scope with the wrong role, 403.
"""

import pytest
from django.urls import reverse

ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "street",
    "other_street",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]


def expect(table: dict, default: int) -> list[tuple[str, int]]:
    return [(role, table.get(role, default)) for role in ROLES]


def fetch(client_for, cast, role, url):
    return client_for(getattr(cast, role)).get(url)


@pytest.mark.parametrize(("role", "status"), expect({}, 200))
def test_home_page_answers_every_role(cast, client_for, role, status):
    assert fetch(client_for, cast, role, reverse("home")).status_code == status


@pytest.mark.parametrize(("role", "status"), expect({}, 200))
def test_registry_list_answers_every_acting_role(cast, client_for, role, status):
    assert fetch(client_for, cast, role, reverse("enterprises:list")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    expect(
        {
            "other_district": 404,
            "other_street": 404,
            "other_regulator": 404,
            "reviewer": 404,
            "other_enterprise": 404,
        },
        200,
    ),
)
def test_enterprise_detail_scope(cast, client_for, role, status):
    url = reverse("enterprises:detail", args=[cast.ent.pk])
    assert fetch(client_for, cast, role, url).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    expect(
        {
            "city": 200,
            "district": 200,
            "district_staff": 200,
            "other_district": 404,
            "other_street": 404,
            "other_regulator": 404,
            "reviewer": 404,
            "other_enterprise": 404,
        },
        403,  # the street office reads its street's enterprises, never edits them
    ),
)
def test_enterprise_edit_scope(cast, client_for, role, status):
    url = reverse("enterprises:edit", args=[cast.ent.pk])
    assert fetch(client_for, cast, role, url).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    expect({"city": 200, "district": 200, "district_staff": 200, "other_district": 200}, 403),
)
def test_new_enterprise_and_registrations_pages_are_for_city_and_districts(
    cast, client_for, role, status
):
    assert fetch(client_for, cast, role, reverse("enterprises:new")).status_code == status
    assert fetch(client_for, cast, role, reverse("enterprises:registrations")).status_code == status


@pytest.mark.parametrize(("role", "status"), expect({"city": 200}, 403))
def test_organisation_pages_are_for_the_city_office(cast, client_for, role, status):
    assert fetch(client_for, cast, role, reverse("organisations")).status_code == status
    org_url = reverse("organisation_edit", args=[cast.district.organisation_id])
    assert fetch(client_for, cast, role, org_url).status_code == status
    assert fetch(client_for, cast, role, reverse("audit_log")).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), expect({"district_staff": 403, "enterprise_staff": 403}, 200)
)
def test_staff_pages_are_for_organisation_admins(cast, client_for, role, status):
    assert fetch(client_for, cast, role, reverse("staff")).status_code == status
    assert fetch(client_for, cast, role, reverse("staff_invite")).status_code == status


@pytest.mark.parametrize("role", ["district", "other_district", "city", "enterprise"])
def test_an_admin_cannot_touch_another_organisations_staff(cast, client_for, role):
    url = reverse("staff_update", args=[cast.enterprise_staff.pk])
    client = client_for(getattr(cast, role))
    response = client.post(url, {"action": "deactivate"})
    cast.enterprise_staff.refresh_from_db()
    if role == "enterprise":
        assert response.status_code == 302
        assert cast.enterprise_staff.is_active is False
    else:
        assert response.status_code == 404
        assert cast.enterprise_staff.is_active is True


@pytest.mark.parametrize(("role", "status"), expect({"city": 200}, 302))
def test_django_admin_is_for_the_city_office(cast, client_for, role, status):
    response = fetch(client_for, cast, role, "/admin/")
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast):
    for url in [
        reverse("home"),
        reverse("enterprises:list"),
        reverse("enterprises:detail", args=[cast.ent.pk]),
        reverse("audit_log"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_registry_list_shows_only_what_is_in_scope(cast, client_for):
    page = client_for(cast.other_district).get(reverse("enterprises:list")).content.decode()
    assert cast.other_ent.name in page
    assert cast.ent.name not in page
    page = client_for(cast.enterprise).get(reverse("enterprises:list")).content.decode()
    assert cast.ent.name in page
    assert cast.other_ent.name not in page
    page = client_for(cast.reviewer).get(reverse("enterprises:list")).content.decode()
    assert cast.ent.name not in page and cast.other_ent.name not in page


def test_a_street_office_never_lists_an_enterprise_of_another_street_or_district(cast, client_for):
    from tests.cast import make_enterprise

    make_enterprise("北京朝外百货商店", cast.chaoyang, 30, street=cast.other_chaoyang_street)
    make_enterprise("北京朝阳无街道机械厂", cast.chaoyang, 31)  # 朝阳区, no street recorded
    page = client_for(cast.street).get(reverse("enterprises:list")).content.decode()
    assert cast.ent.name in page
    for name in ("北京朝外百货商店", "北京朝阳无街道机械厂", cast.other_ent.name):
        assert name not in page
    page = client_for(cast.other_street).get(reverse("enterprises:list")).content.decode()
    assert "北京朝外百货商店" in page
    assert cast.ent.name not in page and "北京朝阳无街道机械厂" not in page


def test_the_icon_is_served_from_the_portal(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"


@pytest.mark.parametrize("role", ["pending", "rejected"])
def test_an_account_that_may_not_act_sees_only_its_status(cast, client_for, role):
    client = client_for(getattr(cast, role))
    home = client.get(reverse("home")).content.decode()
    assert f'data-status="{role}"' in home
    assert 'data-testid="bell"' not in home
    urls = [
        reverse("enterprises:list"),
        reverse("enterprises:mine"),
        reverse("enterprises:detail", args=[cast.ent.pk]),
        reverse("enterprises:detail", args=[10**9]),  # the same answer as for a real one
        reverse("enterprises:registrations"),
        reverse("organisations"),
        reverse("staff"),
        reverse("audit_log"),
        reverse("notifications"),
        reverse("certification:list"),
        reverse("assessments:list"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    # The Django admin's own gate sends them to its login page.
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("staff_invite"), {"username": "someone"})
    assert response.status_code == 403

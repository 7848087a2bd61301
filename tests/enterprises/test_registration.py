"""Enterprise self-registration and its verification by the district."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from enterprises.models import Enterprise, RegistrationClaim
from enterprises.uscc import make_uscc
from portal.models import AuditEvent, Organisation, User

USCC = make_uscc("110105", "MA0000999")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Registrations are counted per address in the cache."""
    cache.clear()
    yield
    cache.clear()


def form(**overrides):
    data = {
        "uscc": USCC,
        "name": "北京朝阳新兴机械厂",
        "region": "110105",
        "street": "",
        "contact_name": "张伟",
        "contact_phone": "13800000000",
        "email": "zw@example.cn",
        "username": "xinxing",
        "password": "Strong-pass-2026",
    }
    data.update(overrides)
    return data


def counts():
    return (
        Enterprise.objects.count(),
        RegistrationClaim.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def register(client, **overrides):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("register"), form(**overrides))


def test_an_enterprise_registers_and_waits_for_its_district(client, cast):
    response = register(client, street=str(cast.chaoyang_street.pk))
    assert response.status_code == 302
    claim = RegistrationClaim.objects.get(uscc=USCC)
    assert claim.status == RegistrationClaim.Status.PENDING
    assert claim.street == cast.chaoyang_street
    assert claim.account.status == Organisation.Status.PENDING
    assert claim.account.users.get().username == "xinxing"
    # Nothing in the registry until the district approves.
    assert not Enterprise.objects.filter(uscc=USCC).exists()
    home = client.get(reverse("home")).content.decode()
    assert 'data-status="pending"' in home
    assert "Registration received. Your district government will verify it." in home
    # A pending account may not act yet.
    assert client.get(reverse("enterprises:list")).status_code == 403
    event = AuditEvent.objects.get(action="enterprise.registration.claim")
    assert event.after["uscc"] == USCC


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"uscc": USCC[:17] + ("0" if USCC[-1] != "0" else "1")},
            "uscc",
            f"should be “{USCC[-1]}”",
        ),
        ({"region": "110199"}, "region", "This district does not exist."),
        ({"name": ""}, "name", "This field is required."),
        ({"password": "123"}, "password", "too short"),
    ],
)
def test_bad_registrations_are_explained_and_write_nothing(client, cast, overrides, field, message):
    before = counts()
    response = register(client, **overrides)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert counts() == before


def test_a_street_from_another_district_is_refused(client, cast):
    haidian_street = cast.haidian.streets.get()
    response = register(client, street=str(haidian_street.pk))
    assert "not in the chosen district" in str(response.context["form"].errors["street"])
    assert not RegistrationClaim.objects.filter(uscc=USCC).exists()


def test_a_taken_username_is_explained_and_writes_nothing(client, cast):
    before = counts()
    response = register(client, username=cast.district.username.upper())
    assert "is taken" in str(response.context["form"].errors["username"])
    assert counts() == before


def test_the_claimant_does_not_learn_the_district_of_the_claim(client, cast):
    register(client)
    page = client.get(reverse("home")).content.decode()
    assert (
        cast.chaoyang.name
        not in page.split('data-testid="registration-status"')[1].split("</div>")[0]
    )


def test_the_district_approves_and_the_enterprise_can_act(client, cast, client_for):
    register(client)
    claim = RegistrationClaim.objects.get(uscc=USCC)
    district = client_for(cast.district)
    listing = district.get(reverse("enterprises:registrations")).content.decode()
    assert USCC in listing
    response = district.post(
        reverse("enterprises:registration_decide", args=[claim.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=USCC)
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert enterprise.name == "北京朝阳新兴机械厂"
    assert enterprise.account == claim.account
    assert enterprise.account.status == Organisation.Status.ACTIVE
    assert enterprise.account.name == "北京朝阳新兴机械厂"
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.APPROVED
    assert claim.enterprise == enterprise
    event = AuditEvent.objects.get(action="enterprise.registration.approve")
    assert event.actor == cast.district
    assert event.before["account_status"] == "pending"
    assert AuditEvent.objects.filter(
        action="enterprise.create", object_id=str(enterprise.pk)
    ).exists()
    client_for(enterprise.account.users.get())
    assert client.get(reverse("enterprises:list")).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 200


def test_a_rejection_needs_a_reason_which_the_enterprise_then_sees(client, cast, client_for):
    register(client)
    claim = RegistrationClaim.objects.get(uscc=USCC)
    url = reverse("enterprises:registration_decide", args=[claim.pk])
    district = client_for(cast.district)
    district.post(url, {"decision": "reject", "reason": "  "})
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.PENDING
    district.post(url, {"decision": "reject", "reason": "营业执照信息与登记不符"})
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.REJECTED
    assert claim.account.status == Organisation.Status.REJECTED
    assert AuditEvent.objects.get(action="enterprise.registration.reject").actor == cast.district
    assert not Enterprise.objects.filter(uscc=USCC).exists()
    client_for(claim.account.users.get())
    home = client.get(reverse("home")).content.decode()
    assert "营业执照信息与登记不符" in home
    assert 'data-status="rejected"' in home


def test_a_decided_registration_cannot_be_decided_again(client, cast, client_for):
    register(client)
    claim = RegistrationClaim.objects.get(uscc=USCC)
    url = reverse("enterprises:registration_decide", args=[claim.pk])
    district = client_for(cast.district)
    district.post(url, {"decision": "reject", "reason": "不符"})
    district.post(url, {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.REJECTED
    assert not Enterprise.objects.filter(uscc=USCC).exists()


@pytest.mark.parametrize("role", ["other_district", "regulator", "enterprise", "reviewer"])
def test_only_the_claims_district_or_the_city_can_decide(client, cast, client_for, role):
    register(client)
    claim = RegistrationClaim.objects.get(uscc=USCC)
    response = client_for(getattr(cast, role)).post(
        reverse("enterprises:registration_decide", args=[claim.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.PENDING
    assert not Enterprise.objects.filter(uscc=USCC).exists()


def test_the_city_office_decides_any_registration(client, cast, client_for):
    register(client)
    claim = RegistrationClaim.objects.get(uscc=USCC)
    client_for(cast.city).post(
        reverse("enterprises:registration_decide", args=[claim.pk]), {"decision": "approve"}
    )
    assert Enterprise.objects.get(uscc=USCC).account == claim.account


def test_the_home_page_counts_the_districts_open_registrations(client, cast, client_for):
    register(client)
    page = client_for(cast.district).get(reverse("home")).content.decode()
    widget = page.split('data-testid="widget-registrations"')[1]
    assert '<p class="display-6 mb-1">1</p>' in widget
    page = client_for(cast.other_district).get(reverse("home")).content.decode()
    widget = page.split('data-testid="widget-registrations"')[1]
    assert '<p class="display-6 mb-1">0</p>' in widget


def test_registration_messages_are_chinese_by_default(client, cast):
    # Even a browser that asks for English gets Chinese until the user switches.
    response = client.post(
        reverse("register"), form(region="110199"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "不存在" in str(response.context["form"].errors["region"])

"""Enterprise self-registration and its verification by the district."""

import pytest
from django.conf import settings
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.uscc import make_uscc
from portal.models import AuditEvent, Organisation, User

USCC = make_uscc("110105", "MA0000999")


def form(**overrides):
    data = {
        "uscc": USCC, "name": "北京朝阳新兴机械厂", "region": "110105", "street": "",
        "contact_name": "张伟", "contact_phone": "13800000000", "email": "zw@example.cn",
        "username": "xinxing", "password": "Strong-pass-2026",
    }
    data.update(overrides)
    return data


def counts():
    return (Enterprise.objects.count(), Organisation.objects.count(), User.objects.count(),
            AuditEvent.objects.count())


def register(client, **overrides):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("register"), form(**overrides))


def test_an_enterprise_registers_and_waits_for_its_district(client, cast):
    response = register(client, street=str(cast.chaoyang_street.pk))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=USCC)
    assert enterprise.status == Enterprise.Status.PENDING
    assert enterprise.account.status == Organisation.Status.PENDING
    assert enterprise.account.users.get().username == "xinxing"
    home = client.get(reverse("home")).content.decode()
    assert 'data-status="pending"' in home
    # A pending account may not act yet.
    assert client.get(reverse("enterprises:list")).status_code == 403
    event = AuditEvent.objects.get(action="enterprise.register")
    assert event.after["uscc"] == USCC


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"uscc": USCC[:17] + ("0" if USCC[-1] != "0" else "1")}, "uscc",
     f"should be “{USCC[-1]}”"),
    ({"region": "110199"}, "region", "This district does not exist."),
    ({"name": ""}, "name", "This field is required."),
    ({"password": "123"}, "password", "too short"),
])
def test_bad_registrations_are_explained_and_write_nothing(client, cast, overrides, field,
                                                           message):
    before = counts()
    response = register(client, **overrides)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert counts() == before


def test_a_street_from_another_district_is_refused(client, cast):
    haidian_street = cast.haidian.streets.get()
    response = register(client, street=str(haidian_street.pk))
    assert "not in the chosen district" in str(response.context["form"].errors["street"])
    assert not Enterprise.objects.filter(uscc=USCC).exists()


def test_an_enterprise_with_an_account_cannot_register_twice(client, cast):
    before = counts()
    response = register(client, uscc=cast.ent.uscc, username="someone-else")
    assert "already exists" in str(response.context["form"].errors["uscc"])
    assert counts() == before


def test_registering_a_known_enterprise_links_the_registry_entry(client, cast):
    known = Enterprise.objects.create(name="北京已登记企业", uscc=USCC, region=cast.chaoyang)
    register(client)
    known.refresh_from_db()
    assert known.account is not None
    assert known.account.status == Organisation.Status.PENDING
    assert Enterprise.objects.filter(uscc=USCC).count() == 1


def test_the_district_approves_and_the_enterprise_can_act(client, cast, client_for):
    register(client)
    enterprise = Enterprise.objects.get(uscc=USCC)
    district = client_for(cast.district)
    listing = district.get(reverse("enterprises:registrations")).content.decode()
    assert USCC in listing
    response = district.post(reverse("enterprises:registration_decide", args=[enterprise.pk]),
                             {"decision": "approve"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert enterprise.account.status == Organisation.Status.ACTIVE
    event = AuditEvent.objects.get(action="enterprise.registration.approve")
    assert event.actor == cast.district
    assert event.before["account_status"] == "pending"
    client_for(enterprise.account.users.get())
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_a_rejection_needs_a_reason_which_the_enterprise_then_sees(client, cast, client_for):
    register(client)
    enterprise = Enterprise.objects.get(uscc=USCC)
    url = reverse("enterprises:registration_decide", args=[enterprise.pk])
    district = client_for(cast.district)
    district.post(url, {"decision": "reject", "reason": "  "})
    enterprise.refresh_from_db()
    assert enterprise.account.status == Organisation.Status.PENDING
    district.post(url, {"decision": "reject", "reason": "营业执照信息与登记不符"})
    enterprise.refresh_from_db()
    assert enterprise.account.status == Organisation.Status.REJECTED
    client_for(enterprise.account.users.get())
    home = client.get(reverse("home")).content.decode()
    assert "营业执照信息与登记不符" in home
    assert 'data-status="rejected"' in home


@pytest.mark.parametrize("role", ["other_district", "regulator", "enterprise", "reviewer"])
def test_only_the_enterprises_district_or_the_city_can_decide(client, cast, client_for, role):
    register(client)
    enterprise = Enterprise.objects.get(uscc=USCC)
    response = client_for(getattr(cast, role)).post(
        reverse("enterprises:registration_decide", args=[enterprise.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.account.status == Organisation.Status.PENDING


def test_registration_messages_are_chinese_by_default(client, cast):
    # Even a browser that asks for English gets Chinese until the user switches.
    response = client.post(reverse("register"), form(region="110199"),
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "不存在" in str(response.context["form"].errors["region"])

"""Self-registration is a claim: it changes nothing in the registry, gives the claimant
no access, and tells an anonymous visitor nothing about the USCC, until the district
decides."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.certificates import signing as verify
from enterprises.models import Enterprise, RegistrationClaim
from enterprises.uscc import make_uscc
from portal.models import AuditEvent, Organisation, User
from tests.cast import PASSWORD, make_enterprise

FRESH = make_uscc("110105", "MA0000777")
REGISTRY_FIELDS = [
    "name",
    "region_id",
    "street_id",
    "contact_name",
    "contact_phone",
    "account_id",
    "status",
    "status_reason",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Registrations are counted per address in the cache."""
    cache.clear()
    yield
    cache.clear()


def form(**overrides):
    data = {
        "uscc": FRESH,
        "name": "北京冒名顶替有限公司",
        "region": "110105",
        "street": "",
        "contact_name": "冒名者",
        "contact_phone": "13900000000",
        "email": "x@example.cn",
        "username": "impostor",
        "password": PASSWORD + "-x",
    }
    data.update(overrides)
    return data


def register(client: Client, ip: str = "10.1.1.1", **overrides):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("register"), form(**overrides), REMOTE_ADDR=ip)


def registry_row(enterprise: Enterprise) -> dict:
    return Enterprise.objects.filter(pk=enterprise.pk).values(*REGISTRY_FIELDS).get()


@pytest.fixture
def unclaimed(cast):
    """A registry entry (imported by its district) that has no account yet."""
    return make_enterprise(
        "北京朝阳真实机械有限公司",
        cast.chaoyang,
        501,
        street=cast.chaoyang_street,
        contact_name="真联系人",
        contact_phone="010-11112222",
    )


@pytest.fixture
def certified(cast):
    """cast.ent with an application and a rendered certificate, then without its account
    (an enterprise whose account was removed): what a claimant must never reach."""
    from tests.certification.test_verify import issue_certificate

    certificate = issue_certificate(cast)
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    certificate.rendered_at = timezone.now()
    certificate.save()
    Enterprise.objects.filter(pk=cast.ent.pk).update(account=None)
    cast.ent.refresh_from_db()
    return certificate


def claimant() -> User:
    return User.objects.get(username="impostor")


# --- the registry stays as it is ------------------------------------------------------


def test_registering_an_enterprise_without_account_changes_nothing_in_the_registry(
    client, cast, unclaimed
):
    before = registry_row(unclaimed)
    count = Enterprise.objects.count()

    response = register(client, uscc=unclaimed.uscc)

    assert response.status_code == 302
    assert registry_row(unclaimed) == before
    assert Enterprise.objects.count() == count
    claim = RegistrationClaim.objects.get(uscc=unclaimed.uscc)
    assert claim.status == RegistrationClaim.Status.PENDING
    assert claim.account.status == Organisation.Status.PENDING
    assert claim.district_id == cast.chaoyang.pk
    assert AuditEvent.objects.filter(
        action="enterprise.registration.claim", object_id=str(claim.pk)
    ).exists()


def test_a_fresh_registration_creates_no_registry_entry(client, cast):
    register(client)
    assert not Enterprise.objects.filter(uscc=FRESH).exists()
    assert RegistrationClaim.objects.get(uscc=FRESH).account.users.get().username == "impostor"


def test_public_pages_keep_the_real_name_after_a_claim(client, cast, certified):
    real_name = cast.ent.name
    register(Client(), uscc=cast.ent.uscc, name="北京冒名顶替有限公司")

    with time_machine.travel("2027-06-01 10:00 +0800"):
        page = client.get(reverse("verify:payload", args=[verify.payload_for(certified)]))
    assert real_name in page.content.decode()
    assert "冒名顶替" not in page.content.decode()
    announcement = client.get(
        reverse("public:announcement_detail", args=[certified.announcement_id])
    )
    assert announcement.status_code == 200
    assert real_name in announcement.content.decode()
    assert "冒名顶替" not in announcement.content.decode()


# --- the claimant reaches nothing ------------------------------------------------------


def test_the_claimant_reaches_none_of_the_enterprises_pages_files_or_api(client, cast, certified):
    register(client, uscc=cast.ent.uscc)
    application = certified.application
    urls = [
        reverse("enterprises:detail", args=[cast.ent.pk]),
        reverse("enterprises:mine"),
        reverse("enterprises:list"),
        reverse("certification:list"),
        reverse("certification:detail", args=[application.pk]),
        reverse("certification:certificate_download", args=[certified.pk, "pdf"]),
        f"/api/v1/enterprises/{cast.ent.pk}/",
        f"/api/v1/applications/{application.pk}/",
    ]
    client.force_login(claimant())
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    # The owner's district still reaches the same pages: the refusals are about the claimant.
    district = Client()
    district.force_login(cast.district)
    assert district.get(urls[0]).status_code == 200
    assert district.get(urls[5]).status_code == 200


def test_a_pending_account_sees_only_its_registration_status(client, cast):
    register(client)
    client.force_login(claimant())
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert 'data-testid="registration-status"' in home.content.decode()
    assert 'data-status="pending"' in home.content.decode()
    for url in [
        reverse("staff"),
        reverse("staff_invite"),
        reverse("notifications"),
        reverse("organisations"),
        reverse("audit_log"),
        reverse("enterprises:new"),
        reverse("enterprises:registrations"),
        reverse("certification:queue"),
        reverse("assessments:list"),
        "/review-units/",
        "/standards/",
    ]:
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("staff_invite"), {"username": "x"}).status_code in (403, 404)
    # Language switch and logout still work.
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out: to the login page


def test_inactive_organisations_are_outside_every_scope(cast):
    """Even an account linked before claims existed sees nothing through the scopes."""
    for status in (Organisation.Status.PENDING, Organisation.Status.REJECTED):
        Organisation.objects.filter(pk=cast.enterprise.organisation_id).update(status=status)
        user = User.objects.get(pk=cast.enterprise.pk)
        assert not Enterprise.objects.visible_to(user).exists()
        assert not Organisation.objects.visible_to(user).exists()
        assert not User.objects.visible_to(user).exists()


# --- decisions --------------------------------------------------------------------------


def registration_row(page: str, uscc: str) -> str:
    return re.search(
        rf'data-testid="registration-row" data-uscc="{uscc}".*?</tr>', page, re.S
    ).group(0)


def decide(cast, client_for, claim, **data):
    return client_for(cast.district).post(
        reverse("enterprises:registration_decide", args=[claim.pk]), data
    )


def test_rejection_leaves_the_registry_and_the_owner_registers_afterwards(
    client, cast, client_for, unclaimed
):
    before = registry_row(unclaimed)
    register(Client(), uscc=unclaimed.uscc)
    claim = RegistrationClaim.objects.get(uscc=unclaimed.uscc)
    decide(cast, client_for, claim, decision="reject", reason="并非该企业")

    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.REJECTED
    assert claim.decided_by == cast.district
    assert claim.account.status == Organisation.Status.REJECTED
    assert registry_row(unclaimed) == before
    # The rejected account still sees nothing but its status.
    rejected = Client()
    rejected.force_login(claimant())
    assert rejected.get(reverse("enterprises:detail", args=[unclaimed.pk])).status_code in (
        403,
        404,
    )
    assert 'data-status="rejected"' in rejected.get(reverse("home")).content.decode()

    # The real owner registers the same USCC and the district approves it.
    owner = Client()
    response = register(
        owner,
        ip="10.2.2.2",
        uscc=unclaimed.uscc,
        username="real-owner",
        name=unclaimed.name,
        contact_name="真联系人",
    )
    assert response.status_code == 302
    real = RegistrationClaim.objects.get(
        uscc=unclaimed.uscc, status=RegistrationClaim.Status.PENDING
    )
    decide(cast, client_for, real, decision="approve")
    unclaimed.refresh_from_db()
    assert unclaimed.account == real.account
    assert unclaimed.account.status == Organisation.Status.ACTIVE
    owner.force_login(User.objects.get(username="real-owner"))
    assert owner.get(reverse("enterprises:detail", args=[unclaimed.pk])).status_code == 200


def test_the_district_sees_the_differences_and_approving_applies_them(
    client, cast, client_for, unclaimed
):
    register(
        client,
        uscc=unclaimed.uscc,
        name="北京朝阳真实机械股份有限公司",
        contact_phone="13911112222",
    )
    claim = RegistrationClaim.objects.get(uscc=unclaimed.uscc)
    client_for(cast.district).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client_for(cast.district).get(reverse("enterprises:registrations")).content.decode()
    row = registration_row(page, unclaimed.uscc)
    assert "北京朝阳真实机械有限公司" in row and "北京朝阳真实机械股份有限公司" in row
    assert "010-11112222" in row and "13911112222" in row
    assert registry_row(unclaimed)["name"] == "北京朝阳真实机械有限公司"

    decide(cast, client_for, claim, decision="approve")

    unclaimed.refresh_from_db()
    assert unclaimed.name == "北京朝阳真实机械股份有限公司"
    assert unclaimed.contact_phone == "13911112222"
    assert unclaimed.region == cast.chaoyang
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.APPROVED
    assert claim.enterprise == unclaimed
    assert claim.account.name == unclaimed.name
    event = AuditEvent.objects.get(action="enterprise.registration.approve")
    assert event.actor == cast.district
    assert event.before["name"] == "北京朝阳真实机械有限公司"


def test_a_claim_in_another_district_goes_to_the_registry_entrys_district(
    client, cast, client_for, unclaimed
):
    # The claimant names 海淀区; the entry is in 朝阳区, whose government decides.
    response = register(client, uscc=unclaimed.uscc, region="110108")
    assert response.status_code == 302
    claim = RegistrationClaim.objects.get(uscc=unclaimed.uscc)
    assert claim.district_id == cast.chaoyang.pk
    listing = client_for(cast.other_district).get(reverse("enterprises:registrations"))
    assert unclaimed.uscc not in listing.content.decode()
    assert (
        client_for(cast.other_district)
        .post(reverse("enterprises:registration_decide", args=[claim.pk]), {"decision": "approve"})
        .status_code
        == 404
    )
    assert (
        unclaimed.uscc
        in client_for(cast.district).get(reverse("enterprises:registrations")).content.decode()
    )


# --- nothing revealed to an anonymous visitor -------------------------------------------


def anonymous_outcome(uscc: str, username: str, ip: str, **overrides) -> tuple:
    """What an anonymous visitor learns from a registration: the answer and the page after."""
    client = Client()
    response = register(client, ip=ip, uscc=uscc, username=username, **overrides)
    page = (
        client.get(response["Location"]).content.decode()
        if response.status_code == 302
        else response.content.decode()
    )
    status = re.search(r'<div[^>]*data-testid="registration-status".*?</div>', page, re.S)
    messages = re.findall(r'data-testid="message"[^>]*>(.*?)<', page, re.S)
    return (
        response.status_code,
        response.get("Location"),
        status.group(0) if status else page,
        messages,
    )


def test_a_claim_for_an_enterprise_with_an_account_is_a_dispute_that_looks_like_any_other(
    cast, client_for
):
    fresh = anonymous_outcome(FRESH, "fresh-one", "10.3.3.3")
    taken = anonymous_outcome(cast.ent.uscc, "impostor", "10.4.4.4", name=cast.ent.name)
    assert taken == fresh
    assert fresh[0] == 302

    claim = RegistrationClaim.objects.get(uscc=cast.ent.uscc)
    assert claim.dispute is True
    assert RegistrationClaim.objects.get(uscc=FRESH).dispute is False
    cast.ent.refresh_from_db()
    assert cast.ent.account_id == cast.enterprise.organisation_id  # untouched
    district = client_for(cast.district)
    district.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = district.get(reverse("enterprises:registrations")).content.decode()
    row = registration_row(page, cast.ent.uscc)
    assert 'data-dispute="yes"' in row
    assert "already has an account" in row
    # Approving a dispute would hand the enterprise over: refused; rejecting works.
    decide(cast, client_for, claim, decision="approve")
    cast.ent.refresh_from_db()
    assert cast.ent.account_id == cast.enterprise.organisation_id
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.PENDING
    decide(cast, client_for, claim, decision="reject", reason="该企业已有账户")
    claim.refresh_from_db()
    assert claim.status == RegistrationClaim.Status.REJECTED


@pytest.mark.parametrize(
    "overrides",
    [
        {"region": "110108"},  # wrong district for the registry entry
        {"name": "北京朝阳精密机械有限公司"},  # the name of an existing organisation
    ],
)
def test_registration_errors_reveal_neither_district_nor_account(cast, overrides):
    fresh = anonymous_outcome(FRESH, "fresh-one", "10.5.5.5", **overrides)
    taken = anonymous_outcome(cast.ent.uscc, "impostor", "10.6.6.6", **overrides)
    assert taken == fresh
    assert fresh[0] == 302


def test_two_claims_for_one_uscc_both_reach_the_district(cast, client_for, unclaimed):
    register(Client(), ip="10.7.7.1", uscc=unclaimed.uscc, username="first")
    response = register(Client(), ip="10.7.7.2", uscc=unclaimed.uscc, username="second")
    assert response.status_code == 302
    assert RegistrationClaim.objects.filter(uscc=unclaimed.uscc).count() == 2
    first, second = RegistrationClaim.objects.filter(uscc=unclaimed.uscc).order_by("pk")
    decide(cast, client_for, first, decision="approve")
    # The second is now a claim on an enterprise with an account: it cannot be approved.
    decide(cast, client_for, second, decision="approve")
    second.refresh_from_db()
    assert second.status == RegistrationClaim.Status.PENDING
    unclaimed.refresh_from_db()
    assert unclaimed.account == first.account


# --- throttling ------------------------------------------------------------------------


def test_registrations_are_throttled_per_address(cast):
    limit = settings.REGISTRATION_ATTEMPT_LIMIT
    for n in range(limit):
        response = register(
            Client(), ip="10.9.9.9", uscc=make_uscc("110105", f"MA{n:07d}"), username=f"burst-{n}"
        )
        assert response.status_code == 302
    claims, users = RegistrationClaim.objects.count(), User.objects.count()

    refused = register(
        Client(), ip="10.9.9.9", uscc=make_uscc("110105", "MA0000666"), username="burst-last"
    )

    assert refused.status_code == 429
    assert "Too many registrations" in refused.content.decode()
    assert (RegistrationClaim.objects.count(), User.objects.count()) == (claims, users)
    # Another address is not affected.
    assert register(Client(), ip="10.9.9.10", username="elsewhere").status_code == 302


# --- registrations made before claims --------------------------------------------------


def test_registrations_made_before_claims_become_claims_and_free_the_registry(cast):
    """The data migration: a pending account linked to an entry it created (a new USCC),
    one linked to an entry that was already in the registry, and a rejected one."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "enterprises.migrations.0008_registration_claims_from_pending_enterprises"
    )

    def account(name, status, reason=""):
        return Organisation.objects.create(
            name=name, kind="enterprise", region=cast.chaoyang, status=status, status_reason=reason
        )

    new = make_enterprise(
        "北京新申请有限公司",
        cast.chaoyang,
        601,
        status=Enterprise.Status.PENDING,
        contact_name="甲",
        contact_phone="1",
        account=account("北京新申请有限公司", Organisation.Status.PENDING),
    )
    taken = make_enterprise(
        "北京冒名改名有限公司",
        cast.chaoyang,
        602,
        contact_name="乙",
        contact_phone="2",
        account=account("北京冒名改名有限公司", Organisation.Status.PENDING),
    )
    refused = make_enterprise(
        "北京被拒有限公司",
        cast.chaoyang,
        603,
        account=account("北京被拒有限公司", Organisation.Status.REJECTED, "不符"),
    )
    accounts = {e.uscc: e.account_id for e in (new, taken, refused)}

    migration.registrations_to_claims(apps, None)

    assert not Enterprise.objects.filter(pk=new.pk).exists()
    claim = RegistrationClaim.objects.get(uscc=new.uscc)
    assert (claim.status, claim.enterprise, claim.account_id) == (
        "pending",
        None,
        accounts[new.uscc],
    )
    taken.refresh_from_db()
    assert taken.account is None
    claim = RegistrationClaim.objects.get(uscc=taken.uscc)
    assert (claim.status, claim.enterprise, claim.name) == ("pending", taken, taken.name)
    refused.refresh_from_db()
    assert refused.account is None
    claim = RegistrationClaim.objects.get(uscc=refused.uscc)
    assert (claim.status, claim.reason) == ("rejected", "不符")
    # Active accounts keep their enterprises.
    cast.ent.refresh_from_db()
    assert cast.ent.account_id == cast.enterprise.organisation_id
    assert RegistrationClaim.objects.count() == 3

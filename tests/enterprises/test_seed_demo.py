"""seed_demo: every demo login works, the data is valid and spread, re-running changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from enterprises.models import Enterprise, RegistrationClaim
from enterprises.selectors import claims_visible_to
from enterprises.uscc import uscc_errors
from portal.models import Organisation, OrganisationKind, Qualification, Region, Street, User

PASSWORD = "Anquan-2026"
LOGINS = {
    "demo-city": OrganisationKind.CITY_OFFICE,
    "demo-district": OrganisationKind.DISTRICT,
    "demo-street": OrganisationKind.STREET,
    "demo-regulator": OrganisationKind.REGULATOR,
    "demo-association": OrganisationKind.ORGANISING_UNIT,
    "demo-reviewer": OrganisationKind.REVIEW_UNIT,
    "demo-group": OrganisationKind.GROUP,
    "demo-enterprise": OrganisationKind.ENTERPRISE,
}


def seed(count=60):
    out = StringIO()
    call_command("seed_demo", enterprises=count, stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# The demo is seconds of work: written once for the module (tests/conftest.py's
# module_db), each test reading it in its own savepoint.
@pytest.fixture(scope="module")
def seeded_once(module_db):
    return seed()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_every_demo_login_exists_and_its_password_works(seeded, client):
    for username, kind in LOGINS.items():
        user = User.objects.select_related("organisation").get(username=username)
        assert user.organisation.kind == kind, username
        assert user.can_act, username
        assert client.login(username=username, password=PASSWORD), username
        client.logout()
        assert username in seeded  # the summary lists the logins
    assert User.objects.get(username="demo-city").role == User.Role.ADMIN
    district = User.objects.get(username="demo-district")
    assert district.role == User.Role.ADMIN
    assert district.organisation.name == "朝阳区人民政府"
    assert User.objects.get(username="demo-regulator").organisation.name == "北京市应急管理局"
    assert User.objects.get(username="demo-association").organisation.name == "北京市安全生产协会"


def test_the_demo_enterprise_is_active_in_chaoyang_and_one_registration_waits(seeded):
    account = User.objects.get(username="demo-enterprise").organisation
    enterprise = Enterprise.objects.get(account=account)
    assert enterprise.region_id == "110105"
    assert enterprise.street.region_id == "110105"
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert account.status == Organisation.Status.ACTIVE

    # The registration is a claim: nothing in the registry until the district approves.
    pending = RegistrationClaim.objects.get(status=RegistrationClaim.Status.PENDING)
    assert pending.district_id == pending.region_id == "110105"
    assert pending.account.status == Organisation.Status.PENDING
    assert not Enterprise.objects.filter(uscc=pending.uscc).exists()
    assert not User.objects.get(username="demo-pending").can_act
    assert User.objects.get(username="demo-pending").organisation == pending.account
    # The district sees it in its queue.
    assert pending in claims_visible_to(User.objects.get(username="demo-district"))


def test_every_organisation_kind_exists_with_its_scope_data(seeded):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    districts = Organisation.objects.filter(kind=OrganisationKind.DISTRICT)
    assert set(districts.values_list("region_id", flat=True)) == set(
        Region.objects.values_list("code", flat=True)
    )
    assert districts.filter(name="北京经济技术开发区管理委员会", region_id="110400").exists()
    emergency = Organisation.objects.get(name="北京市应急管理局")
    assert {"machinery", "hazardous_chemicals", "metallurgy"} <= set(
        emergency.industries.values_list("code", flat=True)
    )
    assert set(
        Qualification.objects.filter(organisation__name="北京市安全生产协会").values_list(
            "tier", flat=True
        )
    ) == {"2"}
    review_units = Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT)
    assert review_units.filter(status=Organisation.Status.SUSPENDED).count() == 1
    assert all(unit.qualifications.exists() for unit in review_units)


def test_every_street_has_one_active_office_and_demo_street_sees_demo_enterprise(seeded):
    offices = Organisation.objects.filter(kind=OrganisationKind.STREET)
    assert sorted(offices.values_list("street_id", flat=True)) == sorted(
        Street.objects.values_list("pk", flat=True)
    )
    assert all(office.is_active and office.region_id for office in offices)
    street_user = User.objects.select_related("organisation__street").get(username="demo-street")
    assert street_user.organisation.name == "朝阳区望京街道办事处"
    demo_enterprise = Enterprise.objects.get(
        account=User.objects.get(username="demo-enterprise").organisation
    )
    assert street_user.organisation.street == demo_enterprise.street
    visible = Enterprise.objects.visible_to(street_user)
    assert demo_enterprise in visible
    assert set(visible.values_list("street_id", flat=True)) == {demo_enterprise.street_id}


def test_enterprises_are_valid_and_spread(seeded):
    enterprises = list(Enterprise.objects.select_related("street", "industry"))
    assert len(enterprises) == 63  # 60 generated + the three with accounts
    assert all(uscc_errors(e.uscc) == [] for e in enterprises)
    assert len({e.name for e in enterprises}) == len(enterprises)
    for enterprise in enterprises:
        enterprise.full_clean()
        assert enterprise.street is None or enterprise.street.region_id == enterprise.region_id
        if enterprise.industry.requires_safety_licence and enterprise.account_id is None:
            assert enterprise.safety_licence_no, enterprise.name
    generated = [e for e in enterprises if e.account_id is None]
    assert len(Counter(e.region_id for e in generated)) >= 8
    assert len(Counter(e.industry_id for e in generated)) >= 8
    assert set(Counter(e.scale for e in generated)) == set(Enterprise.Scale.values)
    assert any(e.group_id for e in generated)
    for e in generated:
        if e.scale == Enterprise.Scale.ABOVE:
            assert e.annual_revenue >= 2000 and e.employees >= 100
        else:
            assert e.annual_revenue < 2000


def test_every_region_has_streets(seeded):
    for region in Region.objects.all():
        assert region.streets.count() >= 6, region.name


def test_running_twice_changes_nothing(seeded):
    before = row_counts()
    last_update = Enterprise.objects.aggregate(Max("updated_at"))
    password = User.objects.get(username="demo-city").password
    output = seed()
    assert row_counts() == before
    assert Enterprise.objects.aggregate(Max("updated_at")) == last_update
    assert User.objects.get(username="demo-city").password == password
    assert "nothing" in output


def test_a_larger_run_adds_only_the_missing_enterprises(seeded):
    first = set(Enterprise.objects.values_list("uscc", "name"))
    seed(80)
    assert Enterprise.objects.count() == 83  # 80 generated + the three with accounts
    assert first <= set(Enterprise.objects.values_list("uscc", "name"))

"""Demonstration data for ``manage.py seed_demo``.

Everything is deterministic (one ``random.Random(2013)``) and keyed by a
natural key (organisation name, username, USCC, street code), so running the
command again creates only what is missing and changes nothing else. The
i-th generated enterprise is the same whatever N is, so ``--enterprises
100000`` after the default run only adds the rest.

This is a bootstrap command: the organisations and users it creates are
audited, the bulk data (streets, enterprises) is not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from enterprises.demo_factory import ZONE, EnterpriseFactory, demo_uscc
from enterprises.models import Enterprise, RegistrationClaim
from portal import audit
from portal.management.streets import load_streets
from portal.models import (
    Industry,
    Organisation,
    OrganisationKind,
    Qualification,
    Region,
    Street,
    User,
)
from portal.reference import load_reference_data

PASSWORD = "Anquan-2026"

CITY_OFFICE = "北京市安全生产委员会办公室"
ASSOCIATION = "北京市安全生产协会"
MINING = ["coal", "non_coal_mining"]
INDUSTRY_TRADE = [
    "metallurgy",
    "non_ferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textiles",
    "tobacco",
    "commerce",
]
REGULATORS = {
    "北京市应急管理局": [
        *MINING,
        "hazardous_chemicals",
        "fireworks",
        "metallurgy",
        "machinery",
        "building_materials",
        "light_industry",
        "textiles",
        "tobacco",
        "non_ferrous",
    ],
    "北京市住房和城乡建设委员会": ["construction"],
    "北京市交通委员会": ["transport"],
    "北京市城市管理委员会": ["heat", "gas"],
    "北京市商务局": ["commerce"],
    "北京市文化和旅游局": ["culture", "tourism"],
    "北京市体育局": ["sports"],
    "北京市发展和改革委员会": ["power"],
    "北京市经济和信息化局": ["civil_explosives"],
}
# name: (status, reason, [(industries, tiers)])
REVIEW_UNITS = {
    "北京安评技术服务有限公司": (
        "active",
        "",
        [
            (["machinery", "metallurgy", "non_ferrous", "building_materials"], ["2", "3"]),
        ],
    ),
    "北京华安标准化评审中心有限公司": (
        "active",
        "",
        [
            (["light_industry", "textiles", "tobacco", "commerce"], ["2", "3", "small"]),
        ],
    ),
    "北京中安信达安全评价有限公司": (
        "active",
        "",
        [
            (["construction", "transport", "gas", "heat"], ["3"]),
            (["culture", "tourism", "sports"], ["3"]),
        ],
    ),
    "北京京安安全工程技术有限公司": (
        "suspended",
        "评审报告质量抽查不合格，暂停评审资格六个月。",
        [
            (["hazardous_chemicals", "fireworks"], ["2", "3"]),
        ],
    ),
}
# name: (short name used in member names, industries of its members)
GROUPS = {
    "北京京城机电控股有限责任公司": ("京城", ["machinery"]),
    "北京首钢集团有限公司": ("首钢", ["metallurgy", "non_ferrous"]),
    "北京金隅集团股份有限公司": ("金隅", ["building_materials"]),
    "北京城建集团有限责任公司": ("城建", ["construction"]),
}

DEMO_ENTERPRISE = "北京望京精密机械有限公司"
PENDING_ENTERPRISE = "北京将台新材料科技有限公司"
# The office of demo-enterprise's street; every street gets one (street_office_name).
DEMO_STREET = "望京街道"
DEMO_STREET_OFFICE = "朝阳区望京街道办事处"
# A small firm, so the 小微 and 岗位达标 standards have a demo login too.
SMALL_ENTERPRISE = "北京酒仙桥恒达五金加工厂"
# A shop, so the 商贸 level-3 standard has a demo login too.
SHOP_ENTERPRISE = "北京三里屯华联商贸有限公司"
# username: (organisation, role, full name)
DEMO_USERS = {
    "demo-city": (CITY_OFFICE, User.Role.ADMIN, "周建国"),
    "demo-district": ("朝阳区人民政府", User.Role.ADMIN, "李卫东"),
    "demo-district-staff": ("朝阳区人民政府", User.Role.STAFF, "赵晓燕"),
    "demo-street": (DEMO_STREET_OFFICE, User.Role.ADMIN, "王秀兰"),
    "demo-regulator": ("北京市应急管理局", User.Role.ADMIN, "王志强"),
    "demo-association": (ASSOCIATION, User.Role.ADMIN, "陈丽华"),
    "demo-reviewer": ("北京安评技术服务有限公司", User.Role.ADMIN, "刘海涛"),
    "demo-group": ("北京京城机电控股有限责任公司", User.Role.ADMIN, "孙明"),
    "demo-enterprise": (DEMO_ENTERPRISE, User.Role.ADMIN, "张伟"),
    "demo-pending": (PENDING_ENTERPRISE, User.Role.ADMIN, "杨帆"),
    "demo-small": (SMALL_ENTERPRISE, User.Role.ADMIN, "马建军"),
    "demo-shop": (SHOP_ENTERPRISE, User.Role.ADMIN, "刘芳"),
}


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    enterprises_total: int = 0
    streets_created: int = 0

    def note(self, what: str, was_created: bool) -> None:
        if was_created:
            self.created[what] += 1


# -- organisations and users -----------------------------------------------


def _organisation(result: SeedResult, name: str, kind: str, **defaults) -> Organisation:
    org, created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, **defaults}
    )
    if created:
        audit.record(
            actor=None,
            action="organisation.create",
            obj=org,
            after={"name": name, "kind": kind, "source": "seed_demo"},
        )
    result.note("organisations", created)
    return org


def _qualify(result: SeedResult, org: Organisation, industries, tiers) -> None:
    for code in industries:
        for tier in tiers:
            _qualification, created = Qualification.objects.get_or_create(
                organisation=org, industry_id=code, tier=tier
            )
            result.note("qualifications", created)


def seed_organisations(result: SeedResult) -> dict[str, Organisation]:
    orgs = {
        CITY_OFFICE: _organisation(
            result,
            CITY_OFFICE,
            OrganisationKind.CITY_OFFICE,
            contact_name="周建国",
            contact_phone="010-55578000",
        )
    }
    for region in Region.objects.all():
        name = "北京经济技术开发区管理委员会" if region.code == ZONE else f"{region.name}人民政府"
        orgs[name] = _organisation(
            result,
            name,
            OrganisationKind.DISTRICT,
            region=region,
            contact_phone=f"010-6{region.code[-3:]}0000",
        )
    for name, industries in REGULATORS.items():
        org = _organisation(result, name, OrganisationKind.REGULATOR)
        missing = set(industries) - set(org.industries.values_list("pk", flat=True))
        if missing:
            # Industries are keyed by their code; the stubs take only int keys.
            org.industries.add(*sorted(missing))  # type: ignore[arg-type]
            result.created["regulated industries"] += len(missing)
        orgs[name] = org
    association = _organisation(
        result,
        ASSOCIATION,
        OrganisationKind.ORGANISING_UNIT,
        contact_name="陈丽华",
        contact_phone="010-83975000",
    )
    _qualify(result, association, INDUSTRY_TRADE, ["2"])
    orgs[ASSOCIATION] = association
    for name, (status, reason, qualifications) in REVIEW_UNITS.items():
        org = _organisation(
            result, name, OrganisationKind.REVIEW_UNIT, status=status, status_reason=reason
        )
        for industries, tiers in qualifications:
            _qualify(result, org, industries, tiers)
        orgs[name] = org
    for name in GROUPS:
        orgs[name] = _organisation(result, name, OrganisationKind.GROUP)
    return orgs


def street_office_name(street: Street) -> str:
    """朝阳区望京街道办事处, 朝阳区金盏地区办事处, 朝阳区孙河乡人民政府: a street's
    (or area's) office, a town's or township's government."""
    suffix = "办事处" if street.kind in (Street.Kind.SUBDISTRICT, Street.Kind.AREA) else "人民政府"
    return f"{street.region.name}{street.name}{suffix}"


def seed_street_offices(result: SeedResult) -> dict[str, Organisation]:
    """One office per street or town (街道办事处/乡镇政府), seeing its street's enterprises."""
    orgs = {}
    for street in Street.objects.select_related("region").order_by("code"):
        name = street_office_name(street)
        orgs[name] = _organisation(
            result, name, OrganisationKind.STREET, street=street, region=street.region
        )
    return orgs


def _user(result: SeedResult, username: str, org: Organisation, role: str, full_name: str):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            organisation=org,
            role=role,
            first_name=full_name,
            email=f"{username}@demo.anquan.example",
        )
        user.set_password(PASSWORD)  # only on creation: a re-run changes nothing
        user.save()
        audit.record(
            actor=None,
            action="user.create",
            obj=user,
            after={
                "username": username,
                "organisation": org.pk,
                "role": role,
                "source": "seed_demo",
            },
        )
        result.note("users", True)
    return user


# -- enterprises -------------------------------------------------------------


def seed_enterprises(
    result: SeedResult,
    count: int,
    orgs: dict[str, Organisation],
    reserved_names: set[str],
    batch_size: int = 2000,
) -> None:
    regions = list(Region.objects.order_by("code"))
    streets: dict[str, list[Street]] = {}
    for street in Street.objects.order_by("code"):
        streets.setdefault(street.region_id, []).append(street)
    industries = list(Industry.objects.order_by("sort_order", "code"))
    groups: dict[str, list] = {}
    for name, (short, codes) in GROUPS.items():
        for code in codes:
            groups.setdefault(code, []).append((orgs[name], short))
    factory = EnterpriseFactory(regions, streets, industries, groups)
    factory.used_names |= reserved_names
    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    batch: list[Enterprise] = []
    for serial in range(count):
        enterprise = factory.make(serial)
        if enterprise.uscc in existing:
            continue
        batch.append(enterprise)
        if len(batch) >= batch_size:
            Enterprise.objects.bulk_create(batch, batch_size=batch_size)
            result.created["enterprises"] += len(batch)
            batch = []
    if batch:
        Enterprise.objects.bulk_create(batch, batch_size=batch_size)
        result.created["enterprises"] += len(batch)


def _account_enterprise(
    result: SeedResult, *, name: str, serial: int, street: str, status: str, industry: str, **fields
) -> Organisation:
    """An enterprise in 朝阳区 with a login (an organisation of kind enterprise)."""
    place = Street.objects.get(region_id="110105", name=street)
    org_status = (
        Organisation.Status.ACTIVE
        if status == Enterprise.Status.ACTIVE
        else Organisation.Status.PENDING
    )
    account = _organisation(
        result,
        name,
        OrganisationKind.ENTERPRISE,
        status=org_status,
        region=place.region,
        contact_name=fields.get("contact_name", ""),
        contact_phone=fields.get("contact_phone", ""),
    )
    _enterprise, created = Enterprise.objects.get_or_create(
        uscc=demo_uscc(serial, place.region_id),
        defaults={
            "name": name,
            "region": place.region,
            "street": place,
            "status": status,
            "industry_id": industry,
            "account": account,
            **fields,
        },
    )
    result.note("enterprises", created)
    return account


def _pending_registration(
    result: SeedResult,
    *,
    name: str,
    serial: int,
    street: str,
    contact_name: str,
    contact_phone: str,
) -> Organisation:
    """A registration in 朝阳区 awaiting its district: a pending account and its claim,
    nothing in the registry yet."""
    place = Street.objects.get(region_id="110105", name=street)
    account = _organisation(
        result,
        name,
        OrganisationKind.ENTERPRISE,
        status=Organisation.Status.PENDING,
        region=place.region,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    claim, created = RegistrationClaim.objects.get_or_create(
        account=account,
        defaults={
            "uscc": demo_uscc(serial, place.region_id),
            "name": name,
            "region": place.region,
            "street": place,
            "district": place.region,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        },
    )
    if created:
        audit.record(
            actor=None,
            action="enterprise.registration.claim",
            obj=claim,
            after={"uscc": claim.uscc, "name": name, "source": "seed_demo"},
        )
    result.note("registrations", created)
    return account


@transaction.atomic
def seed_demo(enterprise_count: int = 2000) -> SeedResult:
    result = SeedResult()
    load_reference_data(Region, Industry)
    result.streets_created = load_streets(audited=False).created
    orgs = seed_organisations(result)
    orgs.update(seed_street_offices(result))
    groups = {name: orgs[name] for name in GROUPS}
    orgs[DEMO_ENTERPRISE] = _account_enterprise(
        result,
        name=DEMO_ENTERPRISE,
        serial=800_000_000,
        street="望京街道",
        status=Enterprise.Status.ACTIVE,
        industry="machinery",
        group=groups["北京京城机电控股有限责任公司"],
        scale=Enterprise.Scale.BELOW,
        employees=180,
        annual_revenue=Decimal("1650.00"),
        address="北京市朝阳区望京街道阜通东大街6号院2号楼",
        legal_representative="张伟",
        safety_principal="李强",
        contact_name="张伟",
        contact_phone="010-64738800",
    )
    orgs[PENDING_ENTERPRISE] = _pending_registration(
        result,
        name=PENDING_ENTERPRISE,
        serial=800_000_001,
        street="将台地区",
        contact_name="杨帆",
        contact_phone="13910245678",
    )
    orgs[SMALL_ENTERPRISE] = _account_enterprise(
        result,
        name=SMALL_ENTERPRISE,
        serial=800_000_002,
        street="酒仙桥街道",
        status=Enterprise.Status.ACTIVE,
        industry="machinery",
        scale=Enterprise.Scale.SMALL_MICRO,
        employees=18,
        annual_revenue=Decimal("260.00"),
        address="北京市朝阳区酒仙桥路14号",
        legal_representative="马建军",
        safety_principal="马建军",
        contact_name="马建军",
        contact_phone="13601102233",
    )
    orgs[SHOP_ENTERPRISE] = _account_enterprise(
        result,
        name=SHOP_ENTERPRISE,
        serial=800_000_003,
        street="三里屯街道",
        status=Enterprise.Status.ACTIVE,
        industry="commerce",
        scale=Enterprise.Scale.BELOW,
        employees=95,
        annual_revenue=Decimal("1280.00"),
        address="北京市朝阳区三里屯路19号",
        legal_representative="刘芳",
        safety_principal="高峰",
        contact_name="刘芳",
        contact_phone="010-65871234",
    )
    for username, (org_name, role, full_name) in DEMO_USERS.items():
        _user(result, username, orgs[org_name], role, full_name)
    seed_enterprises(
        result,
        enterprise_count,
        orgs,
        {DEMO_ENTERPRISE, PENDING_ENTERPRISE, SMALL_ENTERPRISE, SHOP_ENTERPRISE},
    )
    result.enterprises_total = Enterprise.objects.count()
    return result

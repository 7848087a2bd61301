"""A small cast of named users, one per role plus outsiders, shared by all tests.

Built with the real models (reference data comes from the migrations).
"""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.models import Enterprise
from enterprises.uscc import make_uscc
from portal.models import (
    Industry,
    Organisation,
    OrganisationKind,
    Qualification,
    Region,
    Street,
    User,
)

PASSWORD = "Anquan-2026"


def make_user(username: str, organisation: Organisation, role: str = User.Role.ADMIN) -> User:
    user = User(
        username=username, organisation=organisation, role=role, email=f"{username}@example.cn"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_enterprise(name: str, region: Region, serial: int, **fields) -> Enterprise:
    fields.setdefault("industry", Industry.objects.get(code="machinery"))
    fields.setdefault("scale", Enterprise.Scale.BELOW)
    return Enterprise.objects.create(
        name=name, uscc=make_uscc(region.code, f"MA{serial:07d}"), region=region, **fields
    )


@dataclass
class Cast:
    chaoyang: Region
    haidian: Region
    chaoyang_street: Street  # 建外街道, the street of ent
    other_chaoyang_street: Street  # 朝外街道, no enterprise of the cast
    city: User
    district: User  # 朝阳区 admin
    district_staff: User  # 朝阳区 staff
    other_district: User  # 海淀区
    street: User  # 建外街道办事处 (朝阳区): the street of ent
    other_street: User  # 朝外街道办事处: another street of 朝阳区
    regulator: User  # machinery
    other_regulator: User  # construction
    association: User  # organises machinery level 2
    reviewer: User  # review unit
    group: User
    enterprise: User  # 朝阳区 machinery enterprise, member of the group
    enterprise_staff: User
    other_enterprise: User  # 海淀区 commerce enterprise
    ent: Enterprise
    other_ent: Enterprise
    # Accounts that registered themselves and were not (yet) approved: they
    # may log in to see their registration status, nothing else. Not linked to
    # a registry entry; a test that needs the claim links one itself.
    pending: User  # 朝阳区 enterprise account awaiting its district
    rejected: User  # 朝阳区 enterprise account the district turned down


def build_cast() -> Cast:
    chaoyang = Region.objects.get(code="110105")
    haidian = Region.objects.get(code="110108")
    street = Street.objects.create(
        region=chaoyang, code="110105001", name="建外街道", kind=Street.Kind.SUBDISTRICT
    )
    other_street = Street.objects.create(
        region=chaoyang, code="110105002", name="朝外街道", kind=Street.Kind.SUBDISTRICT
    )
    Street.objects.create(
        region=haidian, code="110108001", name="万寿路街道", kind=Street.Kind.SUBDISTRICT
    )
    machinery = Industry.objects.get(code="machinery")
    commerce = Industry.objects.get(code="commerce")
    construction = Industry.objects.get(code="construction")

    def org(name, kind, **kw):
        return Organisation.objects.create(name=name, kind=kind, **kw)

    city_org = org("北京市安全生产委员会办公室", OrganisationKind.CITY_OFFICE)
    chaoyang_org = org("朝阳区人民政府", OrganisationKind.DISTRICT, region=chaoyang)
    haidian_org = org("海淀区人民政府", OrganisationKind.DISTRICT, region=haidian)
    street_org = org(
        "朝阳区建外街道办事处", OrganisationKind.STREET, region=chaoyang, street=street
    )
    other_street_org = org(
        "朝阳区朝外街道办事处", OrganisationKind.STREET, region=chaoyang, street=other_street
    )
    regulator_org = org("北京市经济和信息化局", OrganisationKind.REGULATOR)
    regulator_org.industries.set([machinery])
    other_regulator_org = org("北京市住房和城乡建设委员会", OrganisationKind.REGULATOR)
    other_regulator_org.industries.set([construction])
    association_org = org("北京市安全生产协会", OrganisationKind.ORGANISING_UNIT)
    Qualification.objects.create(organisation=association_org, industry=machinery, tier="2")
    review_org = org("北京安评技术服务有限公司", OrganisationKind.REVIEW_UNIT)
    Qualification.objects.create(organisation=review_org, industry=machinery, tier="3")
    group_org = org("北京京城机电控股有限责任公司", OrganisationKind.GROUP)
    ent_org = org("北京朝阳精密机械有限公司", OrganisationKind.ENTERPRISE, region=chaoyang)
    other_ent_org = org("北京海淀商贸有限公司", OrganisationKind.ENTERPRISE, region=haidian)

    ent = make_enterprise(
        ent_org.name, chaoyang, 1, street=street, group=group_org, account=ent_org
    )
    other_ent = make_enterprise(
        other_ent_org.name, haidian, 2, industry=commerce, account=other_ent_org
    )
    return Cast(
        chaoyang=chaoyang,
        haidian=haidian,
        chaoyang_street=street,
        other_chaoyang_street=other_street,
        city=make_user("t-city", city_org),
        district=make_user("t-district", chaoyang_org),
        district_staff=make_user("t-district-staff", chaoyang_org, User.Role.STAFF),
        other_district=make_user("t-other-district", haidian_org),
        street=make_user("t-street", street_org),
        other_street=make_user("t-other-street", other_street_org),
        regulator=make_user("t-regulator", regulator_org),
        other_regulator=make_user("t-other-regulator", other_regulator_org),
        association=make_user("t-association", association_org),
        reviewer=make_user("t-reviewer", review_org),
        group=make_user("t-group", group_org),
        enterprise=make_user("t-enterprise", ent_org),
        enterprise_staff=make_user("t-enterprise-staff", ent_org, User.Role.STAFF),
        other_enterprise=make_user("t-other-enterprise", other_ent_org),
        ent=ent,
        other_ent=other_ent,
        pending=make_user(
            "t-pending-account",
            org(
                "北京申请中精密制造有限公司",
                OrganisationKind.ENTERPRISE,
                region=chaoyang,
                status=Organisation.Status.PENDING,
            ),
        ),
        rejected=make_user(
            "t-rejected-account",
            org(
                "北京被驳回机械加工有限公司",
                OrganisationKind.ENTERPRISE,
                region=chaoyang,
                status=Organisation.Status.REJECTED,
                status_reason="统一社会信用代码与营业执照不符",
            ),
        ),
    )

"""The long lists read through indexes (bench/README.md) and still show what
they showed before:

- the certificate scope (publicity.certificates_visible_to), written per
  organisation kind, returns exactly the certificates of the old rule
  "announced by me, or of an enterprise I see in the registry" for every
  role of the cast;
- the application list (page) keeps "overdue first, then by due date,
  undated last, newest first", also when some application has a past due
  date in a state nobody acts on (selectors.list_ordering falls back).
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from certification import selectors
from certification.applications.views import with_overdue
from certification.models import AnnouncementBatch, Application, Certificate, Status
from certification.selectors import list_ordering
from enterprises.models import Enterprise
from portal.models import Industry, Organisation, OrganisationKind, Region
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version, submitted_application

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


@pytest.fixture
def version(db):
    return make_tiered_version()


def clone(application: Application, **fields) -> Application:
    """Another row like ``application`` (the lists read rows, not the workflow)."""
    copy = Application.objects.get(pk=application.pk)
    copy.pk = None
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


# --- certificates ------------------------------------------------------------------------


def old_certificate_scope(user):
    """The rule before the rewrite, written out."""
    if user.organisation.kind == OrganisationKind.CITY_OFFICE:
        return Certificate.objects.all()
    return Certificate.objects.filter(
        Q(announcement__organiser_id=user.organisation_id)
        | Q(enterprise__in=Enterprise.objects.visible_to(user))
    )


@pytest.fixture
def certificates(cast, version):
    """Certificates of enterprises in three districts and several industries,
    of the group's members, with and without an account, one whose
    enterprise has no industry, some whose certificate industry differs from
    the enterprise's (the registry scope follows the enterprise), announced
    by the association, the district and another organiser."""
    machinery, commerce, construction = (
        Industry.objects.get(code=code) for code in ("machinery", "commerce", "construction")
    )
    dongcheng = Region.objects.exclude(code__in=[cast.chaoyang.code, cast.haidian.code]).first()
    group = cast.group.organisation
    enterprises = [
        cast.ent,  # 朝阳 machinery, group
        cast.other_ent,  # 海淀 commerce
        make_enterprise("北京朝阳建工有限公司", cast.chaoyang, 11, industry=construction),
        make_enterprise("北京海淀机械有限公司", cast.haidian, 12, group=group),
        make_enterprise("北京海淀无行业有限公司", cast.haidian, 13, industry=None),
        make_enterprise("北京东城机械有限公司", dongcheng, 14),
        make_enterprise("北京东城商贸有限公司", dongcheng, 15, industry=commerce),
        # 朝阳区's other street: the other street office's
        make_enterprise(
            "北京朝外机械有限公司", cast.chaoyang, 16, street=cast.other_chaoyang_street
        ),
    ]
    other_organiser = Organisation.objects.create(
        name="北京市另一评审组织单位", kind=OrganisationKind.ORGANISING_UNIT
    )
    base = submitted_application(cast, version)
    announcements = []
    for serial, organiser in enumerate(
        [cast.association.organisation, cast.district.organisation, other_organiser], 1
    ):
        announcements.append(
            AnnouncementBatch.objects.create(
                organiser=organiser,
                year=2026,
                number=serial,
                title=f"公告 {serial}",
                announced_on=datetime.date(2026, 3, 12),
                created_by=cast.city,
            )
        )
    rows = []
    for serial, enterprise in enumerate(enterprises):
        for offset, announcement in enumerate(announcements):
            # every third certificate names another industry than its enterprise
            industry = (
                construction if (serial + offset) % 3 == 0 else (enterprise.industry or machinery)
            )
            application = clone(base, enterprise=enterprise, status=Status.ANNOUNCED)
            rows.append(
                Certificate(
                    number=f"TEST-{serial}-{offset}",
                    application=application,
                    enterprise=enterprise,
                    tier="3",
                    industry=industry,
                    region_id=enterprise.region_id,
                    street_id=enterprise.street_id,
                    enterprise_industry_id=enterprise.industry_id,
                    announcement=announcement,
                    valid_from=datetime.date(2026, 3, 12),
                    valid_until=datetime.date(2029, 3, 11),
                )
            )
    Certificate.objects.bulk_create(rows)
    # The review unit sees one enterprise through a per-object grant.
    assign_perm("enterprises.view_enterprise", cast.reviewer, enterprises[3])
    # A regulator of two industries.
    cast.regulator.organisation.industries.add(commerce)
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_the_certificate_scope_is_the_registry_rule(cast, certificates, role):
    user = getattr(cast, role)

    new = set(selectors.certificates_visible_to(user).values_list("number", flat=True))
    old = set(old_certificate_scope(user).values_list("number", flat=True))

    assert new == old
    # Each role sees something and, but for the city office, not everything.
    assert new and (role == "city" or len(new) < len(certificates))


@pytest.mark.parametrize("role", ["street", "other_street"])
def test_a_street_office_never_sees_a_certificate_of_another_street(cast, certificates, role):
    user = getattr(cast, role)
    street = user.organisation.street

    seen = selectors.certificates_visible_to(user)

    assert seen.exists()
    assert set(seen.values_list("enterprise__street", flat=True)) == {street.pk}
    assert seen.count() == Certificate.objects.filter(enterprise__street=street).count()


def test_a_review_unit_without_grants_sees_the_certificates_it_announced(cast, certificates):
    unit = cast.association.organisation
    unit.kind = OrganisationKind.REVIEW_UNIT  # no per-object grants
    unit.save(update_fields=["kind"])
    user = type(cast.association).objects.select_related("organisation").get(pk=cast.association.pk)

    numbers = set(selectors.certificates_visible_to(user).values_list("number", flat=True))

    assert numbers == set(
        Certificate.objects.filter(announcement__organiser=unit).values_list("number", flat=True)
    )
    assert numbers == set(old_certificate_scope(user).values_list("number", flat=True))


def test_no_certificates_without_an_active_organisation(cast, certificates):
    from django.contrib.auth.models import AnonymousUser

    cast.district.is_active = False
    assert not selectors.certificates_visible_to(cast.district).exists()
    assert not selectors.certificates_visible_to(AnonymousUser()).exists()


def test_the_certificate_api_lists_the_scope_newest_first(cast, certificates):
    client = APIClient()
    client.force_authenticate(cast.district)
    rows = client.get("/api/v1/certificates/").json()

    expected = list(
        old_certificate_scope(cast.district)
        .order_by("-valid_from", "number")
        .values_list("number", flat=True)
    )
    assert rows["count"] == len(expected)
    assert [row["number"] for row in rows["results"]] == expected[: len(rows["results"])]


# --- the application list ------------------------------------------------------------------


def old_list_order(user) -> list[int]:
    """The list's order before: sorted on the computed flag."""
    return list(
        with_overdue(Application.objects.visible_to(user))
        .order_by("-is_overdue", F("due_on").asc(nulls_last=True), "-created_at", "-id")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def mixed(cast, version):
    """Applications of cast.ent overdue, due later, undated, in open and
    closed states, created at different times."""
    today = timezone.localdate()
    base = submitted_application(cast, version)
    day = datetime.timedelta(days=1)
    shapes = [
        (Status.SUBMITTED, today - 3 * day),  # overdue
        (Status.ACCEPTED, today - 10 * day),  # overdue, longer
        (Status.REPORTED, today - 3 * day),  # overdue, same day
        (Status.SUBMITTED, today),  # due today: not overdue
        (Status.PUBLICITY, today + 4 * day),
        (Status.RETURNED, today + 1 * day),
        (Status.ANNOUNCED, None),
        (Status.REJECTED, None),
        (Status.WITHDRAWN, None),
        (Status.ASSIGNED, None),  # clock paused
    ]
    rows = [base]
    Application.objects.filter(pk=base.pk).update(due_on=today - 3 * day)
    for hours, (status, due_on) in enumerate(shapes, 1):
        rows.append(clone(base, status=status, due_on=due_on))
        Application.objects.filter(pk=rows[-1].pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours * 7 % 11)
        )
    return rows


def listed(client) -> list:
    page = client.get(reverse("certification:list")).context["page"]
    return list(page.object_list)


def test_the_list_reads_by_due_date_when_every_past_due_date_is_overdue(cast, mixed, client_for):
    rows = listed(client_for(cast.district))

    assert list_ordering()[0] != "-is_overdue"  # the index-backed order
    assert [row.pk for row in rows] == old_list_order(cast.district)
    flags = [row.is_overdue for row in rows]
    assert flags == [True] * 4 + [False] * (len(rows) - 4)


def test_the_list_keeps_overdue_first_when_a_closed_application_has_a_past_due_date(
    cast, mixed, client_for
):
    today = timezone.localdate()
    # A past due date in a state nobody acts on (e.g. a time limit configured
    # for it): not overdue, yet earlier than every overdue one.
    stale = clone(mixed[0], status=Status.ANNOUNCED, due_on=today - datetime.timedelta(days=30))

    rows = listed(client_for(cast.district))

    assert list_ordering()[0] == "-is_overdue"
    assert [row.pk for row in rows] == old_list_order(cast.district)
    assert rows[4] == stale and not rows[4].is_overdue
    assert all(row.is_overdue for row in rows[:4])


@pytest.mark.parametrize(
    "role", ["city", "district", "street", "association", "enterprise", "group"]
)
def test_every_role_lists_in_the_old_order(cast, mixed, client_for, role):
    user = getattr(cast, role)

    assert [row.pk for row in listed(client_for(user))] == old_list_order(user)


def test_the_list_pages_in_the_old_order(cast, version, client_for, django_assert_max_num_queries):
    base = submitted_application(cast, version)
    today = timezone.localdate()
    for serial in range(60):
        due = today + datetime.timedelta(days=serial % 7 - 3) if serial % 5 else None
        clone(base, due_on=due)
    client = client_for(cast.district)
    order = old_list_order(cast.district)

    with django_assert_max_num_queries(15):
        first = client.get(reverse("certification:list")).context["page"]
    second = client.get(reverse("certification:list"), {"page": 2}).context["page"]

    assert [row.pk for row in first] + [row.pk for row in second] == order
    assert first.paginator.count == 61

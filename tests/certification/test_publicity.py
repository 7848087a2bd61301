"""Publicity (公示) with public objections, announcements (公告) and
certificates: the services, the public pages (no login) and the management
pages with the detail page's panel."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from certification import engine
from certification.applications import services
from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    Counter,
    Objection,
    PublicityBatch,
    PublicityItem,
    Status,
)
from certification.numbering import next_number
from certification.publicity import objections
from certification.publicity import rules as publicity
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry, Notification, Organisation, OrganisationKind
from tests.cast import make_enterprise, make_user
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

# A Monday: 7 working days later is Wednesday 2026-03-11.
MONDAY = "2026-03-02 10:00 +0800"
START = datetime.date(2026, 3, 2)
END = datetime.date(2026, 3, 11)
AFTER = "2026-03-12 10:00 +0800"
_serial = itertools.count(100)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Nothing of another test stays in the cache (the objection throttle
    counts the objections themselves, in the database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- set-up ----------------------------------------------------------------------------


def new_enterprise(cast, name: str, *, region=None, industry: str = "machinery"):
    """Another enterprise with its own account (default: 朝阳区, machinery)."""
    region = region or cast.chaoyang
    serial = next(_serial)
    org = Organisation.objects.create(name=name, kind=OrganisationKind.ENTERPRISE, region=region)
    enterprise = make_enterprise(
        name, region, serial, account=org, industry=Industry.objects.get(code=industry)
    )
    return enterprise, make_user(f"t-ent-{serial}", org)


def verified(
    cast, version, enterprise=None, user=None, *, tier: str = "3", granted: str | None = None
) -> Application:
    """An application submitted through the services, then set directly to
    where publicity starts: verified and approved by its grading authority
    (the district for level 3, the industry's regulator for level 2;
    verification and approval are tested elsewhere)."""
    from certification.approval.rules import authority_for

    enterprise, user = enterprise or cast.ent, user or cast.enterprise
    assessment = submitted_assessment(user, enterprise, version)
    application = services.application_create(
        actor=user, enterprise=enterprise, assessment=assessment, tier=tier
    )
    add_all_materials(user, application)
    services.application_update(actor=user, application=application, declaration_confirmed=True)
    engine.perform(actor=user, application=application, transition="submit")
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED,
        granted_tier=granted or tier,
        authority=authority_for(application, granted or tier),
    )
    application.refresh_from_db()
    return application


def published(cast, version, count: int = 1, **kw) -> tuple[PublicityBatch, list]:
    """``count`` verified level-3 applications of 朝阳区 published by cast.district
    (call inside time_machine.travel(MONDAY))."""
    apps = [verified(cast, version)]
    for n in range(1, count):
        apps.append(verified(cast, version, *new_enterprise(cast, f"北京朝阳第{n}机械厂")))
    batch = publicity.publicity_batch_create(actor=cast.district, applications=apps, **kw)
    return batch, apps


def lodge(item, *, ip="10.0.0.1", contact="13912345678", text="该企业现场存在违章作业。"):
    return objections.objection_lodge(item=item, name="张三", contact=contact, text=text, ip=ip)


def item_of(application) -> PublicityItem:
    return PublicityItem.objects.get(application=application)


# --- numbering ---------------------------------------------------------------------------


def test_next_number_is_consecutive_per_key(db):
    assert [next_number("k:a") for _ in range(3)] == [1, 2, 3]
    assert next_number("k:b") == 1
    assert Counter.objects.get(key="k:a").value == 3


def test_certificate_numbers_follow_the_national_format(db):
    machinery = Industry.objects.get(code="machinery")
    commerce = Industry.objects.get(code="commerce")
    level3 = Application(tier="3", industry=machinery)
    level2 = Application(tier="2", industry=commerce)
    level1 = Application(tier="1", industry=machinery)
    lowered = Application(tier="2", granted_tier="3", industry=machinery)

    numbers = [publicity.certificate_number(a, 2026, 1) for a in (level3, level2, level1)]

    assert numbers == ["京AQBJXⅢ202600001", "京AQBSMⅡ202600001", "AQBJXⅠ202600001"]
    assert all(publicity.CERTIFICATE_RE.match(n) for n in numbers)
    assert publicity.certificate_number(lowered, 2026, 42) == "京AQBJXⅢ202600042"
    # One sequence per prefix, industry code, level and year.
    keys = {publicity.certificate_sequence_key(a, 2026) for a in (level3, level2, level1)}
    assert len(keys) == 3
    assert publicity.certificate_sequence_key(lowered, 2026) == publicity.certificate_sequence_key(
        level3, 2026
    )


def test_portal_rules_for_industries_without_a_code_and_the_pass_standard(db):
    construction = Industry.objects.get(code="construction")
    assert construction.certificate_code == ""
    no_code = Application(tier="3", industry=construction)
    small = Application(tier="pass", industry=Industry.objects.get(code="machinery"))

    assert publicity.certificate_number(no_code, 2026, 7) == "京AQBQTⅢ202600007"
    assert publicity.certificate_number(small, 2026, 3) == "京AQBJXXW202600003"


def test_certificates_are_valid_three_years_to_the_day_before():
    assert publicity.valid_until(datetime.date(2026, 3, 12)) == datetime.date(2029, 3, 11)
    assert publicity.valid_until(datetime.date(2026, 1, 1)) == datetime.date(2028, 12, 31)
    # 29 February: no such day three years later; valid to 28 February.
    assert publicity.valid_until(datetime.date(2028, 2, 29)) == datetime.date(2031, 2, 28)


# --- publicity -------------------------------------------------------------------------


def test_publicity_window_counts_working_days_and_sets_the_due_date(cast, version):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)

    assert (batch.starts_on, batch.ends_on) == (START, END)
    assert batch.title == "2026年第1批安全生产标准化达标企业公示"
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert application.due_on == END
    assert item_of(application).tier == "3"
    assert AuditEvent.objects.filter(action="publicity.batch.create").exists()


def test_the_window_skips_holidays(cast, version):
    """From 30 September over the National Day holiday (chinese-calendar)."""
    with time_machine.travel("2026-09-30 09:00 +0800"):
        batch, _ = published(cast, version)

    assert batch.ends_on == datetime.date(2026, 10, 15)


def test_a_later_start_and_own_title_and_the_next_default_number(cast, version):
    other, user = new_enterprise(cast, "北京朝阳第二机械厂")
    with time_machine.travel(MONDAY):
        first = publicity.publicity_batch_create(
            actor=cast.district,
            applications=[verified(cast, version)],
            starts_on=datetime.date(2026, 3, 4),
            title="朝阳区2026年第一次公示",
        )
        second = publicity.publicity_batch_create(
            actor=cast.district, applications=[verified(cast, version, other, user)]
        )

    assert first.title == "朝阳区2026年第一次公示"
    assert first.ends_on == datetime.date(2026, 3, 13)
    assert second.title == "2026年第1批安全生产标准化达标企业公示"


def test_the_grade_shown_is_the_grade_reached(cast, version):
    """Applied for level 2 (received by the association), reached level 3:
    the enterprise consented and 朝阳区, level 3's authority, publishes."""
    application = verified(cast, version, tier="2", granted="3")
    assert application.authority_id == cast.district.organisation_id
    with time_machine.travel(MONDAY):
        publicity.publicity_batch_create(actor=cast.district, applications=[application])

    assert item_of(application).tier == "3"


def test_publishing_is_refused_for_what_is_not_approved_or_not_its_authoritys(cast, version):
    application = verified(cast, version)
    Application.objects.filter(pk=application.pk).update(status=Status.REPORTED)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        publicity.publicity_batch_create(actor=cast.district, applications=[application])
    assert cast.ent.name in refused.value.message
    assert "only applications approved by the grading authority" in refused.value.message

    Application.objects.filter(pk=application.pk).update(status=Status.VERIFIED)
    with pytest.raises(ServiceError):  # verified, not yet approved
        publicity.publicity_batch_create(actor=cast.district, applications=[application])
    Application.objects.filter(pk=application.pk).update(status=Status.APPROVED)
    outsiders = (cast.other_district, cast.city, cast.association, cast.regulator, cast.enterprise)
    for outsider in outsiders:
        with pytest.raises(TransitionForbidden):
            publicity.publicity_batch_create(actor=outsider, applications=[application])
    with pytest.raises(ServiceError) as past:
        publicity.publicity_batch_create(
            actor=cast.district, applications=[application], starts_on=datetime.date(2020, 1, 1)
        )
    assert past.value.field == "starts_on"
    assert not PublicityBatch.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_all_or_nothing(cast, version):
    good = verified(cast, version)
    other, user = new_enterprise(cast, "北京朝阳第二机械厂")
    bad = verified(cast, version, other, user)
    Application.objects.filter(pk=bad.pk).update(status=Status.REPORTED)

    with pytest.raises(ServiceError):
        publicity.publicity_batch_create(actor=cast.district, applications=[good, bad])

    good.refresh_from_db()
    assert good.status == Status.APPROVED
    assert not PublicityItem.objects.exists()


def test_the_move_without_a_batch_is_refused(cast, version):
    application = verified(cast, version)

    with pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="start_publicity")

    assert refused.value.field == "publicity_batch"
    application.refresh_from_db()
    assert application.status == Status.APPROVED


# --- objections ----------------------------------------------------------------------


def test_anyone_may_object_while_the_window_is_open(
    cast, version, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        with django_capture_on_commit_callbacks(execute=True):
            objection = lodge(item_of(application))

    assert objection.outcome == ""
    assert objection.ip == "10.0.0.1"
    assert Notification.objects.filter(recipient=cast.district).exists()
    event = AuditEvent.objects.get(action="publicity.objection.lodge")
    assert event.actor is None
    assert "13912345678" not in str(event.after)


@pytest.mark.parametrize("field", ["name", "contact", "text"])
def test_every_field_of_an_objection_is_required(cast, version, field):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        values = {"name": "张三", "contact": "13912345678", "text": "有问题"}
        values[field] = "  "
        with pytest.raises(ServiceError) as refused:
            objections.objection_lodge(item=item_of(application), ip="10.0.0.1", **values)

    assert refused.value.field == field
    assert not Objection.objects.exists()


def test_an_overlong_objection_is_refused(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        with pytest.raises(ServiceError) as refused:
            lodge(item_of(application), text="字" * (settings.OBJECTION_MAX_CHARS + 1))

    assert refused.value.field == "text"


def test_objections_are_throttled_per_address(cast, version):
    limit = settings.OBJECTION_LIMIT_PER_HOUR
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        item = item_of(application)
        for _ in range(limit):
            lodge(item)
        with translation.override("en"), pytest.raises(ServiceError) as refused:
            lodge(item)
        lodge(item, ip="10.0.0.2")  # another address is not affected

    assert "Too many objections" in refused.value.message
    assert Objection.objects.filter(ip="10.0.0.1").count() == limit


def test_objections_are_refused_outside_the_window(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version, starts_on=datetime.date(2026, 3, 4))
        with translation.override("en"), pytest.raises(ServiceError) as early:
            lodge(item_of(application))
    with time_machine.travel("2026-03-14 09:00 +0800"), translation.override("en"):
        with pytest.raises(ServiceError) as late:
            lodge(item_of(application))

    assert "not started" in early.value.message
    assert "ended on 2026-03-13" in late.value.message
    assert not Objection.objects.exists()


def test_resolving_is_for_the_publishing_organisation_once(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        for outsider in (cast.city, cast.other_district, cast.enterprise, cast.reviewer):
            with pytest.raises(TransitionForbidden):
                objections.objection_resolve(
                    actor=outsider, objection=objection, outcome="dismissed", resolution="查无实据"
                )
        with pytest.raises(ServiceError) as empty:
            objections.objection_resolve(
                actor=cast.district, objection=objection, outcome="dismissed", resolution=" "
            )
        assert empty.value.field == "resolution"
        objections.objection_resolve(
            actor=cast.district_staff,
            objection=objection,
            outcome="dismissed",
            resolution="经核查，查无实据。",
        )
        with pytest.raises(TransitionConflict):
            objections.objection_resolve(
                actor=cast.district, objection=objection, outcome="upheld", resolution="再议"
            )

    objection.refresh_from_db()
    assert (objection.outcome, objection.resolved_by) == ("dismissed", cast.district_staff)
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert AuditEvent.objects.filter(action="publicity.objection.resolve").count() == 1


def test_an_upheld_objection_takes_the_application_out(cast, version, client):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        objections.objection_resolve(
            actor=cast.district,
            objection=objection,
            outcome="upheld",
            resolution="经核查，企业存在重大事故隐患。",
        )
        page = client.get(reverse("public:publicity_detail", args=[batch.pk]))

    application.refresh_from_db()
    assert application.status == Status.REPORTED
    assert item_of(application).removed_at is not None
    event = application.events.last()
    assert (event.transition, event.comment) == (
        "withdraw_from_publicity",
        "经核查，企业存在重大事故隐患。",
    )
    assert cast.ent.name not in page.content.decode()


# --- announcement ---------------------------------------------------------------------


def test_no_announcement_while_the_window_is_open(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel("2026-03-11 18:00 +0800"), translation.override("en"):
        with pytest.raises(ServiceError) as refused:
            publicity.announcement_create(actor=cast.district, applications=[application])

    assert cast.ent.name in refused.value.message
    assert "2026-03-11" in refused.value.message
    assert not AnnouncementBatch.objects.exists()


def test_no_announcement_with_an_unresolved_objection(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        lodge(item_of(application))
    with time_machine.travel(AFTER), translation.override("en"):
        with pytest.raises(ServiceError) as refused:
            publicity.announcement_create(actor=cast.district, applications=[application])

    assert cast.ent.name in refused.value.message
    assert "unresolved objection" in refused.value.message
    assert (
        not AnnouncementBatch.objects.exists()
        and not Counter.objects.filter(key__startswith="announcement").exclude(value=0).exists()
    )


def test_announcing_numbers_the_batches_and_issues_certificates(cast, version):
    with time_machine.travel(MONDAY):
        _, (first, second) = published(cast, version, count=2)
        objection = lodge(item_of(first))
    with time_machine.travel(AFTER):
        objections.objection_resolve(
            actor=cast.district, objection=objection, outcome="dismissed", resolution="查无实据"
        )
        one = publicity.announcement_create(actor=cast.district, applications=[first])
        two = publicity.announcement_create(actor=cast.district, applications=[second])

    assert one.title.startswith("2026年第1批") and two.title.startswith("2026年第2批")
    assert (one.year, one.number, two.number) == (2026, 1, 2)
    first.refresh_from_db()
    assert first.status == Status.ANNOUNCED
    certificates = [first.certificate, Certificate.objects.get(application=second)]
    assert [c.number for c in certificates] == ["京AQBJXⅢ202600001", "京AQBJXⅢ202600002"]
    assert all(publicity.CERTIFICATE_RE.match(c.number) for c in certificates)
    certificate = certificates[0]
    assert (
        certificate.tier,
        certificate.valid_from,
        certificate.valid_until,
        certificate.status,
    ) == ("3", datetime.date(2026, 3, 12), datetime.date(2029, 3, 11), "valid")
    assert certificate.enterprise == cast.ent
    event = AuditEvent.objects.get(action="publicity.announcement.create", object_id=one.pk)
    assert event.after["certificates"] == {str(first.pk): "京AQBJXⅢ202600001"}


def test_the_sequence_comes_from_the_counter_not_from_existing_certificates(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    Counter.objects.create(key=publicity.certificate_sequence_key(application, 2026), value=41)
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=cast.district, applications=[application])

    assert Certificate.objects.get().number == "京AQBJXⅢ202600042"


def test_the_announce_move_needs_an_announcement(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel(AFTER), pytest.raises(ServiceError):
        engine.perform(actor=cast.district, application=application, transition="announce")

    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert not Certificate.objects.exists()


def test_announcing_is_for_the_receiver(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel(AFTER):
        for outsider in (cast.other_district, cast.city, cast.enterprise):
            with pytest.raises(TransitionForbidden):
                publicity.announcement_create(actor=outsider, applications=[application])
        with pytest.raises(ServiceError) as future:
            publicity.announcement_create(
                actor=cast.district,
                applications=[application],
                announced_on=datetime.date(2026, 4, 1),
            )
    assert future.value.field == "announced_on"


# --- public pages ------------------------------------------------------------------------


def test_public_pages_need_no_login_and_show_nothing_private(cast, version):
    anonymous = Client()
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        lodge(item_of(application), contact="private@example.cn", text="机密内容")
        listing = anonymous.get(reverse("public:publicity"))
        detail = anonymous.get(reverse("public:publicity_detail", args=[batch.pk]))

    assert listing.status_code == detail.status_code == 200
    assert 'lang="zh-CN"' in detail.content.decode()
    html = detail.content.decode()
    assert batch.title in listing.content.decode()
    assert cast.ent.name in html and "2026-03-11" in html and str(cast.chaoyang) in html
    assert 'data-testid="objection-form"' in html
    for private in ("private@example.cn", "机密内容", "张三", cast.ent.uscc):
        assert private not in html


def test_objecting_through_the_public_page(cast, version):
    anonymous = Client(enforce_csrf_checks=False)
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        url = reverse("public:publicity_detail", args=[batch.pk])
        data = {
            "item": item_of(application).pk,
            "name": "李四",
            "contact": "13800000000",
            "text": "现场安全设施不全。",
        }
        sent = anonymous.post(url, data, follow=True)
        missing = anonymous.post(url, {**data, "text": ""})
        for _ in range(settings.OBJECTION_LIMIT_PER_HOUR - 1):
            anonymous.post(url, data)
        throttled = anonymous.post(url, data)

    assert sent.status_code == 200 and "your objection was received" in sent.content.decode()
    assert missing.status_code == 400
    assert throttled.status_code == 400
    assert "Too many objections" in throttled.content.decode()
    assert Objection.objects.count() == settings.OBJECTION_LIMIT_PER_HOUR


def test_after_the_window_the_page_has_no_form_and_refuses(cast, version):
    anonymous = Client()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
    url = reverse("public:publicity_detail", args=[batch.pk])
    with time_machine.travel(AFTER):
        page = anonymous.get(url)
        posted = anonymous.post(
            url,
            {
                "item": item_of(application).pk,
                "name": "李四",
                "contact": "13800000000",
                "text": "有问题",
            },
        )

    assert 'data-testid="objection-form"' not in page.content.decode()
    assert posted.status_code == 400
    assert "objections are no longer accepted" in posted.content.decode()
    assert not Objection.objects.exists()


def test_a_batch_not_started_is_not_public(cast, version):
    with time_machine.travel(MONDAY):
        batch, _ = published(cast, version, starts_on=datetime.date(2026, 3, 4))
        response = Client().get(reverse("public:publicity_detail", args=[batch.pk]))
    assert response.status_code == 404


def test_public_announcement_pages(cast, version):
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=2)
    with time_machine.travel(AFTER):
        announcement = publicity.announcement_create(actor=cast.district, applications=apps)
        listing = Client().get(reverse("public:announcements"))
        detail = Client().get(reverse("public:announcement_detail", args=[announcement.pk]))

    assert listing.status_code == detail.status_code == 200
    assert announcement.title in listing.content.decode()
    html = detail.content.decode()
    for text in (
        "京AQBJXⅢ202600001",
        "京AQBJXⅢ202600002",
        "2026-03-12",
        "2029-03-11",
        cast.ent.name,
        str(cast.chaoyang),
    ):
        assert text in html


def test_public_pages_run_a_bounded_number_of_queries(cast, version, django_assert_max_num_queries):
    with time_machine.travel(MONDAY):
        batch, apps = published(cast, version, count=4)
        for application in apps:
            lodge(
                item_of(application), ip=f"10.1.{application.pk // 250}.{application.pk % 250 + 1}"
            )
        client = Client()
        with django_assert_max_num_queries(8):
            client.get(reverse("public:publicity"))
        with django_assert_max_num_queries(8):
            assert (
                client.get(reverse("public:publicity_detail", args=[batch.pk])).status_code == 200
            )
        for objection in Objection.objects.all():
            objections.objection_resolve(
                actor=cast.district, objection=objection, outcome="dismissed", resolution="查无实据"
            )
    with time_machine.travel(AFTER):
        announcement = publicity.announcement_create(actor=cast.district, applications=apps)
        with django_assert_max_num_queries(8):
            client.get(reverse("public:announcements"))
        with django_assert_max_num_queries(8):
            client.get(reverse("public:announcement_detail", args=[announcement.pk]))


def test_the_login_page_links_the_public_pages(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("public:publicity") in html and reverse("public:announcements") in html


# --- management pages -------------------------------------------------------------------


def test_the_district_publishes_through_its_page(cast, version, client_for):
    application = verified(cast, version)
    client = client_for(cast.district)
    with time_machine.travel(MONDAY):
        page = client.get(reverse("certification:publicity"))
        response = client.post(
            reverse("certification:publicity"),
            {"applications": [application.pk], "title": "", "starts_on": "2026-03-02"},
        )

    assert page.status_code == 200 and cast.ent.name in page.content.decode()
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_the_publicity_page_refuses_bad_input(cast, version, client_for):
    application = verified(cast, version)
    client = client_for(cast.district)
    with time_machine.travel(MONDAY):
        nothing = client.post(reverse("certification:publicity"), {"applications": []})
        past = client.post(
            reverse("certification:publicity"),
            {"applications": [application.pk], "starts_on": "2026-01-01"},
        )
    assert nothing.status_code == past.status_code == 400
    assert not PublicityBatch.objects.exists()


def test_batches_and_objections_on_the_page_and_resolving_there(cast, version, client_for):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        client = client_for(cast.district)
        page = client.get(reverse("certification:publicity")).content.decode()
        response = client.post(
            reverse("certification:objection_resolve", args=[objection.pk]),
            {"outcome": "dismissed", "resolution": "查无实据"},
        )

    assert batch.title in page and "13912345678" in page
    assert 'data-testid="objection-count"' in page
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.outcome == "dismissed"


@pytest.mark.parametrize("role", ["enterprise", "group", "reviewer", "street"])
def test_management_pages_are_closed_to_other_roles(cast, client_for, role):
    client = client_for(getattr(cast, role))
    assert client.get(reverse("certification:publicity")).status_code == 403
    assert client.get(reverse("certification:announcements")).status_code == 403


def test_management_pages_need_a_login(client, db):
    assert client.get(reverse("certification:publicity")).status_code == 302


def test_the_city_office_reads_but_does_not_act(cast, version, client_for):
    application = verified(cast, version)
    with time_machine.travel(MONDAY):
        batch = publicity.publicity_batch_create(actor=cast.district, applications=[application])
        objection = lodge(item_of(application))
        client = client_for(cast.city)
        page = client.get(reverse("certification:publicity"))
        post = client.post(reverse("certification:publicity"), {"applications": [application.pk]})
        resolve = client.post(
            reverse("certification:objection_resolve", args=[objection.pk]),
            {"outcome": "dismissed", "resolution": "查无实据"},
        )
        announce = client.post(
            reverse("certification:announcements"), {"applications": [application.pk]}
        )

    assert page.status_code == 200 and batch.title in page.content.decode()
    assert 'data-testid="publish"' not in page.content.decode()
    assert post.status_code == resolve.status_code == announce.status_code == 403
    objection.refresh_from_db()
    assert objection.outcome == ""


def test_another_district_sees_nothing_of_it(cast, version, client_for):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        client = client_for(cast.other_district)
        page = client.get(reverse("certification:publicity")).content.decode()
        resolve = client.post(
            reverse("certification:objection_resolve", args=[objection.pk]),
            {"outcome": "upheld", "resolution": "越权"},
        )
        publish = client.post(
            reverse("certification:publicity"), {"applications": [application.pk]}
        )

    assert batch.title not in page
    assert resolve.status_code == 404
    assert publish.status_code == 400  # not among its own verified applications
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_the_announcements_page(cast, version, client_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        client = client_for(cast.district)
        early = client.post(
            reverse("certification:announcements"),
            {"applications": [application.pk], "announced_on": "2026-03-02"},
        )
    with time_machine.travel(AFTER):
        before = client.get(reverse("certification:announcements")).content.decode()
        response = client.post(
            reverse("certification:announcements"),
            {"applications": [application.pk], "announced_on": "2026-03-12"},
        )
        after = client.get(reverse("certification:announcements")).content.decode()
        city = client_for(cast.city).get(reverse("certification:announcements"))

    assert early.status_code == 400
    assert cast.ent.name in before
    assert response.status_code == 302
    assert "京AQBJXⅢ202600001" in after and "2029-03-11" in after
    assert "京AQBJXⅢ202600001" in city.content.decode()


def test_management_pages_run_a_bounded_number_of_queries(
    cast, version, client_for, django_assert_max_num_queries
):
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=4)
        for application in apps:
            lodge(
                item_of(application), ip=f"10.2.{application.pk // 250}.{application.pk % 250 + 1}"
            )
        client = client_for(cast.district)
        with django_assert_max_num_queries(25):
            client.get(reverse("certification:publicity"))
        with django_assert_max_num_queries(25):
            client.get(reverse("certification:announcements"))


# --- the detail page's panel -------------------------------------------------------------


def test_the_panel_shows_contacts_to_the_receiver_only(cast, version, client_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        objection = lodge(
            item_of(application), contact="objector@example.cn", text="消防通道堵塞。"
        )
        objections.objection_resolve(
            actor=cast.district,
            objection=objection,
            outcome="dismissed",
            resolution="已现场核查，通道畅通。",
        )
        url = reverse("certification:detail", args=[application.pk])
        receiver = client_for(cast.district).get(url).content.decode()
        enterprise = client_for(cast.enterprise).get(url).content.decode()

    assert 'data-testid="publicity-panel"' in receiver
    assert "objector@example.cn" in receiver
    for html in (receiver, enterprise):
        assert "消防通道堵塞。" in html and "已现场核查，通道畅通。" in html
    assert "objector@example.cn" not in enterprise and "张三" not in enterprise


def test_the_panel_shows_the_certificate(cast, version, client_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=cast.district, applications=[application])
        html = (
            client_for(cast.enterprise)
            .get(reverse("certification:detail", args=[application.pk]))
            .content.decode()
        )

    assert 'data-testid="certificate"' in html
    assert "京AQBJXⅢ202600001" in html and "2029-03-11" in html


def test_the_panel_points_the_receiver_to_the_batch_pages(cast, version, client_for):
    application = verified(cast, version)
    url = reverse("certification:detail", args=[application.pk])

    receiver = client_for(cast.district).get(url).content.decode()
    enterprise = client_for(cast.enterprise).get(url).content.decode()

    assert reverse("certification:publicity") in receiver
    assert 'data-testid="publicity-next"' in receiver
    assert 'data-testid="publicity-next"' not in enterprise

"""The application pages: who sees what, the moves through the pages, uploads,
the declaration, the work queue (待办) and the notification bell."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certification.applications import services
from certification.models import Application, ApplicationEvent, Material, Status
from portal.models import Notification
from tests.cast import make_enterprise
from tests.certification.factories import (
    PDF,
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]
# Who may know a submitted level-3 application of cast.ent exists.
SEES_SUBMITTED = {
    "city",
    "district",
    "district_staff",
    "regulator",
    "group",
    "enterprise",
    "enterprise_staff",
}


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def draft(cast, version, *, tier="3", lose=Decimal("0"), enterprise=None):
    enterprise = enterprise or cast.ent
    assessment = submitted_assessment(cast.enterprise, enterprise, version, lose=lose)
    return services.application_create(
        actor=cast.enterprise, enterprise=enterprise, assessment=assessment, tier=tier
    )


def ready(cast, application):
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    return application


def submitted(cast, version, **kw):
    application = ready(cast, draft(cast, version, **kw))
    return services.application_submit(actor=cast.enterprise, application=application)


def detail_url(application):
    return reverse("certification:detail", args=[application.pk])


def act_url(application, transition):
    return reverse("certification:act", args=[application.pk, transition])


def events(application):
    return list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "transition", flat=True
        )
    )


# --- scope ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_submitted_application_is_listed_and_shown_only_in_scope(cast, version, client_for, role):
    application = submitted(cast, version)
    client = client_for(getattr(cast, role))

    listing = client.get(reverse("certification:list"))
    detail = client.get(detail_url(application))

    # Review units have the list too, with what is assigned to them (nothing here).
    assert listing.status_code == 200
    assert (application in listing.context["page"].object_list) == (role in SEES_SUBMITTED)
    assert detail.status_code == (200 if role in SEES_SUBMITTED else 404)


@pytest.mark.parametrize("role", ROLES)
def test_a_material_downloads_only_for_who_sees_the_application(cast, version, client_for, role):
    application = submitted(cast, version)
    material = application.materials.first()

    response = client_for(getattr(cast, role)).get(
        reverse("certification:material_download", args=[application.pk, material.pk])
    )

    if role in SEES_SUBMITTED:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF
    else:
        assert response.status_code == 404


def test_a_material_is_not_reachable_through_another_application(cast, version, client_for):
    mine = submitted(cast, version)
    other = draft(cast, version, tier="2")
    add_all_materials(cast.enterprise, other)
    url = reverse("certification:material_download", args=[mine.pk, other.materials.first().pk])

    assert client_for(cast.enterprise).get(url).status_code == 404


def test_a_draft_is_seen_by_its_applicant_only(cast, version, client_for):
    application = draft(cast, version)

    for user in (cast.district, cast.city, cast.regulator):
        client = client_for(user)
        assert client.get(detail_url(application)).status_code == 404
        assert (
            application not in client.get(reverse("certification:list")).context["page"].object_list
        )
    assert client_for(cast.enterprise).get(detail_url(application)).status_code == 200


def test_the_regulator_reads_but_cannot_act(cast, version, client_for):
    application = submitted(cast, version)
    client = client_for(cast.regulator)

    page = client.get(detail_url(application))
    refused = client.post(act_url(application, "accept"))

    assert page.status_code == 200 and page.context["actions"] == []
    assert b'data-testid="actions"' not in page.content
    assert refused.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and events(application) == ["submit"]


def test_the_enterprise_cannot_accept_its_own_application(cast, version, client_for):
    application = submitted(cast, version)

    response = client_for(cast.enterprise).post(act_url(application, "accept"))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_another_district_cannot_even_find_it(cast, version, client_for):
    application = submitted(cast, version)

    response = client_for(cast.other_district).post(act_url(application, "accept"))

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_unknown_steps_and_get_requests_are_refused(cast, version, client_for):
    application = submitted(cast, version)
    client = client_for(cast.district)

    assert client.post(act_url(application, "stamp_and_forget")).status_code == 404
    assert client.get(act_url(application, "accept")).status_code == 405
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_each_side_is_offered_only_its_own_moves(cast, version, client_for):
    application = submitted(cast, version)

    district = client_for(cast.district).get(detail_url(application)).context["actions"]
    enterprise = client_for(cast.enterprise).get(detail_url(application)).context["actions"]

    assert [t.name for t in district] == ["accept", "return", "reject"]
    assert [t.name for t in enterprise] == ["withdraw"]


# --- the moves through the pages --------------------------------------------------------


def test_the_return_for_correction_loop(cast, version, client_for, en):
    application = submitted(cast, version)
    district = client_for(cast.district)

    no_reason = district.post(act_url(application, "return"), {"comment": "  "})
    assert no_reason.status_code == 400
    assert "Give the reasons" in no_reason.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and events(application) == ["submit"]

    district.post(act_url(application, "return"), {"comment": "组织机构图缺少安全管理人员名单"})
    application.refresh_from_db()
    assert application.status == Status.RETURNED

    enterprise = client_for(cast.enterprise)
    page = enterprise.get(detail_url(application))
    assert "组织机构图缺少安全管理人员名单" in page.content.decode()
    assert page.context["return_reason"].actor == cast.district
    assert page.context["may_edit"] is True
    enterprise.post(
        reverse("certification:material_upload", args=[application.pk]),
        {"kind": "org_chart", "file": SimpleUploadedFile("组织机构图.pdf", PDF)},
    )
    assert application.materials.filter(kind="org_chart").count() == 2
    response = enterprise.post(act_url(application, "resubmit"))
    assert response.status_code == 302
    assert client_for(cast.district).post(act_url(application, "accept")).status_code == 302

    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert events(application) == ["submit", "return", "resubmit", "accept"]
    timeline = client_for(cast.district_staff).get(detail_url(application))
    assert [e.transition for e in timeline.context["events"]] == events(application)
    assert timeline.context["return_reason"] is None  # no longer returned


def test_a_rejection_ends_the_application(cast, version, client_for):
    application = submitted(cast, version)

    client_for(cast.district).post(
        act_url(application, "reject"), {"comment": "申请企业不属于本区管辖"}
    )

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    page = client_for(cast.enterprise).get(detail_url(application))
    assert page.context["actions"] == [] and page.context["may_edit"] is False
    assert "申请企业不属于本区管辖" in page.content.decode()


def test_submitting_without_the_materials_says_what_is_missing(cast, version, client_for):
    application = draft(cast, version)

    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(act_url(application, "submit"))

    assert response.status_code == 400
    assert response.context["action_error"]["transition"] == "submit"
    assert "Upload the missing materials first" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT and events(application) == []


def test_a_second_accept_is_told_who_acted_first(cast, version):
    application = submitted(cast, version)
    first, second = Client(), Client()
    first.force_login(cast.district)
    second.force_login(cast.district_staff)
    second.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Both have the page open with the accept button on it.
    assert first.get(detail_url(application)).context["actions"]
    assert second.get(detail_url(application)).context["actions"]

    assert first.post(act_url(application, "accept")).status_code == 302
    late = second.post(act_url(application, "accept"))

    assert late.status_code == 409
    text = late.content.decode()
    assert "t-district" in late.context["conflict"] and "already moved" in text
    assert late.context["actions"] == []  # the page shows the state as it is now
    assert events(application) == ["submit", "accept"]


def test_level_1_is_forwarded_and_its_national_result_recorded(cast, version, client_for):
    application = ready(cast, draft(cast, version, tier="1"))
    services.application_submit(actor=cast.enterprise, application=application)
    city = client_for(cast.city)

    assert [t.name for t in city.get(detail_url(application)).context["actions"]] == [
        "return",
        "reject",
        "forward_national",
    ]
    city.post(act_url(application, "forward_national"))
    missing = city.post(
        act_url(application, "record_national_result"), {"national_result": "approved"}
    )
    assert missing.status_code == 400
    city.post(
        act_url(application, "record_national_result"),
        {"national_result": "approved", "national_reference": "应急管理部公告2026年第5号"},
    )

    application.refresh_from_db()
    assert (application.status, application.national_reference) == (
        Status.NATIONAL_DECIDED,
        "应急管理部公告2026年第5号",
    )


# --- uploads and the declaration -------------------------------------------------------


def upload(client, application, kind="rules", file=None):
    data = {"kind": kind}
    if file is not None:
        data["file"] = file
    return client.post(reverse("certification:material_upload", args=[application.pk]), data)


def test_an_upload_is_checked_by_its_content(cast, version, client_for):
    application = draft(cast, version)
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    fake = upload(client, application, file=SimpleUploadedFile("制度.pdf", b"just text"))
    missing = upload(client, application)
    bad_kind = upload(client, application, kind="photos", file=SimpleUploadedFile("a.pdf", PDF))

    assert fake.status_code == 400 and "is not a PDF" in fake.content.decode()
    assert fake.context["upload_errors"] == {"rules": fake.context["upload_errors"]["rules"]}
    assert missing.status_code == 400 and "Choose a file" in missing.content.decode()
    assert bad_kind.status_code == 400
    assert not Material.objects.exists()
    ok = upload(client, application, file=SimpleUploadedFile("制度.pdf", PDF))
    assert ok.status_code == 302
    assert application.materials.get().original_name == "制度.pdf"


def test_only_the_applicant_uploads_and_only_while_it_may_edit(cast, version, client_for):
    application = submitted(cast, version)
    before = application.materials.count()

    by_district = upload(
        client_for(cast.district), application, file=SimpleUploadedFile("x.pdf", PDF)
    )
    after_submit = upload(
        client_for(cast.enterprise), application, file=SimpleUploadedFile("x.pdf", PDF)
    )
    by_outsider = upload(
        client_for(cast.other_enterprise), application, file=SimpleUploadedFile("x.pdf", PDF)
    )

    assert by_district.status_code == 403
    assert after_submit.status_code == 400
    assert by_outsider.status_code == 404
    assert application.materials.count() == before


def declare(client, application, **data):
    return client.post(
        reverse("certification:declaration", args=[application.pk]),
        {
            "deaths_last_year": 0,
            "serious_injuries_last_year": 0,
            "accidents_last_3_years": "",
            **data,
        },
    )


def test_a_negative_count_is_refused_and_nothing_saved(cast, version, client_for):
    application = draft(cast, version)
    client = client_for(cast.enterprise)

    response = declare(
        client, application, serious_injuries_last_year=-1, declaration_confirmed="on"
    )

    assert response.status_code == 400
    assert "serious_injuries_last_year" in response.context["declaration_form"].errors
    application.refresh_from_db()
    assert application.declaration_confirmed is False


def test_the_declaration_is_saved_by_the_applicant_only(cast, version, client_for):
    application = draft(cast, version)

    assert (
        declare(
            client_for(cast.enterprise),
            application,
            serious_injuries_last_year=2,
            accidents_last_3_years="2025-03 机械伤害 1人重伤",
            declaration_confirmed="on",
        ).status_code
        == 302
    )
    assert (
        declare(client_for(cast.group), application, declaration_confirmed="").status_code == 404
    )  # a draft: applicant only

    application.refresh_from_db()
    assert (application.serious_injuries_last_year, application.declaration_confirmed) == (2, True)


# --- new application ---------------------------------------------------------------------


def test_the_enterprise_applies_from_a_submitted_self_assessment(cast, version, client_for):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    client = client_for(cast.enterprise)

    form = client.get(reverse("certification:new")).context["form"]
    assert list(form.fields["assessment"].queryset) == [assessment]
    assert [v for v, _ in form.fields["tier"].choices] == ["1", "2", "3"]
    response = client.post(
        reverse("certification:new"),
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "3",
            "deaths_last_year": 0,
            "serious_injuries_last_year": 0,
        },
    )

    application = Application.objects.get()
    assert response.status_code == 302 and response.url == detail_url(application)
    assert (application.receiver, application.status) == (cast.district.organisation, Status.DRAFT)


def test_a_score_below_the_tier_is_refused_next_to_the_tier(cast, version, client_for):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version, lose=Decimal("20"))
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("certification:new"),
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "1",
            "deaths_last_year": 0,
            "serious_injuries_last_year": 0,
        },
    )

    assert response.status_code == 400
    assert any("10.0 short" in e for e in response.context["form"].errors["tier"])
    assert not Application.objects.exists()


def test_negative_counts_are_refused_on_the_new_application(cast, version, client_for):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)

    response = client_for(cast.enterprise).post(
        reverse("certification:new"),
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "3",
            "deaths_last_year": -1,
            "serious_injuries_last_year": 0,
        },
    )

    assert response.status_code == 400 and "deaths_last_year" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_group_applies_for_one_of_its_members_only(cast, version, client_for):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    other = submitted_assessment(cast.other_enterprise, cast.other_ent, version)
    client = client_for(cast.group)

    refused = client.post(
        reverse("certification:new"),
        {
            "enterprise": cast.other_ent.pk,
            "assessment": other.pk,
            "tier": "3",
            "deaths_last_year": 0,
            "serious_injuries_last_year": 0,
        },
    )
    assert refused.status_code == 400 and not Application.objects.exists()
    client.post(
        reverse("certification:new"),
        {
            "enterprise": cast.ent.pk,
            "assessment": assessment.pk,
            "tier": "3",
            "deaths_last_year": 0,
            "serious_injuries_last_year": 0,
        },
    )

    assert Application.objects.get().applicant == cast.group.organisation


@pytest.mark.parametrize("role", ["city", "district", "regulator", "association", "reviewer"])
def test_only_enterprises_and_groups_apply(cast, client_for, role):
    assert client_for(getattr(cast, role)).get(reverse("certification:new")).status_code == 403


# --- list filters, the queue, the home widget -------------------------------------------


def group_submitted(cast, version, enterprise):
    """A level-3 application the group makes for one of its members."""
    assessment = submitted_assessment(cast.enterprise, enterprise, version)
    application = services.application_create(
        actor=cast.group, enterprise=enterprise, assessment=assessment, tier="3"
    )
    add_all_materials(cast.group, application)
    services.application_update(
        actor=cast.group, application=application, declaration_confirmed=True
    )
    return services.application_submit(actor=cast.group, application=application)


def member(cast, serial):
    return make_enterprise(
        f"北京朝阳机械{serial}厂", cast.chaoyang, 100 + serial, group=cast.group.organisation
    )


def test_overdue_applications_come_first_and_are_flagged(cast, version, client_for):
    recent = group_submitted(cast, version, member(cast, 1))
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)):
        old = submitted(cast, version)  # five working days to accept: long past

    page = client_for(cast.district).get(reverse("certification:list"))
    queue = client_for(cast.district).get(reverse("certification:queue"))

    rows = list(page.context["page"].object_list)
    assert rows == [old, recent]
    assert rows[0].is_overdue and not rows[1].is_overdue
    assert page.content.decode().count('data-testid="overdue"') == 1
    assert list(queue.context["page"].object_list) == [old, recent]
    assert client_for(cast.district).get(reverse("home")).context["queue"] == {
        "total": 2,
        "overdue": 1,
    }


def test_the_list_filters_by_status_tier_and_search(cast, version, client_for):
    level3 = submitted(cast, version)
    level2 = submitted(cast, version, tier="2")
    client = client_for(cast.enterprise)

    def listed(**params):
        return list(client.get(reverse("certification:list"), params).context["page"].object_list)

    assert set(listed()) == {level2, level3}
    assert listed(tier="2") == [level2]
    assert set(listed(status="submitted", q=cast.ent.uscc)) == {level2, level3}
    assert listed(q="不存在的企业") == []
    assert listed(status="accepted") == []
    assert set(listed(district=cast.chaoyang.code, industry="machinery")) == {level2, level3}


def test_the_queue_holds_what_awaits_the_organisation(cast, version, client_for):
    mine = submitted(cast, version)  # awaits the district
    level2 = submitted(cast, version, tier="2")  # awaits the association
    pending = draft(cast, version, tier="1")  # awaits the enterprise

    def queue(user, **params):
        return list(
            client_for(user).get(reverse("certification:queue"), params).context["page"].object_list
        )

    assert queue(cast.district) == [mine]
    assert queue(cast.district_staff) == [mine]
    assert queue(cast.association) == [level2]
    assert queue(cast.enterprise) == [pending]
    assert queue(cast.enterprise, status="submitted") == []
    assert queue(cast.other_district) == [] and queue(cast.regulator) == []
    assert queue(cast.reviewer) == []  # review units: what is assigned to them


def test_the_home_page_counts_the_queue(cast, version, client_for):
    submitted(cast, version)

    district = client_for(cast.district).get(reverse("home")).context["queue"]
    other = client_for(cast.other_district).get(reverse("home")).context["queue"]

    assert district == {"total": 1, "overdue": 0}
    assert other == {"total": 0, "overdue": 0}
    assert client_for(cast.reviewer).get(reverse("home")).context["queue"] == {
        "total": 0,
        "overdue": 0,
    }


@pytest.mark.parametrize("n", [5, 50])
def test_the_queue_takes_a_fixed_number_of_queries(
    cast, version, client_for, n, django_assert_max_num_queries
):
    for serial in range(n):
        group_submitted(cast, version, member(cast, serial))
    client = client_for(cast.district)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("certification:queue"))

    assert response.context["page"].paginator.count == n


# --- notifications ---------------------------------------------------------------------


def test_the_bell_counts_unread_notifications_and_marks_them_read(
    cast, version, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(cast, version)
    client = client_for(cast.district)

    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">1<' in home
    listing = client.get(reverse("notifications"))
    notification = listing.context["page"].object_list[0]
    assert cast.ent.name in notification.text

    opened = client.post(reverse("notification_read", args=[notification.pk]), {"open": "1"})
    assert opened.url == detail_url(application)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("home")).content.decode()


def test_notifications_are_private(cast, version, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(cast, version)
    theirs = Notification.objects.filter(recipient=cast.district).get()
    client = client_for(cast.other_district)

    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert list(client.get(reverse("notifications")).context["page"].object_list) == []
    client.post(reverse("notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client_for(cast.district).post(reverse("notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is not None


def test_a_notification_never_redirects_off_site(cast, client_for):
    note = Notification.objects.create(
        recipient=cast.enterprise, text="x", url="https://evil.example/"
    )

    response = client_for(cast.enterprise).post(
        reverse("notification_read", args=[note.pk]), {"open": "1"}
    )

    assert response.url == reverse("notifications")


def test_notification_pages_need_a_login_and_post(client, cast):
    assert client.get(reverse("notifications")).status_code == 302
    client.force_login(cast.enterprise)
    assert client.get(reverse("notifications_read_all")).status_code == 405


@pytest.mark.parametrize(
    "role,shown",
    [("enterprise", True), ("district", True), ("regulator", True), ("reviewer", True)],
)
def test_the_navigation_offers_applications_and_the_queue(cast, client_for, role, shown):
    items = client_for(getattr(cast, role)).get(reverse("home")).context["nav_items"]
    urls = {item["url"] for item in items}

    assert (reverse("certification:list") in urls) == shown
    assert (reverse("certification:queue") in urls) == shown


def test_anonymous_visitors_are_sent_to_the_login(client, cast, version):
    application = submitted(cast, version)
    material = application.materials.first()

    for url in (
        reverse("certification:list"),
        reverse("certification:queue"),
        reverse("certification:new"),
        detail_url(application),
        reverse("certification:material_download", args=[application.pk, material.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.post(act_url(application, "accept")).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

"""A certificate's life (certification/lifecycle/rules.py): the grading
authority's changes and their refusals, the daily run (expiry, annual
self-assessments, renewal) with time travel, the re-apply lock, the
revocation announcement, and the pages."""

from __future__ import annotations

import datetime
import urllib.parse

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from certification import engine, validity
from certification.applications import services
from certification.engine import TransitionConflict, TransitionForbidden
from certification.lifecycle import daily
from certification.lifecycle import rules as lifecycle
from certification.lifecycle import selectors as lifecycle_selectors
from certification.models import (
    AnnouncementBatch,
    AnnualSelfAssessment,
    Certificate,
    CertificateEvent,
    Status,
)
from certification.publicity import rules as publicity
from certification.tasks import run_lifecycle_task
from portal.errors import ServiceError
from portal.models import AuditEvent, Notification
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)
from tests.certification.lifecycle_factories import issue
from tests.certification.test_publicity import new_enterprise

LATER = "2026-06-01 10:00 +0800"


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def certificate(cast, version):
    return issue(cast, version)


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def events(certificate) -> list[str]:
    return list(certificate.events.values_list("action", flat=True))


# --- issuance ------------------------------------------------------------------------------


def test_issuance_writes_the_issued_event_and_three_annual_years(certificate):
    assert events(certificate) == ["issued"]
    rows = list(certificate.annual_assessments.values_list("year", "due_on"))
    # Each anniversary of valid_from; the last one no later than valid_until.
    assert rows == [
        (1, datetime.date(2027, 3, 12)),
        (2, datetime.date(2028, 3, 12)),
        (3, datetime.date(2029, 3, 11)),
    ]


def test_anniversaries_of_29_february():
    assert validity.anniversary(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)
    assert validity.add_months(datetime.date(2029, 5, 31), -3) == datetime.date(2029, 2, 28)


# --- the grading authority's changes -----------------------------------------------------------


def test_suspend_and_reinstate(cast, certificate, django_capture_on_commit_callbacks):
    with time_machine.travel(LATER), django_capture_on_commit_callbacks(execute=True):
        lifecycle.certificate_suspend(
            actor=cast.district,
            certificate=certificate,
            reason="major_hazard",
            note="重大隐患逾期未整改",
        )
        certificate.refresh_from_db()
        assert (certificate.status, certificate.status_reason) == ("suspended", "major_hazard")
        lifecycle.certificate_reinstate(actor=cast.city, certificate=certificate, note="已整改完毕")
    certificate.refresh_from_db()
    assert certificate.status == "valid" and certificate.status_reason == ""
    assert events(certificate) == ["issued", "suspended", "reinstated"]
    suspended = certificate.events.get(action="suspended")
    assert (suspended.from_status, suspended.to_status, suspended.actor) == (
        "valid",
        "suspended",
        cast.district,
    )
    assert AuditEvent.objects.filter(
        action="certificate.suspended", object_id=certificate.pk
    ).exists()
    assert AuditEvent.objects.filter(action="certificate.reinstated").count() == 1
    assert (
        Notification.objects.filter(
            recipient=cast.enterprise, text__contains=certificate.number
        ).count()
        >= 2
    )


def test_wrong_states_are_refused_clearly(cast, certificate):
    with translation.override("en"):
        with pytest.raises(TransitionConflict, match="cannot be reinstated"):
            lifecycle.certificate_reinstate(actor=cast.district, certificate=certificate, note="x")
        lifecycle.certificate_revoke(
            actor=cast.district,
            certificate=certificate,
            reason="fatal_accident",
            note="发生死亡事故",
        )
        for name in ("suspend", "reinstate", "revoke"):
            with pytest.raises(TransitionConflict, match="was revoked on"):
                lifecycle.ACTIONS[name](
                    actor=cast.district, certificate=certificate, reason="other", note="x"
                )
    assert events(certificate) == ["issued", "revoked"]


def test_reason_and_note_are_required(cast, certificate):
    with translation.override("en"):
        with pytest.raises(ServiceError, match="Choose the reason") as error:
            lifecycle.certificate_suspend(
                actor=cast.district, certificate=certificate, reason="", note="x"
            )
        assert error.value.field == "reason"
        with pytest.raises(ServiceError, match="Choose the reason"):
            lifecycle.certificate_suspend(
                actor=cast.district, certificate=certificate, reason="bad-code", note="x"
            )
        with pytest.raises(ServiceError) as error:
            lifecycle.certificate_suspend(
                actor=cast.district, certificate=certificate, reason="other", note="  "
            )
        assert error.value.field == "note"
    certificate.refresh_from_db()
    assert certificate.status == "valid" and events(certificate) == ["issued"]


@pytest.mark.parametrize(
    "who", ["enterprise", "other_district", "association", "regulator", "reviewer"]
)
def test_only_the_authority_changes_a_certificate(cast, certificate, who):
    with pytest.raises(TransitionForbidden):
        lifecycle.certificate_suspend(
            actor=getattr(cast, who), certificate=certificate, reason="other", note="x"
        )
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_a_revocation_review_closed_by_keeping_the_certificate(cast, certificate, client_for):
    """A fatal accident flagged the certificate; the district reviews it and
    keeps it: the flag goes, the decision stays in the history, and keeping is
    offered only while flagged."""
    assert "keep" not in lifecycle.actions_open(cast.district, certificate)
    with time_machine.travel(LATER):
        lifecycle.flag_for_review(
            actor=cast.district, enterprise=cast.ent, reason="2026-05-30 死亡事故 1 人"
        )
        certificate.refresh_from_db()
        assert lifecycle.actions_open(cast.district, certificate)[0] == "keep"
        with pytest.raises(TransitionForbidden):
            lifecycle.certificate_keep(actor=cast.enterprise, certificate=certificate, note="x")
        with pytest.raises(ServiceError):  # the explanation is required
            lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="")
        page = client_for(cast.district).post(
            reverse("certification:lifecycle_act", args=[certificate.pk, "keep"]),
            {"note": "经调查，事故系承包方作业所致，企业安全生产标准化体系运行有效。"},
        )
        assert page.status_code == 302
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None and certificate.status == "valid"
    assert events(certificate)[-1] == "kept"
    assert AuditEvent.objects.filter(action="certificate.kept").count() == 1
    with pytest.raises(TransitionConflict):  # no longer flagged
        lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="再次")


def test_revocation_is_announced_numbered_and_locks_reapplying(cast, version, certificate):
    with time_machine.travel(LATER):
        event = lifecycle.certificate_revoke(
            actor=cast.district,
            certificate=certificate,
            reason="fatal_accident",
            note="发生死亡事故",
        )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.reapply_locked_until == datetime.date(2026, 6, 1) + datetime.timedelta(
        days=365
    )
    batch = event.announcement
    # The award announcement of 2026 was number 1: the revocation is number 2.
    assert (batch.kind, batch.year, batch.number) == ("revocation", 2026, 2)
    assert batch.title == "2026年第2批安全生产标准化撤销等级公告"
    assert batch.organiser_id == cast.district.organisation_id
    assert AuditEvent.objects.filter(
        action="certificate.revoked", after__reapply_locked_until="2027-06-01"
    ).exists()
    # The lock refuses a new application, naming the date, until that day.
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel("2027-05-31 10:00 +0800"), translation.override("en"):
        with pytest.raises(ServiceError, match="may apply again from 2027-06-01"):
            services.application_create(
                actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
            )
    with time_machine.travel("2027-06-01 10:00 +0800"):
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )


def test_revocation_announcements_are_public(cast, certificate, en):
    lifecycle.certificate_revoke(
        actor=cast.district, certificate=certificate, reason="fraud", note="提供虚假材料"
    )
    batch = AnnouncementBatch.objects.get(kind="revocation")
    page = en.get(reverse("public:announcements"))
    with translation.override("en"):  # the title the portal gave it, in the page's language
        shown = batch.display_title
    assert shown.endswith("grades revoked") and shown in page.content.decode()
    assert "Grades revoked" in page.content.decode()
    detail = en.get(reverse("public:announcement_detail", args=[batch.pk]))
    text = detail.content.decode()
    assert certificate.number in text and "Revoked" in text
    assert "Reason for revocation" in text and "False materials" in text, text
    assert "提供虚假材料" not in text  # the note stays internal


def test_the_lock_setting(cast, certificate, settings):
    settings.REAPPLY_LOCK_MONTHS = 1
    with time_machine.travel(LATER):
        lifecycle.certificate_revoke(
            actor=cast.city, certificate=certificate, reason="other", note="x"
        )
    certificate.refresh_from_db()
    assert certificate.reapply_locked_until == datetime.date(2026, 7, 1)


def test_a_revocation_locks_until_its_anniversary(cast, certificate):
    # 2028 is a leap year: revoked on 29 February, the enterprise may apply on 28 February.
    with time_machine.travel("2028-02-29 10:00 +0800"):
        lifecycle.certificate_revoke(
            actor=cast.city, certificate=certificate, reason="other", note="x"
        )
    certificate.refresh_from_db()
    assert certificate.reapply_locked_until == datetime.date(2029, 2, 28)


# --- renewal ---------------------------------------------------------------------------------------


def test_same_grade_only_in_the_renewal_window(cast, version, certificate):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel("2028-12-10 10:00 +0800"), translation.override("en"):
        with pytest.raises(ServiceError, match="renewal application opens on 2028-12-11"):
            services.application_create(
                actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
            )
        # A higher grade: any time.
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="2"
        )
    with time_machine.travel("2028-12-11 10:00 +0800"):
        renewal = services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
        assert lifecycle.renewal_of(renewal) == certificate
        assert lifecycle.fast_path_allowed(renewal) is False  # the setting is off
    with time_machine.travel("2028-12-11 10:00 +0800"), override_settings(RENEWAL_FAST_PATH=True):
        assert lifecycle.fast_path_allowed(renewal) is True
        lifecycle.certificate_suspend(
            actor=cast.district, certificate=certificate, reason="other", note="x"
        )
        assert lifecycle.fast_path_allowed(renewal) is False


def test_the_fast_path_confirms_a_renewal_straight_to_publicity(
    cast, version, certificate, client_for
):
    """With RENEWAL_FAST_PATH the district is offered “confirm the renewal” on a
    renewal of a certificate in good standing: submitted → verified without
    a review, approved by the grading authority (朝阳区 for level 3), then
    publicity and announcement give a new certificate and the old one
    records the renewal. Without the setting the move is neither
    offered nor possible."""
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel("2028-12-12 10:00 +0800"):
        renewal = services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
        add_all_materials(cast.enterprise, renewal)
        services.application_update(
            actor=cast.enterprise, application=renewal, declaration_confirmed=True
        )
        engine.perform(actor=cast.enterprise, application=renewal, transition="submit")
        page = client_for(cast.district).get(reverse("certification:detail", args=[renewal.pk]))
        assert 'data-testid="do-confirm_renewal"' not in page.content.decode()
        with pytest.raises(ServiceError):
            engine.perform(actor=cast.district, application=renewal, transition="confirm_renewal")
        with override_settings(RENEWAL_FAST_PATH=True):
            page = client_for(cast.district).get(reverse("certification:detail", args=[renewal.pk]))
            assert 'data-testid="do-confirm_renewal"' in page.content.decode()
            with pytest.raises(TransitionForbidden):
                engine.perform(
                    actor=cast.enterprise, application=renewal, transition="confirm_renewal"
                )
            engine.perform(actor=cast.district, application=renewal, transition="confirm_renewal")
        renewal.refresh_from_db()
        assert renewal.status == Status.VERIFIED and renewal.granted_tier == "3"
        logged = AuditEvent.objects.get(action="application.confirm_renewal")
        assert logged.after["renews"] == certificate.number
        assert renewal.authority_id == cast.district.organisation_id
        with pytest.raises(ServiceError):  # the authority approves first
            publicity.publicity_batch_create(actor=cast.district, applications=[renewal])
        engine.perform(actor=cast.district, application=renewal, transition="approve")
        publicity.publicity_batch_create(actor=cast.district, applications=[renewal])
    with time_machine.travel("2029-01-05 10:00 +0800"):
        publicity.announcement_create(actor=cast.district, applications=[renewal])
    new = Certificate.objects.get(application=renewal)
    assert new.number != certificate.number and new.valid_from == datetime.date(2029, 1, 5)
    assert "renewed" in events(certificate)


def test_renewal_notice_once(cast, certificate):
    with time_machine.travel("2028-12-10 09:00 +0800"):
        assert run_lifecycle_task()["renewal"] == 0
    with time_machine.travel("2028-12-11 09:00 +0800"):
        assert run_lifecycle_task()["renewal"] == 1
        assert run_lifecycle_task()["renewal"] == 0
    with time_machine.travel("2028-12-12 09:00 +0800"):
        assert run_lifecycle_task()["renewal"] == 0
    assert (
        Notification.objects.filter(
            recipient=cast.enterprise, url=reverse("certification:new")
        ).count()
        == 1
    )


# --- the daily run -------------------------------------------------------------------------------


def test_expiry_is_idempotent(cast, certificate):
    with time_machine.travel("2029-03-11 09:00 +0800"):
        assert run_lifecycle_task()["expired"] == 0
    with time_machine.travel("2029-03-12 09:00 +0800"):
        assert run_lifecycle_task()["expired"] == 1
        assert run_lifecycle_task()["expired"] == 0
    certificate.refresh_from_db()
    assert certificate.status == "expired"
    assert events(certificate).count("expired") == 1
    event = certificate.events.get(action="expired")
    assert event.actor is None and event.from_status == "valid"
    with translation.override("en"), pytest.raises(TransitionConflict, match="expired on"):
        lifecycle.certificate_suspend(
            actor=cast.district, certificate=certificate, reason="other", note="x"
        )


def test_the_daily_run_writes_notifications_in_the_portal_language(cast, certificate):
    """Even when called while English is active (a test, a shell), the stored text is
    in settings.LANGUAGE_CODE, the language of the portal's users."""
    with time_machine.travel("2029-03-12 09:00 +0800"), translation.override("en"):
        daily.expire(timezone.localdate())
    text = Notification.objects.filter(recipient=cast.enterprise).latest("id").text
    assert text.startswith(f"证书{certificate.number}（") and "已于2029-03-11到期" in text


def test_a_suspended_certificate_expires_too(cast, certificate):
    lifecycle.certificate_suspend(
        actor=cast.district, certificate=certificate, reason="other", note="x"
    )
    with time_machine.travel("2029-03-12 09:00 +0800"):
        run_lifecycle_task()
    certificate.refresh_from_db()
    assert certificate.status == "expired"


def _annual(certificate, year):
    return AnnualSelfAssessment.objects.get(certificate=certificate, year=year)


def test_annual_reminders_30_days_before_and_on_the_due_day(cast, certificate):
    def reminders():
        return Notification.objects.filter(
            recipient=cast.enterprise, text__contains="2027-03-12"
        ).count()

    with time_machine.travel("2027-02-09 09:00 +0800"):
        assert run_lifecycle_task()["reminded"] == 0
    with time_machine.travel("2027-02-10 09:00 +0800"):  # 30 days before
        assert run_lifecycle_task()["reminded"] == 1
        assert run_lifecycle_task()["reminded"] == 0
    with time_machine.travel("2027-02-11 09:00 +0800"):
        assert run_lifecycle_task()["reminded"] == 0
    assert reminders() == 1
    with time_machine.travel("2027-03-12 09:00 +0800"):  # the due day
        assert run_lifecycle_task()["reminded"] == 1
        assert run_lifecycle_task()["reminded"] == 0
    assert reminders() == 2
    assert _annual(certificate, 1).reminded_on == datetime.date(2027, 3, 12)


def test_overdue_is_recorded_once_and_listed(cast, certificate, client_for):
    with time_machine.travel("2027-03-12 09:00 +0800"):
        assert run_lifecycle_task()["overdue"] == 0
    with time_machine.travel("2027-03-13 09:00 +0800"):
        assert run_lifecycle_task()["overdue"] == 1
        first = _annual(certificate, 1).overdue_recorded_at
        assert run_lifecycle_task()["overdue"] == 0
    with time_machine.travel("2027-03-20 09:00 +0800"):
        assert run_lifecycle_task()["overdue"] == 0
    assert _annual(certificate, 1).overdue_recorded_at == first
    assert AuditEvent.objects.filter(action="certificate.annual.overdue").count() == 1
    assert list(lifecycle_selectors.overdue_annual_visible_to(cast.district)) == [
        _annual(certificate, 1)
    ]
    assert list(lifecycle_selectors.overdue_annual_visible_to(cast.city)) == [
        _annual(certificate, 1)
    ]
    assert not lifecycle_selectors.overdue_annual_visible_to(cast.other_district).exists()
    page = client_for(cast.district).get(reverse("certification:lifecycle_warnings"))
    assert certificate.number in page.content.decode()


def test_a_submitted_self_assessment_fulfils_the_year(cast, version, certificate):
    # The assessment the grade was earned on does not count.
    with time_machine.travel("2027-03-13 09:00 +0800"):
        run_lifecycle_task()
    row = _annual(certificate, 1)
    assert row.overdue_recorded_at is not None and row.assessment is None
    with time_machine.travel("2027-04-01 09:00 +0800"):
        late = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel("2027-04-02 09:00 +0800"):
        result = run_lifecycle_task()
        assert result["fulfilled"] == 1
        assert run_lifecycle_task()["fulfilled"] == 0
    row.refresh_from_db()
    assert row.assessment == late and row.submitted_at == late.submitted_at
    assert not lifecycle_selectors.overdue_annual_visible_to(cast.district).exists()
    # Year 2 needs its own self-assessment.
    assert _annual(certificate, 2).assessment is None
    with time_machine.travel("2028-01-05 09:00 +0800"):
        second = submitted_assessment(cast.enterprise, cast.ent, version)
        run_lifecycle_task()
    assert _annual(certificate, 2).assessment == second
    with time_machine.travel("2028-03-13 09:00 +0800"):
        assert run_lifecycle_task()["overdue"] == 0


def test_a_self_assessment_in_time_prevents_the_reminder_and_overdue(cast, version, certificate):
    with time_machine.travel("2026-09-01 09:00 +0800"):
        submitted_assessment(cast.enterprise, cast.ent, version)
        assert run_lifecycle_task()["fulfilled"] == 1
    with time_machine.travel("2027-02-10 09:00 +0800"):
        assert run_lifecycle_task()["reminded"] == 0
    with time_machine.travel("2027-03-13 09:00 +0800"):
        assert run_lifecycle_task()["overdue"] == 0


def test_revoked_certificates_are_left_alone(cast, certificate):
    lifecycle.certificate_revoke(
        actor=cast.district, certificate=certificate, reason="other", note="x"
    )
    with time_machine.travel("2027-03-13 09:00 +0800"):
        assert run_lifecycle_task() == {
            "fulfilled": 0,
            "overdue": 0,
            "expired": 0,
            "reminded": 0,
            "renewal": 0,
        }


def test_the_beat_schedule_runs_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["certificate-lifecycle"]
    assert entry["task"] == "certification.run_lifecycle"


# --- pages --------------------------------------------------------------------------------------


def test_the_certificate_page_shows_history_annual_and_actions(cast, certificate, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("certification:lifecycle_certificate", args=[certificate.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert certificate.number in text and "Annual self-assessments" in text
    assert 'data-testid="lifecycle-suspend"' in text and 'data-testid="lifecycle-revoke"' in text
    assert 'data-testid="lifecycle-reinstate"' not in text
    response = client.post(
        reverse("certification:lifecycle_act", args=[certificate.pk, "suspend"]),
        {"reason": "major_hazard", "note": "重大隐患逾期未整改"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    text = client.get(url).content.decode()
    assert "重大隐患逾期未整改" in text and 'data-testid="lifecycle-reinstate"' in text


def test_the_certificate_page_offers_the_files_to_those_who_may_have_them(
    cast, certificate, client_for
):
    url = reverse("certification:lifecycle_certificate", args=[certificate.pk])
    for who in (cast.district, cast.enterprise):
        text = client_for(who).get(url).content.decode()
        assert 'data-testid="certificate-downloads"' in text, who
        assert f"/verify/?number={urllib.parse.quote(certificate.number)}" in text
    page = client_for(cast.regulator).get(url)  # sees the certificate, not its files
    assert page.status_code == 200
    assert 'data-testid="certificate-downloads"' not in page.content.decode()


def test_page_refusals(cast, certificate, client_for):
    act = reverse("certification:lifecycle_act", args=[certificate.pk, "suspend"])
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(act, {"reason": "", "note": "x"})
    assert response.status_code == 400 and "Choose the reason" in response.content.decode()
    response = client.post(
        reverse("certification:lifecycle_act", args=[certificate.pk, "reinstate"]), {"note": "x"}
    )
    assert response.status_code == 409
    assert (
        client.post(
            reverse("certification:lifecycle_act", args=[certificate.pk, "explode"]), {}
        ).status_code
        == 404
    )
    # In scope, wrong role: the enterprise sees its certificate, cannot change it.
    enterprise = client_for(cast.enterprise)
    page = enterprise.get(reverse("certification:lifecycle_certificate", args=[certificate.pk]))
    assert page.status_code == 200 and "lifecycle-suspend" not in page.content.decode()
    assert enterprise.post(act, {"reason": "other", "note": "x"}).status_code == 403
    # Outside the scope: 404.
    for outsider in (cast.other_district, cast.other_enterprise, cast.reviewer):
        client = client_for(outsider)
        assert (
            client.get(
                reverse("certification:lifecycle_certificate", args=[certificate.pk])
            ).status_code
            == 404
        )
        assert client.post(act, {"reason": "other", "note": "x"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_the_certificate_list_and_its_filters(
    cast, version, certificate, client_for, django_assert_max_num_queries
):
    other, user = new_enterprise(cast, "北京朝阳第二机械厂")
    second = issue(cast, version, enterprise=other, user=user)
    lifecycle.certificate_suspend(actor=cast.district, certificate=second, reason="other", note="x")
    client = client_for(cast.district)
    url = reverse("certification:lifecycle_certificates")
    with django_assert_max_num_queries(12):
        text = client.get(url).content.decode()
    assert certificate.number in text and second.number in text
    text = client.get(url, {"status": "suspended"}).content.decode()
    assert second.number in text and certificate.number not in text
    Certificate.objects.filter(pk=certificate.pk).update(
        review_flagged_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    text = client.get(url, {"flagged": "1"}).content.decode()
    assert certificate.number in text and second.number not in text
    Certificate.objects.filter(pk=second.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=30)
    )
    text = client.get(url, {"expiring": "1"}).content.decode()
    assert second.number in text and certificate.number not in text
    assert certificate.number not in client.get(url, {"overdue": "1"}).content.decode()
    with time_machine.travel("2027-03-13 09:00 +0800"):
        run_lifecycle_task()
    assert certificate.number in client.get(url, {"overdue": "1"}).content.decode()
    # The other district sees none of them; wrong roles: 403.
    text = client_for(cast.other_district).get(url).content.decode()
    assert certificate.number not in text
    # The machinery regulator (level 2's grading authority) reads its industry's.
    assert certificate.number in client_for(cast.regulator).get(url).content.decode()
    assert certificate.number not in client_for(cast.other_regulator).get(url).content.decode()
    assert client_for(cast.reviewer).get(url).status_code == 403
    for user in (cast.enterprise, cast.reviewer):
        assert client_for(user).get(reverse("certification:lifecycle_warnings")).status_code == 403


def test_an_enterprise_lists_its_own_certificates_with_their_files(
    cast, version, certificate, client_for, django_assert_max_num_queries
):
    other, user = new_enterprise(cast, "北京朝阳第二机械厂")
    second = issue(cast, version, enterprise=other, user=user)
    Certificate.objects.filter(pk=certificate.pk).update(
        rendered_at=timezone.now(),
        review_flagged_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
    )
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("certification:lifecycle_certificates")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    # Its own certificate with both files; never another enterprise's.
    assert certificate.number in text and second.number not in text
    pdf = reverse("certification:certificate_download", args=[certificate.pk, "pdf"])
    plaque = reverse("certification:certificate_download", args=[certificate.pk, "plaque"])
    assert pdf in text and plaque in text
    # The authority's working marks stay the authority's.
    assert 'data-testid="warnings-link"' not in text and "Flagged" not in text
    assert certificate.number in client.get(url, {"flagged": "1"}).content.decode()
    # Not yet rendered: no broken links.
    Certificate.objects.filter(pk=certificate.pk).update(rendered_at=None)
    assert pdf not in client.get(url).content.decode()


def test_many_certificates_page_in_bounded_queries(
    cast, version, client_for, django_assert_max_num_queries
):
    for n in range(3):
        other, user = new_enterprise(cast, f"北京朝阳第{n + 3}机械厂")
        issue(cast, version, enterprise=other, user=user)
    client = client_for(cast.city)
    with django_assert_max_num_queries(10):
        text = client.get(reverse("certification:lifecycle_certificates")).content.decode()
    assert text.count('data-testid="certificates"') == 1 and "北京朝阳第5机械厂" in text
    with django_assert_max_num_queries(10):
        client.get(reverse("certification:lifecycle_warnings"))


def test_events_are_kept_in_order(cast, certificate):
    lifecycle.certificate_suspend(
        actor=cast.district, certificate=certificate, reason="other", note="a"
    )
    lifecycle.certificate_reinstate(actor=cast.district, certificate=certificate, note="b")
    lifecycle.certificate_revoke(
        actor=cast.district, certificate=certificate, reason="other", note="c"
    )
    assert list(
        CertificateEvent.objects.filter(certificate=certificate).values_list("action", flat=True)
    ) == ["issued", "suspended", "reinstated", "revoked"]

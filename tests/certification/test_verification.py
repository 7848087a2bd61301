"""Verification (复核): batches of reported applications, the reproducible
one-third draw, spot checks, a failed check reopening the batch and
re-examining the review unit, and the verify / send back / close moves.
Then the pages: who sees which batch, and the forms."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certification import engine
from certification.models import (
    Application,
    OnSiteReview,
    SpotCheck,
    Status,
    VerificationBatch,
)
from certification.onsite import rules as onsite
from certification.verification import rules as verification
from certification.verification import spot_checks
from certification.verification import views as verification_views
from portal.errors import ServiceError
from portal.models import AuditEvent, Notification, Organisation, OrganisationKind
from tests.cast import make_enterprise, make_user
from tests.certification.factories import (
    make_tiered_version,
    reported_application,
    review_team,
)

# --- building blocks (also used by tests/api/test_verification_api.py) ------------


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def another_enterprise(cast, n: int, region=None):
    """The cast with ``ent``/``enterprise`` swapped for a new machinery
    enterprise (朝阳区 unless told), so the factories apply for it."""
    region = region or cast.chaoyang
    org = Organisation.objects.create(
        name=f"北京测试机械{n}号有限公司", kind=OrganisationKind.ENTERPRISE, region=region
    )
    ent = make_enterprise(org.name, region, 100 + n, account=org)
    return replace(cast, ent=ent, enterprise=make_user(f"t-ent-{n}", org))


def reported(cast, version, n: int | None = None, tier: str = "3", region=None) -> Application:
    """A reported application of cast.ent (n None) or of a new enterprise n."""
    who = cast if n is None else another_enterprise(cast, n, region)
    return reported_application(who, version, tier)


def reported_many(cast, version, count: int, start: int = 1) -> list[Application]:
    return [reported(cast, version, n) for n in range(start, start + count)]


def make_batch(cast, applications, actor=None) -> VerificationBatch:
    return verification.batch_create(actor=actor or cast.district, applications=applications)


def drawn_check(batch) -> SpotCheck:
    return batch.checks.filter(reason=SpotCheck.Reason.DRAWN).order_by("pk").first()


def nothing_written():
    return (
        VerificationBatch.objects.count(),
        SpotCheck.objects.count(),
        AuditEvent.objects.filter(action__startswith="verification.").count(),
    ) == (0, 0, 0)


# --- the draw ----------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 11))
def test_the_draw_takes_one_third_rounded_up(n):
    ids = list(range(100, 100 + n))
    picks = verification.draw("seed-x", ids)
    assert len(picks) == max(1, math.ceil(n / 3))
    assert len(set(picks)) == len(picks) and set(picks) <= set(ids)


def test_the_draw_is_reproducible_and_follows_the_documented_algorithm():
    ids = [17, 3, 42, 8, 25, 11, 60]
    import random

    expected = random.Random("abc123").sample(sorted(ids), 3)
    assert verification.draw("abc123", ids) == expected
    assert verification.draw("abc123", list(reversed(ids))) == expected  # order of input
    assert verification.draw("abc123", []) == []


def test_a_batch_draws_one_third_and_the_draw_repeats_from_the_stored_seed(
    cast, version, django_capture_on_commit_callbacks
):
    applications = reported_many(cast, version, 4)
    with django_capture_on_commit_callbacks(execute=True):
        batch = make_batch(cast, applications)
    batch.refresh_from_db()
    checks = list(batch.checks.all())
    assert len(checks) == 4
    picks = sorted(c.application_id for c in checks if c.required)
    assert len(picks) == 2  # ceil(4 / 3)
    assert all(c.reason == SpotCheck.Reason.DRAWN for c in checks if c.required)
    assert all(
        c.reason == "" and c.result == SpotCheck.Result.PENDING for c in checks if not c.required
    )
    # Anyone with the stored seed gets the same picks.
    assert len(batch.seed) == 32
    assert sorted(verification.draw(batch.seed, [a.pk for a in applications])) == picks
    assert batch.drawn_at is not None
    assert batch.name == f"{timezone.localdate().isoformat()} 复核批次 1"
    assert {c.unit_id for c in checks} == {cast.reviewer.organisation_id}
    logged = AuditEvent.objects.get(action="verification.batch.create")
    assert logged.after["seed"] == batch.seed and logged.after["drawn"] == picks
    # The review unit hears of it.
    note = Notification.objects.get(recipient=cast.reviewer)
    assert batch.name in note.text


def test_batches_are_numbered_per_organiser(cast, version):
    first = make_batch(cast, [reported(cast, version, 1)])
    second = make_batch(cast, [reported(cast, version, 2)])
    level2 = make_batch(cast, [reported(cast, version, tier="2")], actor=cast.association)
    assert first.name.endswith("复核批次 1") and second.name.endswith("复核批次 2")
    assert level2.name.endswith("复核批次 1")
    assert level2.organiser == cast.association.organisation


# --- refusals of batch creation -------------------------------------------------


def test_only_the_receiver_batches_its_applications_and_nothing_is_written(cast, version):
    application = reported(cast, version)
    for outsider in (cast.association, cast.other_district):
        with pytest.raises(engine.TransitionForbidden) as refused:
            make_batch(cast, [application], actor=outsider)
        if outsider == cast.association:
            assert cast.ent.name in refused.value.message
    for not_organiser in (cast.city, cast.reviewer, cast.enterprise, cast.regulator):
        with pytest.raises(engine.TransitionForbidden):
            make_batch(cast, [application], actor=not_organiser)
    assert nothing_written()


def test_only_reported_applications_are_batched(cast, version):
    first = reported(cast, version, 1)
    in_review = engine.perform(
        actor=cast.district, application=first, transition="send_back", comment="评分依据不足。"
    )
    fine = reported(cast, version, 2)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        make_batch(cast, [fine, in_review])
    assert first.enterprise.name in refused.value.message
    assert "reported" in refused.value.message.lower()
    with pytest.raises(ServiceError):
        make_batch(cast, [])
    assert nothing_written()


def test_a_report_goes_into_one_batch_only(cast, version):
    first, second = reported(cast, version, 1), reported(cast, version, 2)
    make_batch(cast, [first])
    before = (VerificationBatch.objects.count(), SpotCheck.objects.count())
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        make_batch(cast, [second, first])
    assert first.enterprise.name in refused.value.message
    assert "already in a verification batch" in refused.value.message
    assert (VerificationBatch.objects.count(), SpotCheck.objects.count()) == before


# --- verify ------------------------------------------------------------------------


def test_verify_is_refused_outside_a_batch(cast, version):
    application = reported(cast, version)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert "verification batch" in refused.value.message
    application.refresh_from_db()
    assert application.status == Status.REPORTED and application.granted_tier == ""


def test_verify_waits_for_the_drawn_check_then_grants_the_grade(cast, version):
    application = reported(cast, version)
    # A report proposing more than was applied for (the review scored 100).
    OnSiteReview.objects.filter(application=application).update(proposed_tier="1")
    batch = make_batch(cast, [application])  # a batch of one: it is drawn
    check = drawn_check(batch)
    assert check.application_id == application.pk
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert batch.name in refused.value.message and "still to be recorded" in refused.value.message
    spot_checks.spot_check_record(actor=cast.district, check=check, result="passed", notes="")
    engine.perform(actor=cast.district, application=application, transition="verify")
    application.refresh_from_db()
    assert application.status == Status.VERIFIED
    # The grade reached is never above the grade applied for.
    assert application.granted_tier == "3"
    logged = AuditEvent.objects.get(action="application.verify")
    assert logged.after["granted_tier"] == "3" and logged.after["batch"] == batch.pk
    assert logged.after["proposed_tier"] == "1"


def test_an_undrawn_application_is_verified_without_a_recheck(cast, version):
    applications = reported_many(cast, version, 3)
    batch = make_batch(cast, applications)
    undrawn = batch.checks.filter(required=False).first()
    application = Application.objects.get(pk=undrawn.application_id)
    engine.perform(actor=cast.district, application=application, transition="verify")
    application.refresh_from_db()
    assert application.status == Status.VERIFIED and application.granted_tier == "3"


def test_the_grade_granted_is_the_lower_grade_the_review_proposed(cast, version):
    application = reported(cast, version, tier="2")  # received by the association
    OnSiteReview.objects.filter(application=application).update(proposed_tier="3")
    batch = make_batch(cast, [application], actor=cast.association)
    spot_checks.spot_check_record(actor=cast.association, check=drawn_check(batch), result="passed")
    with pytest.raises(ServiceError) as refused:  # a lower grade asks the enterprise first
        engine.perform(actor=cast.association, application=application, transition="verify")
    assert refused.value.field == "granted_tier"
    engine.perform(actor=cast.association, application=application, transition="verify_lower")
    application.refresh_from_db()
    assert application.tier == "2" and application.granted_tier == "3"
    assert application.status == Status.AWAITING_CONSENT and application.authority_id is None


def test_verify_is_refused_when_no_grade_was_reached_and_close_ends_it(cast, version):
    application = reported(cast, version)
    OnSiteReview.objects.filter(application=application).update(proposed_tier="")
    batch = make_batch(cast, [application])
    spot_checks.spot_check_record(actor=cast.district, check=drawn_check(batch), result="passed")
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert "Close: no grade reached" in refused.value.message
    with pytest.raises(ServiceError):  # the reasons are required
        engine.perform(actor=cast.district, application=application, transition="close_not_reached")
    engine.perform(
        actor=cast.district,
        application=application,
        transition="close_not_reached",
        comment="现场评审得分未达到三级。",
    )
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.granted_tier == ""


def test_close_not_reached_needs_no_batch(cast, version):
    application = reported(cast, version)
    engine.perform(
        actor=cast.district,
        application=application,
        transition="close_not_reached",
        comment="未达到任何等级。",
    )
    assert Application.objects.get(pk=application.pk).status == Status.REJECTED


def test_send_back_from_reported_then_the_new_report_needs_a_new_batch(cast, version):
    application = reported(cast, version)
    batch = make_batch(cast, [application])
    spot_checks.spot_check_record(
        actor=cast.district, check=drawn_check(batch), result="failed", notes="现场与报告不符。"
    )
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert "failed" in refused.value.message
    engine.perform(
        actor=cast.district,
        application=application,
        transition="send_back",
        comment="请重新评审第1.1项。",
    )
    application.refresh_from_db()
    assert application.status == Status.ON_SITE_REVIEW
    # The review unit signs and reports again.
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    # The old batch no longer counts: the new report needs a batch of its own.
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert "verification batch" in refused.value.message
    assert [a.pk for a in verification.batchable(cast.district.organisation_id)] == [application.pk]
    second = make_batch(cast, [application])
    spot_checks.spot_check_record(actor=cast.district, check=drawn_check(second), result="passed")
    engine.perform(actor=cast.district, application=application, transition="verify")
    assert Application.objects.get(pk=application.pk).status == Status.VERIFIED


# --- recording checks; a failure ----------------------------------------------------


def test_only_the_receiver_records_and_a_failure_needs_notes(cast, version):
    application = reported(cast, version)
    check = drawn_check(make_batch(cast, [application]))
    for outsider in (cast.association, cast.city, cast.reviewer, cast.enterprise):
        with pytest.raises(engine.TransitionForbidden):
            spot_checks.spot_check_record(actor=outsider, check=check, result="passed")
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        spot_checks.spot_check_record(actor=cast.district, check=check, result="failed", notes="  ")
    assert refused.value.field == "notes"
    with pytest.raises(ServiceError):
        spot_checks.spot_check_record(actor=cast.district, check=check, result="maybe")
    check.refresh_from_db()
    assert check.result == SpotCheck.Result.PENDING and check.checked_by is None
    spot_checks.spot_check_record(actor=cast.district, check=check, result="passed")
    with pytest.raises(engine.TransitionConflict):
        spot_checks.spot_check_record(
            actor=cast.district, check=check, result="failed", notes="再次检查"
        )


def test_a_failed_check_reopens_the_batch_and_reexamines_the_unit(
    cast, version, django_capture_on_commit_callbacks
):
    unit = cast.reviewer.organisation
    in_batch = reported_many(cast, version, 4, start=1)
    others = reported_many(cast, version, 3, start=11)  # the unit's other reports
    level2 = reported(cast, version, tier="2")  # another organiser's, same unit
    old = reported(cast, version, 21)  # reported last year: not counted
    OnSiteReview.objects.filter(application=old).update(
        reported_at=timezone.now().replace(year=timezone.now().year - 1)
    )
    batch = make_batch(cast, in_batch)
    drawn = list(batch.checks.filter(required=True))
    assert len(drawn) == 2
    spot_checks.spot_check_record(actor=cast.district, check=drawn[0], result="passed")
    heard = Notification.objects.filter(recipient=cast.reviewer).count()
    with django_capture_on_commit_callbacks(execute=True):
        spot_checks.spot_check_record(
            actor=cast.district,
            check=drawn[1],
            result="failed",
            notes="现场隐患未整改，报告记为符合。",
        )
    batch.refresh_from_db()
    assert batch.reopened_at is not None
    items = {c.application_id: c for c in batch.checks.all()}
    assert all(c.required for c in items.values())
    assert {c.reason for c in items.values() if c.result == SpotCheck.Result.PENDING} == {
        SpotCheck.Reason.REOPENED
    }
    assert items[drawn[0].application_id].reason == SpotCheck.Reason.DRAWN
    # At least half (rounded up) of the unit's 4 other reports this year.
    unit_checks = SpotCheck.objects.filter(batch=None, reason=SpotCheck.Reason.UNIT_REEXAMINED)
    picked = sorted(unit_checks.values_list("application_id", flat=True))
    other_ids = sorted([a.pk for a in others] + [level2.pk])
    assert len(picked) == 2 and set(picked) <= set(other_ids) and old.pk not in picked
    assert all(c.required and c.unit_id == unit.pk for c in unit_checks)
    assert picked == sorted(verification.sample(f"{batch.seed}:unit", other_ids, 2))
    assert verification.spot_check_failures(unit) == 1
    logged = AuditEvent.objects.get(action="verification.unit.reexamine")
    assert logged.after["seed"] == f"{batch.seed}:unit" and logged.after["drawn"] == picked
    assert AuditEvent.objects.filter(action="verification.batch.reopen").exists()
    # The unit hears of the failure; one failure is no proposal yet.
    assert Notification.objects.filter(recipient=cast.reviewer).count() == heard + 1
    assert not Notification.objects.filter(recipient=cast.city).exists()
    # The receivers of the re-examined reports are told (the association too
    # when its application was drawn).
    receivers = set(Application.objects.filter(pk__in=picked).values_list("receiver", flat=True))
    for receiver in receivers:
        assert Notification.objects.filter(
            recipient__organisation_id=receiver, url=reverse("certification:verification")
        ).exists()

    # A second failure (a reopened item) proposes removing the unit.
    reopened = next(c for c in items.values() if c.reason == SpotCheck.Reason.REOPENED)
    with django_capture_on_commit_callbacks(execute=True):
        spot_checks.spot_check_record(
            actor=cast.district, check=reopened, result="failed", notes="同样问题。"
        )
    assert verification.spot_check_failures(unit) == 2
    proposal = Notification.objects.get(recipient=cast.city)
    assert unit.name in proposal.text
    assert proposal.url == reverse("review_bodies:detail", args=[unit.pk])
    assert AuditEvent.objects.filter(
        action="verification.unit.removal_proposed", object_id=str(unit.pk)
    ).exists()
    # Coverage already reached: no more unit checks drawn.
    assert unit_checks.count() == 2


def test_a_unit_reexamination_is_recorded_even_after_verification(cast, version):
    earlier = reported_many(cast, version, 3, start=1)
    earlier_batch = make_batch(cast, earlier)
    undrawn = [
        Application.objects.get(pk=c.application_id)
        for c in earlier_batch.checks.filter(required=False)
    ]
    for application in undrawn:
        engine.perform(actor=cast.district, application=application, transition="verify")
    failing = make_batch(cast, [reported(cast, version, 9)])
    spot_checks.spot_check_record(
        actor=cast.district, check=drawn_check(failing), result="failed", notes="报告失实。"
    )
    # 3 other reports: 2 to re-examine; the drawn one of the earlier batch
    # counts already, one of the two verified ones is drawn.
    unit_check = SpotCheck.objects.get(batch=None)
    assert unit_check.application_id in {a.pk for a in undrawn}
    assert unit_check.reason == SpotCheck.Reason.UNIT_REEXAMINED
    assert Application.objects.get(pk=unit_check.application_id).status == Status.VERIFIED
    spot_checks.spot_check_record(actor=cast.district, check=unit_check, result="passed")
    unit_check.refresh_from_db()
    assert unit_check.result == SpotCheck.Result.PASSED


def test_a_pending_unit_reexamination_holds_back_verify(cast, version):
    failing_app, other = reported(cast, version, 1), reported(cast, version, 2)
    failing = make_batch(cast, [failing_app])
    spot_checks.spot_check_record(
        actor=cast.district, check=drawn_check(failing), result="failed", notes="报告失实。"
    )
    unit_check = SpotCheck.objects.get(batch=None)
    assert unit_check.application_id == other.pk  # ceil(1 / 2) = 1
    batch = make_batch(cast, [other])
    spot_checks.spot_check_record(actor=cast.district, check=drawn_check(batch), result="passed")
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=other, transition="verify")
    assert "re-examination of the review unit" in refused.value.message
    spot_checks.spot_check_record(actor=cast.district, check=unit_check, result="passed")
    engine.perform(actor=cast.district, application=other, transition="verify")
    assert Application.objects.get(pk=other.pk).status == Status.VERIFIED


def test_a_drawn_check_is_not_recorded_once_the_application_moved_on(cast, version):
    application = reported(cast, version)
    check = drawn_check(make_batch(cast, [application]))
    engine.perform(
        actor=cast.district,
        application=application,
        transition="send_back",
        comment="补充评审记录。",
    )
    with pytest.raises(engine.TransitionConflict):
        spot_checks.spot_check_record(actor=cast.district, check=check, result="passed")


# --- pages -------------------------------------------------------------------------

LIST = "/applications/verification/"


def batch_url(batch):
    return reverse("certification:verification_batch", args=[batch.pk])


def record_url(check):
    return reverse("certification:spot_check_record", args=[check.pk])


def test_the_urls_are_where_the_brief_says():
    assert reverse("certification:verification") == LIST
    assert reverse("certification:verification_batch", args=[7]) == f"{LIST}7/"


@pytest.mark.parametrize(
    "role", ["regulator", "reviewer", "enterprise", "group", "other_regulator"]
)
def test_other_roles_get_403_on_the_list_and_404_on_a_batch(cast, version, client_for, role):
    batch = make_batch(cast, [reported(cast, version)])
    client = client_for(getattr(cast, role))
    assert client.get(LIST).status_code == 403
    assert client.get(batch_url(batch)).status_code == 404
    assert (
        client.post(
            reverse("certification:verification_batch_create"),
            {"applications": [batch.checks.first().application_id]},
        ).status_code
        == 403
    )


def test_anonymous_visitors_are_sent_to_the_login(client, cast):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_organisers_see_their_own_batches_and_the_city_all(cast, version, client_for):
    district_batch = make_batch(cast, [reported(cast, version, 1)])
    level2_batch = make_batch(cast, [reported(cast, version, tier="2")], actor=cast.association)

    def listed(user):
        page = client_for(user).get(LIST)
        assert page.status_code == 200
        return {b.pk for b in page.context["page"]}

    assert listed(cast.district) == {district_batch.pk}
    assert listed(cast.district_staff) == {district_batch.pk}
    assert listed(cast.association) == {level2_batch.pk}
    assert listed(cast.other_district) == set()
    assert listed(cast.city) == {district_batch.pk, level2_batch.pk}
    # Another organiser's batch: 404.
    assert client_for(cast.other_district).get(batch_url(district_batch)).status_code == 404
    assert client_for(cast.association).get(batch_url(district_batch)).status_code == 404
    assert client_for(cast.district).get(batch_url(level2_batch)).status_code == 404


def test_the_city_office_reads_but_makes_and_records_nothing(cast, version, client_for):
    batch = make_batch(cast, [reported(cast, version)])
    client = client_for(cast.city)
    page = client.get(LIST)
    assert b'data-testid="read-only"' in page.content
    assert b'data-testid="create-form"' not in page.content
    detail = client.get(batch_url(batch))
    assert detail.status_code == 200 and b'data-testid="record-' not in detail.content
    check = drawn_check(batch)
    assert client.post(record_url(check), {"result": "passed"}).status_code == 403
    assert (
        client.post(
            reverse("certification:verification_batch_create"),
            {"applications": [check.application_id]},
        ).status_code
        == 403
    )
    check.refresh_from_db()
    assert check.result == SpotCheck.Result.PENDING


def test_the_organiser_makes_a_batch_from_the_form(cast, version, client_for, en):
    applications = reported_many(cast, version, 3)
    client = client_for(cast.district)
    page = client.get(LIST)
    rows = page.content.decode().count('data-testid="candidate"')
    assert rows == 3
    response = client.post(
        reverse("certification:verification_batch_create"),
        {"applications": [a.pk for a in applications[:2]]},
    )
    batch = VerificationBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch_url(batch)
    # The batched ones leave the form; the third stays.
    page = client.get(LIST)
    assert [a.pk for a in page.context["candidates"]] == [applications[2].pk]
    # Batching one again is refused on the page, naming the enterprise.
    again = client.post(
        reverse("certification:verification_batch_create"), {"applications": [applications[0].pk]}
    )
    assert again.status_code == 400
    assert applications[0].enterprise.name in again.context["create_error"]
    assert VerificationBatch.objects.count() == 1


def test_the_form_lists_the_longest_waiting_and_says_how_many_wait(
    cast, version, client_for, en, monkeypatch
):
    monkeypatch.setattr(verification_views, "CANDIDATES_SHOWN", 2)
    applications = reported_many(cast, version, 3)
    client = client_for(cast.district)

    page = client.get(LIST)
    listed = [a.pk for a in page.context["candidates"]]
    assert listed == [a.pk for a in applications[:2]]  # reported first, listed first
    assert "2 of the 3 waiting are listed" in page.content.decode()
    client.post(reverse("certification:verification_batch_create"), {"applications": listed})

    page = client.get(LIST)
    assert [a.pk for a in page.context["candidates"]] == [applications[2].pk]
    assert 'data-testid="candidates-more"' not in page.content.decode()


def test_a_batch_of_another_district_cannot_be_made_through_the_form(cast, version, client_for):
    application = reported(cast, version)
    response = client_for(cast.other_district).post(
        reverse("certification:verification_batch_create"), {"applications": [application.pk]}
    )
    assert response.status_code == 400  # not in its scope: unknown to it
    assert nothing_written()


def test_the_batch_page_shows_the_draw_and_how_to_repeat_it(cast, version, client_for, en):
    applications = reported_many(cast, version, 4)
    batch = make_batch(cast, applications)
    page = client_for(cast.district).get(batch_url(batch))
    html = page.content.decode()
    assert batch.seed in html
    assert "random.Random" in html and "sample" in html
    assert 'data-testid="repeat-ok"' in html
    picks = sorted(c.application_id for c in batch.checks.filter(required=True))
    assert page.context["picks"] == picks
    assert html.count('data-testid="item"') == 4
    assert html.count('data-required="yes"') == 2
    for application in applications:
        assert reverse("certification:detail", args=[application.pk]) in html
    assert "Drawn at random" in html


def test_recording_through_the_batch_page(cast, version, client_for, en):
    application = reported(cast, version)
    batch = make_batch(cast, [application])
    check = drawn_check(batch)
    client = client_for(cast.district_staff)
    refused = client.post(record_url(check), {"result": "failed", "notes": ""})
    assert refused.status_code == 400
    assert 'data-testid="record-error"' in refused.content.decode()
    response = client.post(record_url(check), {"result": "failed", "notes": "报告失实。"})
    assert response.status_code == 302 and response["Location"] == batch_url(batch)
    check.refresh_from_db()
    assert check.result == SpotCheck.Result.FAILED and check.checked_by == cast.district_staff
    page = client.get(batch_url(batch))
    assert b'data-testid="reopened"' in page.content and "报告失实。" in page.content.decode()
    conflict = client.post(record_url(check), {"result": "passed"})
    assert conflict.status_code == 409


def test_recording_is_404_outside_the_scope_and_403_for_the_wrong_role(cast, version, client_for):
    check = drawn_check(make_batch(cast, [reported(cast, version)]))
    for outsider in (cast.other_district, cast.association, cast.other_enterprise):
        assert client_for(outsider).post(record_url(check), {"result": "passed"}).status_code == 404
    for wrong_role in (cast.regulator, cast.enterprise, cast.reviewer):
        # They see the application (the reviewer while it is reported) but do not record.
        assert (
            client_for(wrong_role).post(record_url(check), {"result": "passed"}).status_code == 403
        )
    check.refresh_from_db()
    assert check.result == SpotCheck.Result.PENDING


def test_unit_reexaminations_are_recorded_from_the_list(cast, version, client_for):
    failing_app, other = reported(cast, version, 1), reported(cast, version, 2)
    spot_checks.spot_check_record(
        actor=cast.district,
        check=drawn_check(make_batch(cast, [failing_app])),
        result="failed",
        notes="报告失实。",
    )
    unit_check = SpotCheck.objects.get(batch=None)
    client = client_for(cast.district)
    page = client.get(LIST)
    assert f'data-testid="record-{unit_check.pk}"' in page.content.decode()
    response = client.post(record_url(unit_check), {"result": "passed"})
    assert response.status_code == 302
    assert response["Location"] == LIST + "#pending"
    unit_check.refresh_from_db()
    assert unit_check.result == SpotCheck.Result.PASSED and other.pk == unit_check.application_id


def test_the_detail_panel_shows_the_batch_the_draw_and_the_result(cast, version, client_for, en):
    application = reported(cast, version)
    detail = reverse("certification:detail", args=[application.pk])
    unbatched = client_for(cast.district).get(detail).content.decode()
    assert 'data-testid="verification-unbatched"' in unbatched
    batch = make_batch(cast, [application])
    spot_checks.spot_check_record(
        actor=cast.district, check=drawn_check(batch), result="failed", notes="内部记录：评分不实。"
    )
    organiser = client_for(cast.district).get(detail).content.decode()
    with translation.override("en"):  # the page's language: the batch's name in English
        shown = batch.display_name
    assert shown in organiser and 'data-testid="verification-drawn"' in organiser
    assert batch_url(batch) in organiser and "内部记录" in organiser
    assert 'data-result="failed"' in organiser
    # The enterprise sees that it was drawn and the result, not the notes or the batch page.
    enterprise = client_for(cast.enterprise).get(detail).content.decode()
    assert 'data-testid="verification-drawn"' in enterprise and 'data-result="failed"' in enterprise
    assert "内部记录" not in enterprise and batch_url(batch) not in enterprise


def test_verify_from_the_application_page_after_the_check(cast, version, client_for, en):
    application = reported(cast, version)
    client = client_for(cast.district)
    act = reverse("certification:act", args=[application.pk, "verify"])
    refused = client.post(act)
    assert refused.status_code == 400
    assert "verification batch" in refused.context["action_error"]["message"]
    batch = make_batch(cast, [application])
    spot_checks.spot_check_record(actor=cast.district, check=drawn_check(batch), result="passed")
    assert client.post(act).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.VERIFIED and application.granted_tier == "3"
    page = client.get(reverse("certification:detail", args=[application.pk]))
    assert b'data-testid="granted-tier"' in page.content


@pytest.mark.parametrize("count", [1, 4])
def test_the_pages_take_a_bounded_number_of_queries(
    cast, version, client_for, count, django_assert_max_num_queries
):
    applications = reported_many(cast, version, count * 2)
    batches = [make_batch(cast, [a]) for a in applications[:count]]
    big = make_batch(cast, applications[count:])
    for batch in batches:
        spot_checks.spot_check_record(
            actor=cast.district, check=drawn_check(batch), result="passed"
        )
    reported_many(cast, version, count, start=50)  # candidates for the form
    client = client_for(cast.district)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(batch_url(big)).status_code == 200
    city = client_for(cast.city)
    with django_assert_max_num_queries(10):
        assert city.get(LIST).status_code == 200

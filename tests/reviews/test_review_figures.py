"""Figures per review unit and per reviewer (reviews/bodies/figures.py): reviews done,
durations in working days without rectification, open reviews, spot checks,
score gap to the self-assessment; on the unit pages and in the API.

The data is made by hand through the ORM, with known dates (Beijing time) on
the Chinese calendar of 2024 and 2025.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    AssignmentMember,
    OnSiteReview,
    SpotCheck,
)
from portal.models import Organisation, Qualification
from reviews.bodies import figures
from reviews.models import Assessment, Reviewer
from tests.certification.factories import make_tiered_version

BEIJING = ZoneInfo("Asia/Shanghai")
D = Decimal


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


# --- hand-made data ----------------------------------------------------------------


class Maker:
    def __init__(self, cast):
        self.cast = cast
        self.version = make_tiered_version("figures-test")

    def application(self, status: str, self_score: Decimal | None) -> Application:
        cast = self.cast
        assessment = Assessment.objects.create(
            enterprise=cast.ent,
            version=self.version,
            status="submitted",
            submitted_score=self_score,
            created_by=cast.enterprise,
        )
        return Application.objects.create(
            enterprise=cast.ent,
            applicant=cast.ent.account,
            assessment=assessment,
            tier="3",
            industry_id="machinery",
            receiver=cast.district.organisation,
            status=status,
            created_by=cast.enterprise,
        )

    def assign(self, application, unit, assigned_at, *, withdrawn_at=None, team=()):
        assignment = Assignment.objects.create(
            application=application,
            unit=unit,
            assigned_by=self.cast.association,
            withdrawn_at=withdrawn_at,
        )
        Assignment.objects.filter(pk=assignment.pk).update(assigned_at=assigned_at)
        for reviewer, leader in team:
            AssignmentMember.objects.create(
                assignment=assignment, reviewer=reviewer, is_leader=leader
            )
        return assignment

    def review(self, application, started_at, reported_at, score: Decimal | None):
        assessment = Assessment.objects.create(
            enterprise=self.cast.ent,
            version=self.version,
            kind="review",
            created_by=self.cast.reviewer,
        )
        review = OnSiteReview.objects.create(
            application=application, assessment=assessment, reported_at=reported_at, score=score
        )
        OnSiteReview.objects.filter(pk=review.pk).update(started_at=started_at)
        return review

    def event(self, application, transition, when):
        event = ApplicationEvent.objects.create(
            application=application,
            transition=transition,
            to_status="on_site_review",
            actor=self.cast.reviewer,
        )
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=when)

    def spot_check(self, unit, application, result, checked_at=None):
        return SpotCheck.objects.create(
            unit=unit, application=application, result=result, required=True, checked_at=checked_at
        )


@pytest.fixture
def world(cast):
    """Two machinery review units the association manages, one construction unit it
    does not; reviews of 2024 and 2025; spot checks; a pause for rectification."""
    make = Maker(cast)
    unit = cast.reviewer.organisation  # 北京安评技术服务有限公司
    unit2 = Organisation.objects.create(name="北京华安评审中心", kind="review_unit")
    Qualification.objects.create(organisation=unit2, industry_id="machinery", tier="3")
    r1 = Reviewer.objects.create(unit=unit, name="王建", certificate_no="FIG-1")
    r2 = Reviewer.objects.create(unit=unit, name="李明", certificate_no="FIG-2")
    r3 = Reviewer.objects.create(unit=unit, name="赵强", certificate_no="FIG-3")
    r4 = Reviewer.objects.create(unit=unit, name="孙丽", certificate_no="FIG-4", is_active=False)
    r5 = Reviewer.objects.create(unit=unit2, name="周华", certificate_no="FIG-5")
    r6 = Reviewer.objects.create(unit=unit2, name="吴刚", certificate_no="FIG-6")

    # A: 3–14 March 2025 (9 working days), rectification 5 → 11 March (4): 5 days.
    a = make.application("reported", D("80.0"))
    make.assign(a, unit, at(2025, 2, 20), team=[(r1, True), (r2, False)])
    make.review(a, at(2025, 3, 3), at(2025, 3, 14, 16), D("85.5"))
    make.event(a, "start_review", at(2025, 3, 3))
    make.event(a, "request_rectification", at(2025, 3, 5, 15))
    make.event(a, "submit_rectification", at(2025, 3, 11, 9))
    make.event(a, "submit_report", at(2025, 3, 14, 16, 1))

    # B: first assigned to unit2 (withdrawn), then to unit: 12–14 May 2025, 2 days.
    b = make.application("verified", D("90.0"))
    make.assign(
        b, unit2, at(2025, 4, 1), withdrawn_at=at(2025, 4, 10), team=[(r5, True), (r6, False)]
    )
    make.assign(b, unit, at(2025, 4, 15), team=[(r1, True), (r3, False)])
    make.review(b, at(2025, 5, 12, 9), at(2025, 5, 14, 17), D("88.0"))

    # C: 29 September – 10 October 2025 across the National Day holiday: 3 days.
    c = make.application("announced", D("70.0"))
    make.assign(c, unit, at(2025, 9, 1), team=[(r2, True), (r3, False)])
    make.review(c, at(2025, 9, 29), at(2025, 10, 10), D("79.0"))

    # G: 3–6 June 2025 (after the Dragon Boat holiday): 3 days; not scored.
    g = make.application("reported", D("75.0"))
    make.assign(g, unit, at(2025, 5, 20), team=[(r3, True), (r1, False)])
    make.review(g, at(2025, 6, 3), at(2025, 6, 6), None)

    # D: unit, 2–6 December 2024: 4 days; gap −20.
    d = make.application("announced", D("80.0"))
    make.assign(d, unit, at(2024, 11, 1), team=[(r1, True), (r2, False)])
    make.review(d, at(2024, 12, 2), at(2024, 12, 6), D("60.0"))

    # E: first assigned to unit (withdrawn), reported by unit2, 7–11 July 2025: gap +35.
    e = make.application("verified", D("60.0"))
    make.assign(
        e, unit, at(2025, 7, 1), withdrawn_at=at(2025, 7, 3), team=[(r1, True), (r2, False)]
    )
    make.assign(e, unit2, at(2025, 7, 5), team=[(r5, True), (r6, False)])
    make.review(e, at(2025, 7, 7), at(2025, 7, 11), D("95.0"))

    # Open now: H in rectification with unit; I assigned to unit2 after unit withdrew.
    h = make.application("rectification", D("80.0"))
    make.assign(h, unit, at(2025, 11, 1), team=[(r1, True), (r2, False)])
    i = make.application("assigned", D("80.0"))
    make.assign(i, unit, at(2025, 11, 1), withdrawn_at=at(2025, 11, 2))
    make.assign(i, unit2, at(2025, 11, 3), team=[(r5, True), (r6, False)])

    # Spot checks: unit 2025 passed + failed + pending; unit 2024 failed; unit2 2025 two failed.
    make.spot_check(unit, a, "passed", at(2025, 4, 1))
    make.spot_check(unit, b, "failed", at(2025, 6, 1))
    make.spot_check(unit, c, "pending")
    make.spot_check(unit, d, "failed", at(2024, 12, 20))
    make.spot_check(unit2, e, "failed", at(2025, 8, 1))
    make.spot_check(unit2, i, "failed", at(2025, 8, 2))

    construction = Organisation.objects.create(name="北京建安评审中心", kind="review_unit")
    Qualification.objects.create(organisation=construction, industry_id="construction", tier="3")
    return SimpleNamespace(
        make=make,
        unit=unit,
        unit2=unit2,
        construction=construction,
        r1=r1,
        r2=r2,
        r3=r3,
        r4=r4,
        r5=r5,
        apps=SimpleNamespace(a=a, b=b, c=c, d=d, e=e, g=g, h=h, i=i),
    )


def page(client_for, user, url):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url)


def shown(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)', html)
    assert match, testid
    return " ".join(match.group(1).split())


def api_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def detail_url(unit, year=None):
    url = reverse("review_bodies:detail", args=[unit.pk])
    return f"{url}?year={year}" if year else url


# --- the figures ---------------------------------------------------------------------


def test_a_units_figures_for_2025(world):
    f = figures.unit_figures(world.unit, 2025)

    assert f.reviews_done == 4  # A, B, C, G; not D (2024), not E
    assert sorted(f.durations) == [2, 3, 3, 5]  # A without its rectification
    assert (f.duration_median, f.duration_mean) == (D("3.0"), D("3.3"))  # 13 / 4
    assert f.open_reviews == 1  # H; I went to unit2
    assert (f.spot_checks_done, f.spot_checks_failed, f.spot_check_warning) == (2, 1, False)
    # +5.5, −2.0, +9.0 (G has no review score): mean 12.5 / 3, largest 9.0
    assert (f.gap_mean, f.gap_max_abs) == (D("4.2"), D("9.0"))


def test_the_figures_per_reviewer(world):
    f = figures.unit_figures(world.unit, 2025)

    r1, r2, r3, r4 = (f.reviewer(r.pk) for r in (world.r1, world.r2, world.r3, world.r4))
    assert (r1.reviews_done, r1.leader_count, r1.gap_mean) == (3, 2, D("1.8"))  # A B G; 3.5/2
    assert (r2.reviews_done, r2.leader_count, r2.gap_mean) == (2, 1, D("7.3"))  # A C; 14.5/2
    assert (r3.reviews_done, r3.leader_count, r3.gap_mean) == (3, 1, D("3.5"))  # B C G; 7/2
    assert (r4.reviews_done, r4.leader_count, r4.gap_mean) == (0, 0, None)
    assert world.r5.pk not in f.reviewers  # unit2's reviewer on B's first team


def test_another_units_reviews_stay_its_own(world):
    f = figures.unit_figures(world.unit2, 2025)

    assert f.reviews_done == 1  # E; not B, withdrawn before the review
    assert f.durations == [4]
    assert f.open_reviews == 1  # I
    assert (f.spot_checks_done, f.spot_checks_failed, f.spot_check_warning) == (2, 2, True)
    assert (f.gap_mean, f.gap_max_abs) == (D("35.0"), D("35.0"))
    assert f.reviewer(world.r5.pk).reviews_done == 1
    assert f.reviewer(world.r5.pk).leader_count == 1


def test_the_year_filter(world):
    f = figures.unit_figures(world.unit, 2024)

    assert f.reviews_done == 1
    assert (f.duration_median, f.duration_mean) == (D("4.0"), D("4.0"))
    assert (f.spot_checks_done, f.spot_checks_failed) == (1, 1)
    assert (f.gap_mean, f.gap_max_abs) == (D("-20.0"), D("20.0"))
    assert f.open_reviews == 1  # open is "now", whatever the year
    empty = figures.unit_figures(world.unit, 2023)
    assert (empty.reviews_done, empty.duration_median, empty.gap_mean) == (0, None, None)


def test_the_year_runs_on_beijing_time(world):
    """A report at 00:30 on 1 January in Beijing is of the new year (16:30 UTC the day before)."""
    application = world.make.application("reported", D("80.0"))
    world.make.assign(application, world.unit2, at(2025, 12, 1))
    world.make.review(application, at(2025, 12, 29), at(2026, 1, 1, 0, 30), D("80.0"))

    assert figures.unit_figures(world.unit2, 2025).reviews_done == 1
    assert figures.unit_figures(world.unit2, 2026).reviews_done == 1


def test_a_second_failed_spot_check_raises_the_warning(world):
    world.make.spot_check(world.unit, world.apps.c, "failed", at(2025, 12, 1))

    f = figures.unit_figures(world.unit, 2025)
    assert (f.spot_checks_done, f.spot_checks_failed, f.spot_check_warning) == (3, 2, True)
    assert not figures.unit_figures(world.unit, 2024).spot_check_warning


def test_durations_count_working_days_without_the_pauses():
    start, report = at(2025, 3, 3), at(2025, 3, 14, 16)
    assert figures.review_duration(start, report) == 9
    assert (
        figures.review_duration(
            start,
            report,
            [
                ("request_rectification", at(2025, 3, 5, 15)),
                ("submit_rectification", at(2025, 3, 11, 9)),
            ],
        )
        == 5
    )
    # Two rounds of rectification, and a report sent back by the receiver.
    assert (
        figures.review_duration(
            start,
            report,
            [
                ("request_rectification", at(2025, 3, 4)),
                ("submit_rectification", at(2025, 3, 5)),
                ("submit_report", at(2025, 3, 7)),
                ("send_back", at(2025, 3, 12)),
                ("request_rectification", at(2025, 3, 13)),
                ("submit_rectification", at(2025, 3, 14, 9)),
            ],
        )
        == 9 - 1 - 3 - 1
    )
    # The National Day holiday of 2025 is no working day; the make-up Saturday is.
    assert figures.review_duration(at(2025, 9, 29), at(2025, 10, 10)) == 3
    assert figures.review_duration(at(2025, 10, 10), at(2025, 10, 13)) == 2
    # A pause never closed ends at the report.
    assert figures.review_duration(start, report, [("request_rectification", at(2025, 3, 12))]) == 7


def test_the_list_columns_agree_with_the_unit_figures(world):
    units = figures.annotate_list(Organisation.objects.filter(kind="review_unit"), 2025)
    shown_in_list = {unit.pk: figures.list_figures(unit, 2025) for unit in units}

    for unit in (world.unit, world.unit2, world.construction):
        full = figures.unit_figures(unit, 2025)
        listed = shown_in_list[unit.pk]
        assert (
            listed.reviews_done,
            listed.spot_checks_failed,
            listed.spot_check_warning,
            listed.gap_mean,
        ) == (full.reviews_done, full.spot_checks_failed, full.spot_check_warning, full.gap_mean), (
            unit.name
        )


# --- the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["association", "city"])
def test_the_managers_see_the_figures_card_with_a_year_selector(client_for, cast, world, who):
    response = page(client_for, getattr(cast, who), detail_url(world.unit, 2025))

    assert response.status_code == 200
    html = response.text
    assert "Figures for 2025" in html
    assert 'name="year"' in html and '<option value="2025" selected>' in html
    assert shown(html, "fig-reviews-done") == "4"
    assert shown(html, "fig-open") == "1"
    assert shown(html, "fig-duration") == "3 / 3.3"
    assert shown(html, "fig-spot-checks") == "1 / 2"
    assert 'data-testid="spot-check-warning"' not in html
    assert shown(html, "fig-gap-mean") == "+4.2"
    assert shown(html, "fig-gap-max") == "9.0"
    row = re.search(rf'data-testid="reviewer-figures-{world.r1.pk}">(.*?)</tr>', html, re.S)
    cells = [" ".join(c.split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells == ["王建", "3", "2", "+1.8"]


def test_the_page_shows_another_year_and_falls_back_to_this_one(client_for, cast, world):
    html = page(client_for, cast.association, detail_url(world.unit, 2024)).text
    assert shown(html, "fig-reviews-done") == "1"
    assert shown(html, "fig-gap-mean") == "-20.0"

    this_year = timezone.localdate().year
    for bad in ("abc", "1999", str(this_year + 1)):
        html = page(client_for, cast.association, detail_url(world.unit, bad)).text
        assert f"Figures for {this_year}" in html, bad


def test_two_failed_spot_checks_show_a_warning(client_for, cast, world):
    html = page(client_for, cast.city, detail_url(world.unit2, 2025)).text

    assert 'data-testid="spot-check-warning"' in html
    assert "a proposal to remove the unit is due" in html


def test_a_review_unit_sees_its_own_figures_only(client_for, cast, world):
    own = page(client_for, cast.reviewer, detail_url(world.unit, 2025))
    assert own.status_code == 200
    assert shown(own.text, "fig-reviews-done") == "4"
    assert page(client_for, cast.reviewer, detail_url(world.unit2, 2025)).status_code == 404


@pytest.mark.parametrize(
    "who",
    [
        "enterprise",
        "other_enterprise",
        "district",
        "district_staff",
        "other_district",
        "regulator",
        "group",
    ],
)
def test_everyone_else_gets_404_for_the_figures(client_for, cast, world, who):
    user = getattr(cast, who)
    assert page(client_for, user, detail_url(world.unit, 2025)).status_code == 404
    assert api_for(user).get(f"/api/v1/review-units/{world.unit.pk}/?year=2025").status_code == 404


def test_the_association_gets_404_for_a_unit_it_does_not_manage(client_for, cast, world):
    assert page(client_for, cast.association, detail_url(world.construction)).status_code == 404
    assert (
        api_for(cast.association).get(f"/api/v1/review-units/{world.construction.pk}/").status_code
        == 404
    )


def test_the_list_shows_this_years_columns(client_for, cast, world):
    """This year: one review by unit (gap −1.5), two failed spot checks of unit2."""
    now = timezone.now()
    application = world.make.application("reported", D("81.5"))
    world.make.assign(application, world.unit, now - datetime.timedelta(days=30))
    world.make.review(application, now - datetime.timedelta(days=20), now, D("80.0"))
    world.make.spot_check(world.unit2, world.apps.e, "failed", now)
    world.make.spot_check(world.unit2, world.apps.i, "failed", now)

    html = page(client_for, cast.association, reverse("review_bodies:list")).text

    rows = {
        name: row
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        for name in (world.unit.name, world.unit2.name)
        if name in row
    }
    assert f"Reviews reported in {timezone.localdate().year}" in html
    assert shown(rows[world.unit.name], "list-reviews-done") == "1"
    assert shown(rows[world.unit.name], "list-spot-failed") == "0"
    assert shown(rows[world.unit.name], "list-gap-mean") == "-1.5"
    assert 'data-testid="list-spot-warning"' not in rows[world.unit.name]
    assert shown(rows[world.unit2.name], "list-reviews-done") == "0"
    assert shown(rows[world.unit2.name], "list-spot-failed") == "2"
    assert 'data-testid="list-spot-warning"' in rows[world.unit2.name]
    assert shown(rows[world.unit2.name], "list-gap-mean") == "—"


def _more_units_with_figures(make, count: int):
    now = timezone.now()
    for n in range(count):
        org = Organisation.objects.create(name=f"评审单位{n:02d}", kind="review_unit")
        Qualification.objects.create(organisation=org, industry_id="machinery", tier="3")
        reviewer = Reviewer.objects.create(unit=org, name=f"评审员{n}", certificate_no=f"M-{n}")
        application = make.application("reported", D("80.0"))
        make.assign(application, org, now - datetime.timedelta(days=10), team=[(reviewer, True)])
        make.review(application, now - datetime.timedelta(days=5), now, D("82.0"))
        make.spot_check(org, application, "failed", now)


def test_the_list_page_runs_a_constant_number_of_queries(
    client_for, cast, world, django_assert_max_num_queries
):
    client = client_for(cast.city)
    client.get(reverse("review_bodies:list"))  # warm the session and the caches
    _more_units_with_figures(world.make, 25)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("review_bodies:list"))
    assert response.status_code == 200
    assert response.text.count('data-testid="list-reviews-done">1<') == 25


# --- the API ---------------------------------------------------------------------------


def test_the_api_detail_carries_the_figures_of_the_year(cast, world):
    response = api_for(cast.association).get(
        f"/api/v1/review-units/{world.unit.pk}/", {"year": 2025}
    )

    assert response.status_code == 200
    f = response.json()["figures"]
    assert {k: v for k, v in f.items() if k != "reviewers"} == {
        "year": 2025,
        "reviews_done": 4,
        "open_reviews": 1,
        "duration_median": "3.0",
        "duration_mean": "3.3",
        "spot_checks_done": 2,
        "spot_checks_failed": 1,
        "spot_check_warning": False,
        "gap_mean": "4.2",
        "gap_max_abs": "9.0",
    }
    by_reviewer = {row["reviewer"]: row for row in f["reviewers"]}
    assert set(by_reviewer) == {world.r1.pk, world.r2.pk, world.r3.pk, world.r4.pk}
    assert by_reviewer[world.r2.pk] == {
        "reviewer": world.r2.pk,
        "name": "李明",
        "is_active": True,
        "reviews_done": 2,
        "leader_count": 1,
        "gap_mean": "7.3",
    }
    assert by_reviewer[world.r4.pk]["gap_mean"] is None


def test_the_api_defaults_to_this_year_and_refuses_a_bad_one(cast, world):
    client = api_for(cast.reviewer)
    url = f"/api/v1/review-units/{world.unit.pk}/"
    assert client.get(url).json()["figures"]["year"] == timezone.localdate().year
    assert client.get(url, {"year": 2024}).json()["figures"]["gap_mean"] == "-20.0"
    for bad in ("abc", "1999"):
        response = client.get(url, {"year": bad})
        assert response.status_code == 400
        assert "year" in response.json()
    assert api_for(cast.reviewer).get(f"/api/v1/review-units/{world.unit2.pk}/").status_code == 404


def test_the_api_list_carries_the_columns_in_constant_queries(
    cast, world, django_assert_max_num_queries
):
    client = api_for(cast.city)
    listed = {
        row["id"]: row["figures"]
        for row in client.get("/api/v1/review-units/", {"year": 2025}).json()["results"]
    }
    assert listed[world.unit.pk] == {
        "year": 2025,
        "reviews_done": 4,
        "spot_checks_failed": 1,
        "spot_check_warning": False,
        "gap_mean": "4.2",
    }
    assert listed[world.unit2.pk]["spot_check_warning"] is True
    assert client.get("/api/v1/review-units/", {"year": "x"}).status_code == 400

    client.get("/api/v1/review-units/")
    with django_assert_max_num_queries(6) as few:
        client.get("/api/v1/review-units/")
    _more_units_with_figures(world.make, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/review-units/")
    assert sum(row["figures"]["reviews_done"] for row in response.json()["results"]) == 25
    for who in ("enterprise", "district"):
        assert api_for(getattr(cast, who)).get("/api/v1/review-units/").json()["count"] == 0

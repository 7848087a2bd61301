"""The form's figures equal the ledger's, for hand-built cases: one test per figure
(or pair), each with rows just inside and just outside the period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hazards.models import Hazard, PeriodKind
from hazards.selfreports.figures import ledger_figures, standardization_figures
from hazards.selfreports.periods import Period
from tests.hazards.selfreports.world import Q3_2025, D, hazard, inspection, listing, major_report

MAJOR = Hazard.Grade.MAJOR
pytestmark = pytest.mark.django_db


def figures(cast, period=Q3_2025):
    return ledger_figures(cast.ent.pk, period)


def test_general_found_counts_hazards_found_in_the_period_only(cast):
    hazard(cast.ent, found=D(2025, 7, 1), deadline=D(2025, 7, 10))
    hazard(cast.ent, found=D(2025, 9, 30), deadline=D(2025, 10, 10))
    hazard(cast.ent, found=D(2025, 6, 30), deadline=D(2025, 7, 10))  # before
    hazard(cast.ent, found=D(2025, 10, 1), deadline=D(2025, 10, 10))  # after
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 9, 10), grade=MAJOR)  # major
    hazard(cast.other_ent, found=D(2025, 8, 1), deadline=D(2025, 9, 10))  # another enterprise
    assert figures(cast)["general_found"] == 2


def test_rectified_counts_closings_in_the_period_and_on_time_those_by_the_deadline(cast):
    hazard(cast.ent, found=D(2025, 6, 1), deadline=D(2025, 7, 5), closed=D(2025, 7, 5))  # on time
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 8, 5), closed=D(2025, 8, 6))  # late
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 8, 5), closed=D(2025, 10, 1))  # after
    hazard(cast.ent, found=D(2025, 5, 1), deadline=D(2025, 5, 5), closed=D(2025, 6, 30))  # before
    result = figures(cast)
    assert (result["general_rectified"], result["general_rectified_on_time"]) == (2, 1)


def test_open_and_overdue_are_taken_at_the_periods_end(cast):
    hazard(cast.ent, found=D(2025, 9, 1), deadline=D(2025, 10, 20))  # open, not overdue
    hazard(cast.ent, found=D(2025, 9, 1), deadline=D(2025, 9, 29))  # open, overdue
    hazard(cast.ent, found=D(2025, 9, 1), deadline=D(2025, 9, 30))  # due on the last day
    hazard(
        cast.ent, found=D(2025, 3, 1), deadline=D(2025, 3, 9), closed=D(2025, 10, 2)
    )  # closed later
    hazard(cast.ent, found=D(2025, 3, 1), deadline=D(2025, 3, 9), closed=D(2025, 9, 30))  # closed
    hazard(cast.ent, found=D(2025, 10, 1), deadline=D(2025, 10, 9))  # found after the end
    result = figures(cast)
    assert (result["general_open"], result["general_overdue"]) == (4, 2)


def test_major_carried_over_new_closed_and_in_treatment_add_up(cast):
    hazard(cast.ent, grade=MAJOR, found=D(2025, 5, 1), deadline=D(2025, 12, 1))  # carried, open
    hazard(cast.ent, grade=MAJOR, found=D(2025, 5, 1), deadline=D(2025, 8, 1), closed=D(2025, 7, 1))
    hazard(
        cast.ent, grade=MAJOR, found=D(2025, 4, 1), deadline=D(2025, 6, 1), closed=D(2025, 6, 30)
    )
    hazard(cast.ent, grade=MAJOR, found=D(2025, 8, 1), deadline=D(2025, 9, 1))  # new, overdue
    hazard(cast.ent, grade=MAJOR, found=D(2025, 8, 1), deadline=D(2025, 9, 1), closed=D(2025, 9, 2))
    result = figures(cast)
    assert result["major_carried_over"] == 2
    assert result["major_new"] == 2
    assert result["major_closed"] == 2
    assert result["major_treating"] == 2
    assert result["major_overdue"] == 1
    assert result["major_treating"] == (
        result["major_carried_over"] + result["major_new"] - result["major_closed"]
    )


def test_listed_counts_listings_by_level_active_during_the_period(cast):
    city_office = cast.city.organisation
    district = cast.district.organisation
    a = hazard(cast.ent, grade=MAJOR, found=D(2025, 5, 1), deadline=D(2025, 12, 1))
    b = hazard(cast.ent, grade=MAJOR, found=D(2025, 8, 1), deadline=D(2025, 12, 1))
    c = hazard(
        cast.ent, grade=MAJOR, found=D(2025, 2, 1), deadline=D(2025, 6, 1), closed=D(2025, 6, 1)
    )
    d = hazard(cast.ent, grade=MAJOR, found=D(2025, 9, 1), deadline=D(2025, 12, 1))
    listing(a, city_office, level="city", listed=D(2025, 5, 10))
    listing(b, district, level="district", listed=D(2025, 8, 10))
    listing(c, district, level="district", listed=D(2025, 3, 1), closed=D(2025, 6, 1))  # before
    listing(d, district, level="district", listed=D(2025, 10, 3))  # after the end
    result = figures(cast)
    assert (result["major_listed_city"], result["major_listed_district"]) == (1, 1)


def test_suspensions_count_major_hazards_of_the_period_reported_with_a_suspension(cast):
    full = hazard(cast.ent, grade=MAJOR, found=D(2025, 7, 2), deadline=D(2025, 12, 1))
    partial = hazard(cast.ent, grade=MAJOR, found=D(2025, 9, 2), deadline=D(2025, 12, 1))
    none = hazard(cast.ent, grade=MAJOR, found=D(2025, 8, 2), deadline=D(2025, 12, 1))
    earlier = hazard(cast.ent, grade=MAJOR, found=D(2025, 6, 2), deadline=D(2025, 12, 1))
    major_report(full, "full")
    major_report(partial, "partial")
    major_report(none, "none")
    major_report(earlier, "full")
    assert figures(cast)["suspensions"] == 2


def test_funds_sum_the_hazards_closed_in_the_period(cast):
    hazard(
        cast.ent, found=D(2025, 6, 1), deadline=D(2025, 7, 5), closed=D(2025, 7, 5), funds="1200.50"
    )
    hazard(
        cast.ent,
        grade=MAJOR,
        found=D(2025, 1, 1),
        deadline=D(2025, 9, 1),
        closed=D(2025, 9, 1),
        funds="80000",
    )
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 9, 5), funds="999")  # open
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 9, 5), closed=D(2025, 10, 1), funds="5")
    assert figures(cast)["funds"] == Decimal("81200.50")


def test_inspections_count_completed_records_by_kind_principal_led_apart(cast):
    people = [cast.enterprise, cast.enterprise_staff]
    inspection(cast.ent, on=D(2025, 7, 1), kind="daily", people=people)
    inspection(cast.ent, on=D(2025, 9, 30), kind="daily")
    inspection(cast.ent, on=D(2025, 8, 1), kind="special", people=people[:1])
    inspection(cast.ent, on=D(2025, 8, 2), kind="holiday")
    inspection(cast.ent, on=D(2025, 8, 3), kind="comprehensive", principal=True, people=people)
    inspection(cast.ent, on=D(2025, 8, 4), kind="principal_led")
    inspection(cast.ent, on=D(2025, 8, 5), kind="seasonal", completed=False)  # draft
    inspection(cast.ent, on=D(2025, 10, 1), kind="daily")  # after
    result = figures(cast)
    assert result["inspections_daily"] == 2
    assert result["inspections_special"] == 1
    assert result["inspections_holiday"] == 1
    assert result["inspections_comprehensive"] == 0  # led by the principal
    assert result["inspections_seasonal"] == 0
    assert result["inspections_principal_led"] == 2
    assert result["inspection_participants"] == 5


def test_an_enterprise_with_nothing_in_the_period_gets_all_zeros(cast):
    hazard(cast.ent, found=D(2025, 1, 1), deadline=D(2025, 1, 9), closed=D(2025, 1, 5))
    result = figures(cast)
    assert all(value == 0 for value in result.values()), result


def test_a_year_and_a_month_use_their_own_bounds(cast):
    hazard(cast.ent, found=D(2025, 1, 1), deadline=D(2025, 1, 9))
    hazard(cast.ent, found=D(2025, 12, 31), deadline=D(2026, 1, 9))
    hazard(cast.ent, found=D(2025, 9, 15), deadline=D(2025, 9, 19))
    assert figures(cast, Period(PeriodKind.YEAR, 2025))["general_found"] == 3
    assert figures(cast, Period(PeriodKind.MONTH, 2025, 9))["general_found"] == 1


def test_the_standardization_section_takes_the_last_submitted_self_assessment(cast):
    from reviews.models import Assessment
    from tests.reviews.test_assessment_pages import make_version

    version = make_version()
    for score, when in (
        ("82.5", "2024-11-01T10:00:00+08:00"),
        ("88.0", "2025-03-01T10:00:00+08:00"),
    ):
        Assessment.objects.create(
            enterprise=cast.ent,
            version=version,
            status=Assessment.Status.SUBMITTED,
            submitted_at=when,
            submitted_score=Decimal(score),
            created_by=cast.enterprise,
        )
    section = standardization_figures(cast.ent, Q3_2025)
    assert section == {
        "self_assessment_score": Decimal("88.0"),
        "annual_self_assessment_done": True,
    }
    earlier = standardization_figures(cast.ent, Period(PeriodKind.QUARTER, 2024, 4))
    assert earlier == {
        "self_assessment_score": Decimal("82.5"),
        "annual_self_assessment_done": True,
    }
    assert standardization_figures(cast.ent, Period(PeriodKind.QUARTER, 2024, 1)) == {
        "self_assessment_score": None,
        "annual_self_assessment_done": False,
    }

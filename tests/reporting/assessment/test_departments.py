"""District departments (a regulator organisation with a district) assessed by their
district beside its streets: their figures and targets are their own regulator rows of
the snapshots (their industries in their district only), they are ranked among
themselves, the manual indicators work as for any unit, and no other district,
department or street reads their reports.

The departments' regulator rows of 2024-Q2, summed from these industry rows (scheme of world.py: rate linear 50 → 100 weight 40,
rectify linear 80 → 100 weight 30, spot deduct 5 weight 20, training manual 10):

- machinery: 100 active, 90 compliant; 10 hazards found, 10 rectified; 0 failed checks
- commerce: 100 active, 70 compliant; 10 found, 8 rectified; 1 failed check
- construction: 100 active, 10 compliant; 10 found, 0 rectified; 3 failed checks

海淀区 has machinery too (100 active, 20 compliant), which only 海淀区's department reads.

朝阳区应急管理局 (machinery, commerce): rate 160/200 = 80.0 → 24.00; rectification
18/20 = 90.0 → 15.00; 1 failed → 15.00; training 0 → 54.00, rank 1.
朝阳区住房和城乡建设委员会 (construction): 10.0 → 0; 0.0 → 0; 3 failed → 5.00 → 5.00, rank 2."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from portal.models import Industry, Organisation, OrganisationKind
from reporting.assessment import flow, schemes, services
from reporting.assessment.models import AssessmentReport, Scheme
from reporting.models import MetricSnapshot, Target
from reporting.snapshots import compute, periods
from reporting.snapshots import store as snapshot_store
from reporting.targets.services import TargetInput, target_create
from tests.cast import PASSWORD, make_enterprise, make_user
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue
from tests.reporting.targets.world import _certify

pytestmark = pytest.mark.django_db

INDUSTRY_ROWS = {
    ("110105", "machinery"): (100, 90, 10, 10, 0),
    ("110105", "commerce"): (100, 70, 10, 8, 1),
    ("110105", "construction"): (100, 10, 10, 0, 3),
    ("110108", "machinery"): (100, 20, 10, 2, 2),
}


def client_of(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(username=user.username, password=PASSWORD)
    return client


def department(name, region, *industries):
    org = Organisation.objects.create(name=name, kind=OrganisationKind.REGULATOR, region=region)
    org.industries.add(*Industry.objects.filter(code__in=industries))
    return org


def figures_of(active, compliant, found, rectified, failed):
    return {
        "compliance.active": active,
        "compliance.compliant": compliant,
        "compliance.rate": round(100 * compliant / active, 1),
        "hazards.found": found,
        "hazards.found_rectified": rectified,
        "hazards.rectification_rate": round(100 * rectified / found, 1),
        "reviews.spot_checks_failed": failed,
    }


def regulator_rows(org):
    """The department's rows as the snapshots write them: a total row and one row per
    industry, of its industries in its district."""
    industries = sorted(org.industries.values_list("code", flat=True))
    mine = [INDUSTRY_ROWS[(org.region_id, i)] for i in industries]
    total = figures_of(*(sum(column) for column in zip(*mine, strict=True)))
    cells = [("", "", total)]
    cells += [("industry", i, figures_of(*row)) for i, row in zip(industries, mine, strict=True)]
    return [
        MetricSnapshot(
            scope_kind="regulator",
            scope_key=str(org.pk),
            dimension=dimension,
            key=key,
            period_kind="quarter",
            period_code="2024-Q2",
            as_of="2024-06-30",
            frozen_at=timezone.now(),
            figures=figures,
        )
        for dimension, key, figures in cells
    ]


@pytest.fixture
def departments(world, cast):
    safety = department("朝阳区应急管理局", cast.chaoyang, "machinery", "commerce")
    housing = department("朝阳区住房和城乡建设委员会", cast.chaoyang, "construction")
    haidian = department("海淀区应急管理局", cast.haidian, "machinery")
    MetricSnapshot.objects.bulk_create(
        row for org in (safety, housing, haidian) for row in regulator_rows(org)
    )
    return {
        "safety": make_user("t-chaoyang-safety", safety),
        "housing": make_user("t-chaoyang-housing", housing),
        "haidian": make_user("t-haidian-safety", haidian),
        "safety_org": safety,
    }


def run_district(actor, region, capture, code="2024-Q2"):
    with capture(execute=True):
        run = services.start_run(
            actor=actor,
            level="district",
            region=region,
            period_kind="quarter",
            period_code=code,
        )
    run.refresh_from_db()
    return run


def newest(name):
    return AssessmentReport.objects.filter(unit_name=name).order_by("-version").first()


def test_a_department_reads_only_its_industries_in_its_district_and_is_ranked_among_departments(
    departments, cast, django_capture_on_commit_callbacks
):
    done = run_district(cast.district, cast.chaoyang, django_capture_on_commit_callbacks)
    # Two streets and 朝阳区's two departments; 海淀区's department is not 朝阳区's to assess.
    assert (done.status, done.total) == ("done", 4)
    safety, housing = newest("朝阳区应急管理局"), newest("朝阳区住房和城乡建设委员会")
    assert not AssessmentReport.objects.filter(unit_name="海淀区应急管理局").exists()
    assert (safety.unit_kind, safety.region_id) == ("department", "110105")
    figures = safety.data["figures"]
    assert figures["compliance.active"] == 200  # not 300 (construction), not 400 (海淀区)
    assert (figures["compliance.compliant"], figures["compliance.rate"]) == (160, 80.0)
    assert figures["hazards.rectification_rate"] == 90.0
    assert [s["score"] for s in safety.data["scores"]] == ["24.00", "15.00", "15.00", "0.00"]
    assert (str(safety.total), safety.rank) == ("54.00", 1)
    assert (str(housing.total), housing.rank) == ("5.00", 2)
    assert [r["name"] for r in safety.data["ranking"]] == [
        "朝阳区应急管理局",
        "朝阳区住房和城乡建设委员会",
    ]
    # Its breakdown lists its own industries.
    assert [row["key"] for row in safety.data["breakdown"]["rows"]] == ["commerce", "machinery"]
    # The streets keep their own ranking.
    streets = AssessmentReport.objects.filter(unit_kind="street").order_by("rank")
    assert [(r.unit_name, r.rank) for r in streets] == [("建外街道", 1), ("朝外街道", 2)]

    # The city's own run assesses the districts and the city's departments only.
    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(
            actor=cast.city, level="city", region=None, period_kind="quarter", period_code="2024-Q2"
        )
    assert AssessmentReport.objects.filter(unit_kind="department").count() == 2


def test_the_district_scores_a_departments_manual_indicator(
    departments, cast, django_capture_on_commit_callbacks, settings, tmp_path
):
    run_district(cast.district, cast.chaoyang, django_capture_on_commit_callbacks)
    draft = newest("朝阳区住房和城乡建设委员会")
    with django_capture_on_commit_callbacks(execute=True):
        flow.enter_manual_score(
            actor=cast.district,
            report=draft,
            code="training",
            score="10",
            note="培训3次",
            evidence=SimpleUploadedFile("e.pdf", b"%PDF-1.4 evidence"),
        )
    again = newest("朝阳区住房和城乡建设委员会")
    assert (again.version, str(again.total)) == (2, "15.00")
    # Another district may not score it (existence not revealed to it either).
    with pytest.raises(PermissionDenied):
        flow.enter_manual_score(actor=cast.other_district, report=again, code="training", score="1")


def test_only_the_department_its_district_and_the_city_read_its_report(
    departments, cast, django_capture_on_commit_callbacks
):
    run_district(cast.district, cast.chaoyang, django_capture_on_commit_callbacks)
    report = newest("朝阳区应急管理局")
    for user, status in (
        (cast.city, 200),
        (cast.district, 200),
        (departments["safety"], 200),
        (cast.other_district, 404),  # another district
        (departments["haidian"], 404),  # another district's department
        (departments["housing"], 404),  # another department of the same district
        (cast.street, 404),
        (cast.regulator, 404),  # a city department
        (cast.enterprise, 403),
    ):
        client = client_of(user)
        assert client.get(reverse("assessment:report", args=[report.pk])).status_code == status
        assert client.get(reverse("assessment:report_pdf", args=[report.pk])).status_code == status
        api = client.get(f"/api/v1/assessment/reports/{report.pk}/")
        assert api.status_code == status, user

    # The department comments on its own draft; another district cannot.
    before = list(AssessmentReport.objects.values_list("pk", "comment"))
    refused = client_of(cast.other_district).post(
        reverse("assessment:report_comment", args=[report.pk]), {"comment": "x"}
    )
    assert refused.status_code == 404
    assert list(AssessmentReport.objects.values_list("pk", "comment")) == before
    page = client_of(departments["safety"]).get(reverse("assessment:report", args=[report.pk]))
    assert 'data-testid="comment-form"' in page.content.decode()
    client_of(departments["safety"]).post(
        reverse("assessment:report_comment", args=[report.pk]), {"comment": "数据已核实。"}
    )
    report.refresh_from_db()
    assert report.comment == "数据已核实。"


def test_the_districts_ranking_lists_its_streets_and_its_departments(
    departments, cast, django_capture_on_commit_callbacks
):
    run_district(cast.district, cast.chaoyang, django_capture_on_commit_callbacks)
    page = client_of(cast.district).get(reverse("assessment:ranking") + "?period=2024-Q2")
    text = page.content.decode()
    assert page.status_code == 200
    assert "District department" in text and "Street or town" in text
    assert text.index("朝阳区应急管理局") < text.index("朝阳区住房和城乡建设委员会")
    assert "建外街道" in text
    other = client_of(cast.other_district).get(reverse("assessment:ranking") + "?period=2024-Q2")
    assert "朝阳区应急管理局" not in other.content.decode()
    assert client_of(departments["safety"]).get(reverse("assessment:ranking")).status_code == 403


TARGET_SCHEME = {
    "title": "目标考核方案",
    "indicators": [
        {
            "code": "target",
            "name": "目标完成率",
            "section": "targets",
            "kind": "computed",
            "metric": "target_completion",
            "rule": {"type": "linear", "zero": 0, "full": 100},
            "weight": 100,
        }
    ],
}


def test_a_district_departments_target_completion_counts_its_own_district(
    cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The nightly snapshot counts the department's target rows in its district: a
    machinery enterprise of 朝阳区 reaching level 3 moves its rate, one of 海淀区
    does not."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    period = periods.period_of("quarter", today).previous()
    schemes.create_scheme(
        actor=None,
        year=period.start.year,
        level=Scheme.Level.DISTRICT,
        region=cast.chaoyang,  # 朝阳区's own scheme, before the shipped default
        definition=TARGET_SCHEME,
    )
    department("朝阳区经济和信息化局", cast.chaoyang, "machinery")
    level_3 = issue(cast, make_tiered_version())  # cast.ent's, below scale: out of the target
    above = Enterprise.Scale.ABOVE
    reached = make_enterprise("朝阳机械甲有限公司", cast.chaoyang, 801, scale=above)
    waiting = make_enterprise("朝阳机械乙有限公司", cast.chaoyang, 802, scale=above)
    elsewhere = make_enterprise("海淀机械丙有限公司", cast.haidian, 803, scale=above)
    _certify(level_3, reached, 801)
    target = target_create(
        actor=cast.city,
        data=TargetInput(
            title="机械行业三级达标",
            deadline=datetime.date(today.year + 1, 12, 31),
            rate=Decimal("80"),
            required_grade=Target.Grade.LEVEL_3,
            industries=["machinery"],
            scales=[above],
        ),
    )

    def assessed():
        """(population, reached) of the target and the completion rate, re-snapshotted."""
        cells = compute.compute(today, ["quarter"])["quarter"]
        snapshot_store.write(cells, period, period.end, frozen_at=timezone.now(), force=True)
        run = run_district(
            cast.district, cast.chaoyang, django_capture_on_commit_callbacks, period.code
        )
        assert run.status == "done"
        data = newest("朝阳区经济和信息化局").data
        rows = {t["id"]: t for t in data["targets"]}
        # The rate reads every live target's rows (the seeded ones too).
        population = sum(t["population"] for t in rows.values())
        done = sum(t["reached"] for t in rows.values())
        assert data["metrics"]["target_completion"] == pytest.approx(100 * done / population)
        mine = rows[str(target.pk)]
        return (mine["population"], mine["reached"]), data["metrics"]["target_completion"], data

    progress, completion, data = assessed()
    assert progress == (2, 1)
    # Its other figures are its industry's in its district too.
    mine = Enterprise.objects.filter(
        region=cast.chaoyang, industry_id="machinery", status=Enterprise.Status.ACTIVE
    )
    assert data["figures"]["compliance.active"] == mine.count()

    _certify(level_3, elsewhere, 803)  # 海淀区: not the department's
    assert assessed()[:2] == ((2, 1), completion)

    _certify(level_3, waiting, 802)
    progress, moved, _data = assessed()
    assert progress == (2, 2)
    assert moved > completion

"""Pages and API of the self-reports: the enterprise fills in and submits, the
street office acknowledges or returns (another street: 404), the filing status
with its late and missing lists, outsiders refused, constant query counts."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.conf import settings
from openpyxl import load_workbook

from hazards.models import SelfReport
from hazards.selfreports import services
from tests.cast import make_enterprise
from tests.hazards.selfreports.world import D, at, hazard, started, submitted

BASE = "/hazards/self-reports/"
STATUS = BASE + "status/?period_kind=quarter&year=2025&period=3"


def test_the_enterprise_fills_in_and_its_principal_submits_on_the_page(cast, client_for):
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 8, 9))
    client = client_for(cast.enterprise)
    with at(D(2025, 10, 10)):
        index = client.get(BASE)
        assert 'data-testid="start-2025-Q3"' in index.content.decode()
        answer = client.post(BASE + "start/", {"period_kind": "quarter", "year": 2025, "period": 3})
    report = SelfReport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{BASE}{report.pk}/edit/"
    form = client.get(f"{BASE}{report.pk}/edit/")
    assert 'data-testid="prefilled-general_found">1<' in form.content.decode()
    data = {name: getattr(report, name) for name in services.EDITABLE}
    data.update(general_found=2, general_open=2, self_assessment_score="", submit="1")
    data = {k: v for k, v in data.items() if v is not False and v is not None}
    refused = client.post(f"{BASE}{report.pk}/edit/", data)
    assert refused.status_code == 400
    errors = [line for line in refused.content.decode().splitlines() if "field-error" in line]
    # the ledger's figure, by the reason field (full-width brackets in Chinese)
    assert len(errors) == 1 and ("(1)" in errors[0] or "（1）" in errors[0])
    report.refresh_from_db()
    assert report.general_found == 1 and report.status == "draft"
    data["adjustment_reason"] = "补录一项。"
    with at(D(2025, 10, 12)):
        done = client.post(f"{BASE}{report.pk}/edit/", data)
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.general_found == 2 and not report.late
    again = client.post(f"{BASE}{report.pk}/edit/", data)
    assert again.status_code == 409


def test_a_staff_member_fills_in_but_cannot_submit(cast, client_for):
    report = started(cast)
    client = client_for(cast.enterprise_staff)
    assert client.post(f"{BASE}{report.pk}/submit/").status_code == 403
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_street_acknowledges_another_street_gets_404_the_district_403(cast, client_for):
    report = submitted(cast)
    url = f"{BASE}{report.pk}/"
    assert client_for(cast.other_street).get(url).status_code == 404
    assert client_for(cast.other_street).post(url + "acknowledge/").status_code == 404
    assert client_for(cast.other_district).post(url + "acknowledge/").status_code == 404
    assert client_for(cast.district).post(url + "acknowledge/").status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"
    street = client_for(cast.street)
    inbox = street.get(BASE + "inbox/")
    assert url in inbox.content.decode()
    assert 'data-testid="acknowledge"' in street.get(url).content.decode()
    assert street.post(url + "acknowledge/").status_code == 302
    report.refresh_from_db()
    assert report.status == "acknowledged"
    assert url not in street.get(BASE + "inbox/").content.decode()


def test_a_return_needs_a_reason_and_the_enterprise_corrects(cast, client_for):
    report = submitted(cast)
    street = client_for(cast.street)
    assert street.post(f"{BASE}{report.pk}/return/", {"reason": ""}).status_code == 400
    assert street.post(f"{BASE}{report.pk}/return/", {"reason": "数字有误"}).status_code == 302
    client = client_for(cast.enterprise)
    answer = client.post(f"{BASE}{report.pk}/correct/", {"reason": "更正数字"})
    correction = SelfReport.objects.get(version=2)
    assert answer["Location"] == f"{BASE}{correction.pk}/edit/"
    assert client.post(f"{BASE}{correction.pk}/submit/").status_code == 302
    correction.refresh_from_db()
    assert correction.is_current and correction.status == "submitted"


def test_drafts_are_the_enterprises_own(cast, client_for):
    report = started(cast)
    assert client_for(cast.street).get(f"{BASE}{report.pk}/").status_code == 404
    assert client_for(cast.district).get(f"/api/v1/self-reports/{report.pk}/").status_code == 404
    assert client_for(cast.enterprise_staff).get(f"{BASE}{report.pk}/").status_code == 200


@pytest.fixture
def period_filed(cast):
    """Q3 2025 in 朝阳区: cast.ent on time and acknowledged, a late one, a zero one,
    two missing (one with a draft only); 海淀区's enterprise missing."""
    with at(D(2025, 10, 14)):
        services.report_acknowledge(actor=cast.street, report=submitted(cast))
    others = [
        make_enterprise(f"朝阳企业{i}", cast.chaoyang, 50 + i, street=cast.chaoyang_street)
        for i in range(4)
    ]
    from portal.models import Organisation, OrganisationKind
    from tests.cast import make_user

    users = []
    for enterprise in others:
        org = Organisation.objects.create(
            name=enterprise.name, kind=OrganisationKind.ENTERPRISE, region=cast.chaoyang
        )
        enterprise.account = org
        enterprise.save(update_fields=["account"])
        users.append(make_user(f"u-{enterprise.pk}", org))
    from hazards.selfreports.periods import Period

    q3 = Period("quarter", 2025, 3)
    with at(D(2025, 10, 20)):
        late = services.report_start(actor=users[0], enterprise=others[0], period=q3)
        services.report_submit(actor=users[0], report=late)
        zero = services.report_start(actor=users[1], enterprise=others[1], period=q3)
        services.report_save(actor=users[1], report=zero, values={"zero_report": True})
        services.report_submit(actor=users[1], report=zero)
        services.report_start(actor=users[2], enterprise=others[2], period=q3)  # draft only
    return others


def test_filing_status_counts_and_lists(cast, client_for, period_filed):
    page = client_for(cast.district).get(STATUS)
    html = page.content.decode()
    assert page.status_code == 200
    for state, n in (
        ("total", 5),
        ("filed", 3),
        ("on_time", 1),
        ("late", 2),
        ("missing", 2),
        ("zero", 1),
        ("acknowledged", 1),
    ):
        assert f'data-testid="count-{state}">{n}<' in html, state
    missing = client_for(cast.street).get(STATUS + "&state=missing").content.decode()
    assert "朝阳企业2" in missing and "朝阳企业3" in missing and "朝阳企业0" not in missing
    late = client_for(cast.district).get(STATUS + "&state=late").content.decode()
    assert "朝阳企业0" in late and "朝阳企业1" in late and cast.ent.name not in late
    city = client_for(cast.city).get(STATUS + "&state=missing").content.decode()
    assert cast.other_ent.name in city
    assert cast.other_ent.name not in client_for(cast.district).get(STATUS).content.decode()
    assert 'count-total">0<' in client_for(cast.other_street).get(STATUS).content.decode()


def test_the_page_and_the_api_agree_and_the_api_filters(cast, client_for, period_filed):
    api = client_for(cast.district)
    summary = api.get(
        "/api/v1/self-report-status/summary/?period_kind=quarter&year=2025&period=3"
    ).json()
    assert summary["counts"]["late"] == 2 and summary["due_on"] == "2025-10-15"
    rows = api.get(
        "/api/v1/self-report-status/?period_kind=quarter&year=2025&period=3&state=missing"
    ).json()
    assert {row["name"] for row in rows["results"]} == {"朝阳企业2", "朝阳企业3"}
    assert (
        api.get("/api/v1/self-report-status/?period_kind=quarter&year=2025&period=9").status_code
        == 400
    )
    export = api.get(BASE + "status/export/?period_kind=quarter&year=2025&period=3&state=late")
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "朝阳企业0",
        "朝阳企业1",
    ]


def test_the_status_page_and_lists_take_constant_queries(
    cast, client_for, period_filed, django_assert_max_num_queries
):
    client = client_for(cast.district)
    for url in (STATUS, STATUS + "&state=late", BASE, BASE + "inbox/"):
        client.get(url)
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
    for url in (
        "/api/v1/self-report-status/?period_kind=quarter&year=2025&period=3",
        "/api/v1/self-reports/",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_outsiders_are_refused_the_pages_and_endpoints(cast, client_for):
    for who in (cast.association, cast.reviewer):
        client = client_for(who)
        for url in (BASE, STATUS, BASE + "inbox/", BASE + "rule/", BASE + "tables/"):
            assert client.get(url).status_code == 403, (who, url)
        for url in ("/api/v1/self-reports/", "/api/v1/self-report-status/"):
            assert client.get(url).status_code == 403, (who, url)
    assert client_for(cast.enterprise).get(STATUS).status_code == 403
    assert client_for(cast.street).get(BASE + "rule/").status_code == 403
    assert client_for(cast.pending).get(BASE).status_code in (302, 403)


def test_the_district_sets_monthly_reports_on_its_page(cast, client_for):
    client = client_for(cast.district)
    assert client.post(BASE + "rule/", {"monthly": "on"}).status_code == 302
    assert services.monthly_required(cast.chaoyang.pk)
    answer = client_for(cast.other_district).post(
        "/api/v1/reporting-rules/", {"monthly": True}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["region"] == cast.haidian.pk
    assert (
        client_for(cast.street)
        .post("/api/v1/reporting-rules/", {"monthly": True}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_api_walks_the_form(cast, client_for):
    client = client_for(cast.enterprise)
    created = client.post(
        "/api/v1/self-reports/",
        {"period_kind": "quarter", "year": 2025, "period": 3},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.post(
        f"/api/v1/self-reports/{pk}/save/", {"general_found": 4}, content_type="application/json"
    )
    assert bad.status_code == 400 and "adjustment_reason" in bad.json()
    good = client.post(
        f"/api/v1/self-reports/{pk}/save/",
        {"general_found": 4, "general_open": 4, "adjustment_reason": "补录"},
        content_type="application/json",
    )
    assert good.json()["adjusted"] == ["general_found", "general_open"]
    assert (
        client.post(
            f"/api/v1/self-reports/{pk}/submit/", {}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/self-reports/{pk}/save/", {"analysis": "x"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        client_for(cast.other_street)
        .post(f"/api/v1/self-reports/{pk}/acknowledge/", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        client_for(cast.district)
        .post(f"/api/v1/self-reports/{pk}/acknowledge/", {}, content_type="application/json")
        .status_code
        == 403
    )
    street = client_for(cast.street)
    inbox = street.get("/api/v1/self-reports/?inbox=1").json()
    assert [row["id"] for row in inbox["results"]] == [pk]
    assert (
        street.post(
            f"/api/v1/self-reports/{pk}/return/",
            {"reason": "请核对"},
            content_type="application/json",
        ).json()["status"]
        == "returned"
    )
    corrected = client_for(cast.enterprise).post(
        f"/api/v1/self-reports/{pk}/correct/", {"reason": "已核对"}, content_type="application/json"
    )
    assert corrected.status_code == 201 and corrected.json()["version"] == 2


def test_english_messages(cast, client_for):
    report = submitted(cast)
    client = client_for(cast.street)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post(f"{BASE}{report.pk}/return/", {"reason": " "})
    assert "Give the reason for returning the form." in answer.content.decode()

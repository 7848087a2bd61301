"""A level-3 application from apply to announce, through the API only.

One walk over every step an integration would make: the enterprise applies
and rectifies, the district accepts, assigns, verifies (with its spot check),
approves as the grade's grading authority (定级部门), publishes, resolves an
objection and announces, the review unit reviews and
reports. At each step the detail's ``actions`` must name exactly the moves
open to each user, and at the end the timeline, the audit log and the public
announcement must tell the same story.

Set-up that is not the subject (a published standard, a submitted
self-assessment, the review unit's reviewers) comes from the factories; the
objection is lodged with the service the public page calls (no API lodges
objections: the public lodges them on the page).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certification.models import Application, PublicityBatch, PublicityItem, Status
from certification.models.applications import REQUIRED_MATERIALS
from certification.publicity import objections
from certification.workflow import TRANSITIONS
from portal.models import AuditEvent
from tests.certification.factories import (
    PDF,
    make_tiered_version,
    review_team,
    submitted_assessment,
)

URL = "/api/v1/applications/"
CERTIFICATE = re.compile(r"^京AQBJXⅢ\d{9}$")

# The moves of the walk, in order, with who makes them.
PATH = [
    ("submit", "draft", "submitted", "t-enterprise"),
    ("accept", "submitted", "accepted", "t-district"),
    ("assign", "accepted", "assigned", "t-district"),
    ("start_review", "assigned", "on_site_review", "t-reviewer"),
    ("request_rectification", "on_site_review", "rectification", "t-reviewer"),
    ("submit_rectification", "rectification", "on_site_review", "t-enterprise"),
    ("submit_report", "on_site_review", "reported", "t-reviewer"),
    ("verify", "reported", "verified", "t-district"),
    ("approve", "verified", "approved", "t-district"),
    ("start_publicity", "approved", "publicity", "t-district"),
    ("announce", "publicity", "announced", "t-district"),
]

NONE: frozenset[str] = frozenset()
RECEIVER_AT_SUBMITTED = {"accept", "return", "reject"}
REVIEWING = {"request_rectification", "submit_report"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def call(client, method: str, url: str, data=None, *, expect: int = 200, fmt: str = "json"):
    """Make the request, insist on the status, return the JSON body."""
    response = getattr(client, method)(url, data or {}, format=fmt)
    assert response.status_code == expect, (
        method,
        url,
        response.status_code,
        response.content.decode()[:500],
    )
    return response.json() if response.content else None


def check_actions(clients: dict, pk: int, status: str, **expected) -> None:
    """Each user's view of the detail: ``None`` when the application is not in
    the user's scope (404), otherwise exactly the names of the moves open."""
    assert set(expected) == set(clients), "say what every user sees"
    for who, client in clients.items():
        response = client.get(f"{URL}{pk}/")
        if expected[who] is None:
            assert response.status_code == 404, (who, status)
            continue
        assert response.status_code == 200, (who, status)
        body = response.json()
        assert body["status"] == status, (who, body["status"])
        assert {a["name"] for a in body["actions"]} == set(expected[who]), (who, status)


def test_a_level_3_application_from_apply_to_announce_through_the_api(cast, api, api_for):
    version = make_tiered_version()
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    team = review_team(cast)
    enterprise, district = api_for(cast.enterprise), api_for(cast.district)
    staff, reviewer = api_for(cast.district_staff), api_for(cast.reviewer)
    clients = {"enterprise": enterprise, "district": district, "staff": staff, "reviewer": reviewer}
    today = timezone.localdate()

    # --- the enterprise applies -----------------------------------------------------
    body = call(enterprise, "post", URL, {"assessment": assessment.pk, "tier": "3"}, expect=201)
    pk = body["id"]
    assert body["status"] == "draft" and body["receiver"] == cast.district.organisation_id
    for kind in REQUIRED_MATERIALS:
        call(
            enterprise,
            "post",
            f"{URL}{pk}/materials/",
            {"kind": kind.value, "file": pdf(f"{kind.value}.pdf")},
            expect=201,
            fmt="multipart",
        )
    body = call(enterprise, "patch", f"{URL}{pk}/", {"declaration_confirmed": True})
    assert body["missing_materials"] == [] and body["declaration_confirmed"] is True
    # A draft is the applicant's alone.
    check_actions(
        clients,
        pk,
        "draft",
        enterprise={"submit", "withdraw"},
        district=None,
        staff=None,
        reviewer=None,
    )
    assert call(enterprise, "post", f"{URL}{pk}/submit/")["status"] == "submitted"
    check_actions(
        clients,
        pk,
        "submitted",
        enterprise={"withdraw"},
        district=RECEIVER_AT_SUBMITTED,
        staff=RECEIVER_AT_SUBMITTED,
        reviewer=None,
    )

    # --- the district accepts and assigns ------------------------------------------
    assert call(district, "post", f"{URL}{pk}/accept/")["status"] == "accepted"
    check_actions(
        clients,
        pk,
        "accepted",
        enterprise={"withdraw"},
        district={"assign"},
        staff={"assign"},
        reviewer=None,
    )
    body = call(
        district,
        "post",
        f"{URL}{pk}/assign/",
        {
            "unit": team["unit"].pk,
            "leader": team["leader"].pk,
            "members": [member.pk for member in team["members"]],
        },
    )
    assert body["status"] == "assigned"
    assert body["assignment"]["unit"] == team["unit"].pk
    check_actions(
        clients,
        pk,
        "assigned",
        enterprise={"withdraw"},
        district={"withdraw_assignment"},
        staff={"withdraw_assignment"},
        reviewer={"start_review"},
    )

    # --- the unit signs the declarations and reviews -------------------------------
    # Not before every declaration is signed.
    call(reviewer, "post", f"{URL}{pk}/start-review/", expect=400)
    for member in [team["leader"], *team["members"]]:
        call(reviewer, "post", f"{URL}{pk}/declaration/", {"reviewer": member.pk})
    body = call(reviewer, "post", f"{URL}{pk}/start-review/")
    assert body["status"] == "on_site_review"
    assert all(m["declaration_signed_at"] for m in body["assignment"]["members"])
    check_actions(
        clients,
        pk,
        "on_site_review",
        enterprise=NONE,
        district=NONE,
        staff=NONE,
        reviewer=REVIEWING,
    )

    review = call(reviewer, "get", f"{URL}{pk}/review/")
    row = review["rows"][0]
    assert row["review"]["result"] == "compliant"  # the self-assessment's answer to start
    changed = call(
        reviewer,
        "patch",
        f"{URL}{pk}/review/rows/{row['id']}/",
        {
            "result": "partial",
            "deduction": "5",
            "notes": "部分岗位培训记录缺失",
            "revision": row["revision"],
        },
    )
    assert changed["review"]["result"] == "partial"
    assert changed["revision"] == row["revision"] + 1
    # The same edit from the old revision: someone saved since, 409 with their version.
    stale = reviewer.patch(
        f"{URL}{pk}/review/rows/{row['id']}/",
        {"result": "compliant", "revision": row["revision"]},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["row"]["review"]["result"] == "partial"
    finding = call(
        reviewer,
        "post",
        f"{URL}{pk}/review/findings/",
        {
            "kind": "deduction",
            "text": "部分岗位培训记录缺失，需补充培训并存档。",
            "criterion": row["criterion"],
            "must_rectify": True,
        },
        expect=201,
    )
    assert finding["must_rectify"] and not finding["rectified"]

    deadline = today + datetime.timedelta(days=14)
    body = call(
        reviewer,
        "post",
        f"{URL}{pk}/request-rectification/",
        {"comment": "请补充培训记录。", "deadline": deadline.isoformat()},
    )
    assert body["status"] == "rectification" and body["due_on"] == deadline.isoformat()
    check_actions(
        clients,
        pk,
        "rectification",
        enterprise={"submit_rectification"},
        district=NONE,
        staff=NONE,
        reviewer=NONE,
    )

    # --- the enterprise rectifies ---------------------------------------------------
    call(enterprise, "post", f"{URL}{pk}/submit-rectification/", expect=400)  # no evidence
    call(
        enterprise,
        "post",
        f"{URL}{pk}/review/rectification-evidence/",
        {"file": pdf("培训记录.pdf"), "note": "已补充培训并存档。"},
        expect=201,
        fmt="multipart",
    )
    assert call(enterprise, "post", f"{URL}{pk}/submit-rectification/")["status"] == (
        "on_site_review"
    )
    check_actions(
        clients,
        pk,
        "on_site_review",
        enterprise=NONE,
        district=NONE,
        staff=NONE,
        reviewer=REVIEWING,
    )

    # --- the unit reports -----------------------------------------------------------
    body = call(
        reviewer,
        "patch",
        f"{URL}{pk}/review/report/",
        {"summary": "现场评审基本符合三级要求，整改已完成。", "technical_head": "赵工"},
    )
    assert body["technical_head"] == "赵工"
    for member in [team["leader"], *team["members"]]:
        body = call(reviewer, "post", f"{URL}{pk}/review/sign/", {"reviewer": member.pk})
    assert all(s["signed_at"] for s in body["signoffs"])
    # The rows still as copied from the self-assessment are confirmed as checked on site.
    unchecked = [r["id"] for r in body["rows"] if not r["confirmed"]]
    call(reviewer, "post", f"{URL}{pk}/review/confirm/", {"rows": unchecked})
    assert call(reviewer, "post", f"{URL}{pk}/submit-report/")["status"] == "reported"
    verifier = {"verify", "send_back", "close_not_reached"}
    check_actions(
        clients, pk, "reported", enterprise=NONE, district=verifier, staff=verifier, reviewer=NONE
    )

    # --- the district verifies --------------------------------------------------------
    batch = call(
        district, "post", "/api/v1/verification-batches/", {"applications": [pk]}, expect=201
    )
    assert batch["picks"] == [pk]  # one third of one, rounded up
    (check,) = batch["checks"]
    assert check["required"] and check["result"] == "pending"
    body = call(district, "post", f"{URL}{pk}/verify/", expect=400)  # check not recorded
    assert "spot_check" in body
    recorded = call(
        district, "post", f"/api/v1/spot-checks/{check['id']}/record/", {"result": "passed"}
    )
    assert recorded["result"] == "passed" and recorded["checked_by"] == "t-district"
    body = call(district, "post", f"{URL}{pk}/verify/")
    assert body["status"] == "verified"
    # 朝阳区 grades level 3 (settings.GRADING_AUTHORITIES): it approves next.
    assert body["authority"] == cast.district.organisation_id and body["granted_tier"] == "3"
    authority = {"approve", "return_to_organiser", "refuse_grade"}
    check_actions(
        clients, pk, "verified", enterprise=NONE, district=authority, staff=authority, reviewer=NONE
    )
    # Not published before the approval.
    call(district, "post", "/api/v1/publicity-batches/", {"applications": [pk]}, expect=400)
    call(api_for(cast.regulator), "post", f"{URL}{pk}/approve/", expect=403)
    assert call(district, "post", f"{URL}{pk}/approve/")["status"] == "approved"
    # Publishing is a batch's step: no move on the application itself.
    check_actions(
        clients, pk, "approved", enterprise=NONE, district=NONE, staff=NONE, reviewer=NONE
    )

    # --- publicity, an objection -----------------------------------------------------
    published = call(
        district, "post", "/api/v1/publicity-batches/", {"applications": [pk]}, expect=201
    )
    assert published["is_open"] and published["starts_on"] == today.isoformat()
    (item,) = published["items"]
    check_actions(
        clients,
        pk,
        "publicity",
        enterprise=NONE,
        district={"withdraw_from_publicity"},
        staff={"withdraw_from_publicity"},
        reviewer=NONE,
    )
    objections.objection_lodge(
        item=PublicityItem.objects.get(pk=item["id"]),
        name="张三",
        contact="13912345678",
        text="该企业培训记录造假。",
        ip="10.0.0.1",
    )
    listed = call(district, "get", f"/api/v1/publicity-batches/{published['id']}/")
    (objection,) = listed["items"][0]["objections"]
    assert objection["outcome"] == ""
    announce = {"applications": [pk]}
    body = call(district, "post", "/api/v1/announcements/", announce, expect=400)
    assert "applications" in body  # the window is still open
    resolved = call(
        district,
        "post",
        f"/api/v1/objections/{objection['id']}/resolve/",
        {"outcome": "dismissed", "resolution": "经现场核查，培训记录真实完整。"},
    )
    assert resolved["outcome"] == "dismissed" and resolved["resolved_by"] == "t-district"

    # The window lasts seven working days from today (the API opens none in the
    # past), and the objection had to be lodged while it was open: rather than
    # wait, set the window back so it closed yesterday. Travelling in time
    # instead would leave the earlier steps' stamps in the future.
    PublicityBatch.objects.filter(pk=published["id"]).update(
        starts_on=today - datetime.timedelta(days=14), ends_on=today - datetime.timedelta(days=1)
    )

    # --- the district announces ----------------------------------------------------
    announced = call(district, "post", "/api/v1/announcements/", announce, expect=201)
    (certificate,) = announced["certificates"]
    assert CERTIFICATE.match(certificate["number"]), certificate["number"]
    assert certificate["number"].startswith(f"京AQBJXⅢ{today.year}")
    assert certificate["application"] == pk and certificate["tier"] == "3"
    assert announced["number"] == 1 and announced["announced_on"] == today.isoformat()

    # The public sees the enterprise and its number, without logging in.
    response = api.get("/api/v1/public/announcements/")
    assert response.status_code == 200
    public = [c for a in response.json()["results"] for c in a["certificates"]]
    assert [(c["enterprise_name"], c["number"]) for c in public] == [
        (cast.ent.name, certificate["number"])
    ]
    assert CERTIFICATE.match(public[0]["number"])
    assert "application" not in public[0]

    # The review unit's access ended with the announcement; nobody has a move left.
    check_actions(
        clients, pk, "announced", enterprise=NONE, district=NONE, staff=NONE, reviewer=None
    )
    body = call(staff, "get", f"{URL}{pk}/")
    assert body["actions"] == []
    timeline = [
        (e["transition"], e["from_status"], e["to_status"], e["actor"]) for e in body["timeline"]
    ]
    assert timeline == PATH
    assert body["timeline"][4]["comment"] == "请补充培训记录。"
    stamps = [e["created_at"] for e in body["timeline"]]
    assert stamps == sorted(stamps)

    # The audit log records the same moves, in the same order, by the same people,
    # and nothing for the refused requests.
    moves = [f"application.{name}" for name in TRANSITIONS]
    audited = list(
        AuditEvent.objects.filter(
            object_type="certification.application", object_id=str(pk), action__in=moves
        )
        .order_by("id")
        .values_list("action", "before", "after", "actor__username")
    )
    assert [
        (action, before["status"], after["status"], actor)
        for action, before, after, actor in audited
    ] == [(f"application.{name}", source, target, actor) for name, source, target, actor in PATH]
    assert audited[-1][2]["certificate"] == certificate["number"]
    application = Application.objects.get(pk=pk)
    assert (application.status, application.granted_tier) == (Status.ANNOUNCED, "3")

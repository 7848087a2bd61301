"""The scope matrix: every state × every cast role × every page and endpoint
of one application.

One application of cast.ent is walked through the real services to each
state (tests/certification/test_workflow_matrix.walk; a few states also by
the moves that lead back to them or end the review early); then each of the
14 cast users asks for its detail page and API, the application lists, its
materials, its on-site review (page, findings, report, API), the review's
files and its spot check, and its work queue. What each should get is
written out below from the rules, not asked of the selector:

- scope (certification/selectors.applications_visible_to): 200, else 404;
- inside the scope, who sees the reviewers' scores
  (certification/onsite.may_see_scores): the scoring and report pages and a
  suggestion's photo are 403 for the others, and the findings page and the
  review API leave the scores and suggestions out; a re-check's notes are
  the receiver's and the city office's (verification.may_see_notes);
- the work queue holds the application exactly for the organisation
  certification.workflow.RESPONSIBLE names.

Every mismatch is collected and reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from certification import engine
from certification.models import Application, Finding, ReviewFile, SpotCheck, Status
from certification.workflow import (
    APPLICANT,
    AUTHORITY,
    RECEIVER,
    RESPONSIBLE,
    REVIEW_UNIT,
    TRANSITIONS,
    WITH_REVIEW_UNIT,
)
from tests.certification.factories import PDF, make_tiered_version
from tests.certification.test_workflow_matrix import (
    RECEIVER_OF,
    ROLES,
    deadline,
    review_team,
    walk,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SUGGESTION = "建议完善应急演练记录。"

# --------------------------------------------------------------------------
# The expectations, per role

# When a role sees the application at all.
ALWAYS = "always"  # the applicant: its drafts too
SUBMITTED = "after submission"  # whoever oversees the enterprise, or receives it
ORGANISED = "organised"  # the organising unit: receiver, or qualified for tier × industry
WITH_UNIT = "with the unit"  # the assigned review unit, while the application is with it
NEVER = "never"

SCOPE = {
    "enterprise": ALWAYS,  # the applicant (the enterprise's own account)
    "enterprise_staff": ALWAYS,
    "group": SUBMITTED,  # the enterprise's group
    "city": SUBMITTED,  # the city office sees every submitted application
    "district": SUBMITTED,  # 朝阳区, the enterprise's district (receiver of level 3)
    "district_staff": SUBMITTED,
    "regulator": SUBMITTED,  # machinery, the enterprise's industry
    "association": ORGANISED,  # qualified for machinery level 2 (receiver of level 2)
    "reviewer": WITH_UNIT,  # the review unit of the assignment
    "street": SUBMITTED,  # 建外街道, the enterprise's street (属地), read-only
    "other_district": NEVER,  # 海淀区
    "other_street": NEVER,  # 朝外街道, another street of the same district
    "other_regulator": NEVER,  # construction
    "other_enterprise": NEVER,
}
# The association's qualification (tests/cast.py): machinery, level 2.
ASSOCIATION_TIERS = {"2"}

# Who sees the reviewers' answers, score, report and suggestions, once in scope.
RECEIVER_OR_REPORTED = "the receiver, or once the report is in"
AFTER_VERIFICATION = "once the report is verified"

SCORES = {
    "city": ALWAYS,  # the city office
    "reviewer": ALWAYS,  # the unit that was assigned
    "district": RECEIVER_OR_REPORTED,
    "district_staff": RECEIVER_OR_REPORTED,
    "association": RECEIVER_OR_REPORTED,
    "regulator": RECEIVER_OR_REPORTED,  # never the receiver: once the report is in
    "street": RECEIVER_OR_REPORTED,  # never the receiver: once the report is in
    "enterprise": AFTER_VERIFICATION,  # the enterprise side
    "enterprise_staff": AFTER_VERIFICATION,
    "group": AFTER_VERIFICATION,
    "other_district": NEVER,
    "other_street": NEVER,
    "other_regulator": NEVER,
    "other_enterprise": NEVER,
}
AFTER_REPORT = {
    Status.REPORTED,
    Status.AWAITING_CONSENT,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PUBLICITY,
    Status.ANNOUNCED,
}
# The enterprise sees the scores once the report is verified, at the grade
# applied for or a lower one it is asked to consent to.
VERIFIED = {
    Status.AWAITING_CONSENT,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PUBLICITY,
    Status.ANNOUNCED,
}

# The roles of each party's organisation.
RECEIVER_ROLES = {"1": {"city"}, "2": {"association"}, "3": {"district", "district_staff"}}
# The grading authority's (settings.GRADING_AUTHORITIES).
AUTHORITY_ROLES = {"1": set(), "2": {"regulator"}, "3": {"district", "district_staff"}}
PARTY_ROLES = {APPLICANT: {"enterprise", "enterprise_staff"}, REVIEW_UNIT: {"reviewer"}}


@dataclass(frozen=True)
class Case:
    """Where the application is: its state and tier, and how it got there
    (the walk, or the walk to ``came_from`` and then the move ``by``)."""

    state: str
    tier: str
    came_from: str | None = None
    by: str | None = None
    started: bool = False  # the on-site review has started
    reported: bool = False  # its report is in (OnSiteReview.reported_at)

    def __str__(self) -> str:  # also the test id: on_site_review-3, rejected-3-by-close_not_reached
        return f"{self.state}-{self.tier}" + (f"-by-{self.by}" if self.by else "")


def sees(role: str, case: Case) -> bool:
    rule = SCOPE[role]
    if rule == ALWAYS:
        return True
    if rule == NEVER or case.state == Status.DRAFT:
        return False
    if rule == SUBMITTED:
        return True
    if rule == ORGANISED:
        return role in RECEIVER_ROLES[case.tier] or case.tier in ASSOCIATION_TIERS
    assert rule == WITH_UNIT
    return case.state in WITH_REVIEW_UNIT


def sees_scores(role: str, case: Case) -> bool:
    """Only asked for roles in scope."""
    rule = SCORES[role]
    if rule == ALWAYS:
        return True
    if rule == RECEIVER_OR_REPORTED:
        return role in RECEIVER_ROLES[case.tier] or case.reported
    if rule == AFTER_VERIFICATION:  # or closed as no grade reached after the report
        return case.state in VERIFIED or (case.state == Status.REJECTED and case.reported)
    return False


def responsible(role: str, case: Case) -> bool:
    """The application is in the role's work queue."""
    who = RESPONSIBLE.get(case.state)
    if who == RECEIVER:
        roles = RECEIVER_ROLES[case.tier]
    elif who == AUTHORITY:
        roles = AUTHORITY_ROLES[case.tier]
    else:
        roles = PARTY_ROLES.get(who, set())
    return role in roles


def status_for(role: str, case: Case, *, exists: bool = True, needs_scores: bool = False) -> int:
    """404 outside the scope (or when the thing does not exist yet), 403
    inside it without the scores where they are needed, else 200."""
    if not exists or not sees(role, case):
        return 404
    if needs_scores and not sees_scores(role, case):
        return 403
    return 200


# --------------------------------------------------------------------------
# The cases: every state on the locally reviewed path at level 3; level 1
# where it differs (reviewed nationally); level 2, which the association
# receives; and the moves that bring an application back to an earlier
# state or end it early (the review unit's grants follow them).

STARTED = {Status.ON_SITE_REVIEW, Status.RECTIFICATION, *AFTER_REPORT}
NATIONAL_ONLY = {Status.NATIONAL, Status.NATIONAL_DECIDED}
# Level 3 has no lower grade: only level 2 (reaching level 3) waits for consent.
LEVEL_2_ONLY = {Status.AWAITING_CONSENT}


def walked(state: str, tier: str) -> Case:
    return Case(state, tier, started=state in STARTED, reported=state in AFTER_REPORT)


CASES = [
    *[
        walked(state, "3")
        for state in Status.values
        if state not in NATIONAL_ONLY and state not in LEVEL_2_ONLY
    ],
    *[walked(state, "1") for state in (Status.DRAFT, Status.SUBMITTED, *sorted(NATIONAL_ONLY))],
    walked(Status.SUBMITTED, "2"),
    walked(Status.ON_SITE_REVIEW, "2"),
    walked(Status.AWAITING_CONSENT, "2"),
    Case(Status.ACCEPTED, "3", Status.ASSIGNED, "withdraw_assignment"),
    Case(Status.WITHDRAWN, "3", Status.ASSIGNED, "withdraw"),
    Case(Status.ON_SITE_REVIEW, "3", Status.REPORTED, "send_back", started=True),
    Case(Status.REJECTED, "3", Status.REPORTED, "close_not_reached", started=True, reported=True),
    Case(
        Status.REPORTED,
        "3",
        Status.PUBLICITY,
        "withdraw_from_publicity",
        started=True,
        reported=True,
    ),
]


@pytest.fixture
def version(db):
    return make_tiered_version()


def reach(cast, version, case: Case) -> Application:
    """A fresh application of cast.ent in the case's state, through the services."""
    args = {**review_team(cast), "deadline": deadline()}
    if case.by is None:
        return walk(cast, version, case.state, case.tier, args)
    application = walk(cast, version, case.came_from, case.tier, args)
    move = TRANSITIONS[case.by]
    actor = cast.enterprise if move.actor == APPLICANT else getattr(cast, RECEIVER_OF[case.tier])
    application = engine.perform(
        actor=actor, application=application, transition=case.by, comment="理由见附件"
    )
    assert application.status == case.state
    return application


def add_review_files(cast, application: Application) -> dict[str, int]:
    """A photo of the walk's deduction (listed to everyone in scope), a
    suggestion with a photo (shown with the scores) and a rectification
    file, stored as the services store them (the services themselves take
    them only in the states that make them)."""
    review = application.onsite
    deduction = review.findings.get(kind=Finding.Kind.DEDUCTION)
    suggestion = Finding.objects.create(
        review=review, kind=Finding.Kind.SUGGESTION, text=SUGGESTION, created_by=cast.reviewer
    )

    def store(purpose, finding, name, content, content_type, user):
        stored = ReviewFile(
            review=review,
            finding=finding,
            purpose=purpose,
            original_name=name,
            content_type=content_type,
            size=len(content),
            sha256=f"{len(name):064d}",
            uploaded_by=user,
        )
        stored.file.save(f"{name}.bin", ContentFile(content), save=False)
        stored.save()
        return stored.pk

    photo = ReviewFile.Purpose.FINDING_PHOTO
    return {
        "deduction photo": store(photo, deduction, "扣分.png", PNG, "image/png", cast.reviewer),
        "suggestion photo": store(photo, suggestion, "建议.png", PNG, "image/png", cast.reviewer),
        "rectification file": store(
            ReviewFile.Purpose.RECTIFICATION,
            None,
            "整改.pdf",
            PDF,
            "application/pdf",
            cast.enterprise,
        ),
    }


def clients(cast) -> dict[str, Client]:
    """One logged-in client per cast role."""
    logged_in = {}
    for role in ROLES:
        client = Client()
        client.force_login(getattr(cast, role))
        logged_in[role] = client
    return logged_in


def get(client: Client, url: str):
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the test client closes the file after
    return response


def what_is_shown(role: str, case: Case, url: str, response) -> list[str]:
    """Inside the scope: the reviewers' scores and suggestions only for
    those who see the scores, a re-check's notes only for the receiver and
    the city office."""
    scores = sees_scores(role, case)
    problems = []
    if url.endswith("/review/findings/"):
        if (SUGGESTION in response.content.decode()) != scores:
            problems.append(f"suggestion shown: {not scores}")
    elif url.startswith("/api/v1/") and url.endswith("/review/"):
        data = response.json()
        if data["may_see_scores"] != scores:
            problems.append(f"may_see_scores {data['may_see_scores']}")
        shown = (
            data["score"] is not None
            or data["summary"] is not None
            or any(row["review"] is not None for row in data["rows"])
            or any(finding["kind"] == Finding.Kind.SUGGESTION for finding in data["findings"])
        )
        if shown != scores:
            problems.append(f"scores and suggestions shown: {shown}")
    elif "/spot-checks/" in url:
        notes = response.json()["notes"] != ""
        if notes != (role in RECEIVER_ROLES[case.tier] or role == "city"):
            problems.append(f"re-check notes shown: {notes}")
    return problems


def urls(application: Application, case: Case, files: dict[str, int]) -> dict:
    """Each page and endpoint of the application: url → (role → expected status)."""
    pk = application.pk
    material = application.materials.first().pk
    started = case.started
    first_element = (
        application.assessment.version.elements.filter(parent=None).order_by("position").first().pk
    )

    def scope(role):
        return status_for(role, case)

    table = {
        f"/applications/{pk}/": scope,
        f"/api/v1/applications/{pk}/": scope,
        f"/applications/{pk}/materials/{material}/": scope,
        f"/api/v1/applications/{pk}/materials/{material}/": scope,
        # The on-site review: the scoring and the report need the scores,
        # the findings are for everyone in scope, the API leaves the scores out.
        f"/applications/{pk}/review/": lambda role: status_for(
            role, case, exists=started, needs_scores=True
        ),
        # A later element of the scoring sheet, loaded as the reviewer reaches it.
        f"/applications/{pk}/review/elements/{first_element}/": lambda role: status_for(
            role, case, exists=started, needs_scores=True
        ),
        f"/applications/{pk}/review/findings/": lambda role: status_for(role, case, exists=started),
        f"/applications/{pk}/review/report/": lambda role: status_for(
            role, case, exists=started, needs_scores=True
        ),
        f"/api/v1/applications/{pk}/review/": lambda role: status_for(role, case, exists=started),
    }
    check = SpotCheck.objects.filter(application=application).first()
    assert (check is not None) == (case.state in AFTER_REPORT or case.came_from in AFTER_REPORT)
    if check is not None:  # "seen by whoever sees the application"
        table[f"/api/v1/spot-checks/{check.pk}/"] = scope
    for name, file_id in files.items():
        needs_scores = name == "suggestion photo"  # the deduction and the evidence: everyone
        for url in (
            f"/applications/{pk}/review/files/{file_id}/",
            f"/api/v1/applications/{pk}/review/files/{file_id}/",
        ):
            table[url] = lambda role, needs_scores=needs_scores: status_for(
                role, case, needs_scores=needs_scores
            )
    return table


@pytest.mark.parametrize("case", CASES, ids=str)
def test_scope_matrix(cast, version, case):
    application = reach(cast, version, case)
    pk = application.pk
    assert hasattr(application, "onsite") == case.started
    if case.started:
        application.onsite.refresh_from_db()
        assert (application.onsite.reported_at is not None) == case.reported
    table = urls(application, case, add_review_files(cast, application) if case.started else {})
    link = f'href="/applications/{pk}/"'

    wrong: list[str] = []
    for role, client in clients(cast).items():
        for url, expect in table.items():
            want = expect(role)
            response = get(client, url)
            if response.status_code != want:
                wrong.append(f"{role}/{case} {url}: expected {want} got {response.status_code}")
            elif want == 200:
                wrong += [
                    f"{role}/{case} {url}: {problem}"
                    for problem in what_is_shown(role, case, url, response)
                ]
        # The lists follow the same scope.
        listed = {row["id"] for row in client.get("/api/v1/applications/").json()["results"]}
        on_page = link in client.get("/applications/").content.decode()
        if (pk in listed, on_page) != (sees(role, case),) * 2:
            wrong.append(
                f"{role}/{case} lists: expected {sees(role, case)} got API "
                f"{pk in listed}, page {on_page}"
            )
    assert not wrong, "\n".join(wrong)
    # Sanity: the matrix is not vacuous.
    assert any(sees(role, case) for role in ROLES if role != "enterprise")


@pytest.mark.parametrize(
    "case",
    [
        walked(Status.ON_SITE_REVIEW, "3"),
        walked(Status.RECTIFICATION, "3"),
        walked(Status.REPORTED, "3"),
        walked(Status.SUBMITTED, "2"),
        walked(Status.NATIONAL, "1"),
        walked(Status.ANNOUNCED, "3"),
    ],
    ids=str,
)
def test_queue_holds_what_waits_on_the_role(cast, version, case):
    """The work queue (page and API) holds the application exactly for the
    organisation certification.workflow.RESPONSIBLE names."""
    application = reach(cast, version, case)
    link = f'href="/applications/{application.pk}/"'
    wrong = []
    for role, client in clients(cast).items():
        want = responsible(role, case)
        page = client.get("/applications/queue/")
        api = client.get("/api/v1/queue/")
        assert page.status_code == api.status_code == 200, role
        on_page = link in page.content.decode()
        in_api = application.pk in {row["id"] for row in api.json()["results"]}
        if (on_page, in_api) != (want, want):
            wrong.append(f"{role}/{case} queue: expected {want} got page {on_page}, API {in_api}")
    assert not wrong, "\n".join(wrong)
    assert any(responsible(role, case) for role in ROLES) == (case.state in RESPONSIBLE)

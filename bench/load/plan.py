"""The load test's cast and what they work on, and afterwards the check that no
accepted answer was lost (bench/load_test.py runs both in the portal's environment).

    .venv/bin/python bench/load/plan.py write PLAN.json [--enterprises 120]
    .venv/bin/python bench/load/plan.py check PLAN.json SAVES.csv

``write`` makes (once; a re-run reuses them) one login per bench enterprise of
朝阳区 (``load-ent-NNN``, the demo password) with a draft self-assessment on the
shipped standard, through the services; picks the demo reviewer's on-site sheet
(seed_demo's application in on-site review), the officials' demo logins and up to
200 public certificates with their QR payloads; and notes every row's revision.

``check`` compares the saves Locust recorded (kind, row, revision, notes) with the
rows: each row's revision must have grown by exactly the saves accepted for it, and
its notes must be those of the last accepted save.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import secrets
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

OFFICIALS = (
    "demo-district",
    "demo-district-staff",
    "demo-street",
    "demo-association",
    "demo-regulator",
)
DISTRICT = "110105"  # 朝阳区, as the demo district


def enterprise_logins(count: int) -> list[dict]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from enterprises.demo import PASSWORD
    from enterprises.models import Enterprise
    from portal.models import Organisation, OrganisationKind, User
    from reviews import services
    from reviews.models import Assessment

    password = make_password(PASSWORD)  # hashed once: a hash per user costs seconds
    year = timezone.localdate().year - 1
    entries = []
    for n in range(1, count + 1):
        username = f"load-ent-{n:03d}"
        with transaction.atomic():
            user = User.objects.select_related("organisation").filter(username=username).first()
            if user is None:
                enterprise = (
                    Enterprise.objects.filter(
                        region_id=DISTRICT,
                        status=Enterprise.Status.ACTIVE,
                        account__isnull=True,
                        group__isnull=True,
                    )
                    .exclude(name__in=Organisation.objects.values("name"))
                    .order_by("pk")
                    .first()
                )
                if enterprise is None:
                    break
                account = Organisation.objects.create(
                    name=enterprise.name, kind=OrganisationKind.ENTERPRISE, region_id=DISTRICT
                )
                enterprise.account = account
                enterprise.save(update_fields=["account"])
                user = User.objects.create(
                    username=username,
                    organisation=account,
                    role=User.Role.ADMIN,
                    first_name=f"压测企业{n}",
                    password=password,
                )
            enterprise = Enterprise.objects.get(account=user.organisation)
            assessment = Assessment.objects.filter(
                enterprise=enterprise, status=Assessment.Status.DRAFT
            ).first() or services.assessment_create(
                actor=user,
                enterprise=enterprise,
                version=_standard_for(enterprise),
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                team_leader="张伟",
                team_members="安全管理部",
            )
        entries.append({"username": username, "assessment": assessment.pk})
    return entries


def _standard_for(enterprise):
    """The general 工贸 standard where it applies (the largest checklist), else the
    first that does."""
    from reviews.selectors import applicable_versions

    versions = applicable_versions(enterprise)
    general = [v for v in versions if v.standard.code == "gongmao-general"]
    return (general or versions)[0]


def onsite_sheet() -> dict:
    from certification.models import Application
    from certification.onsite.rules import review_for
    from portal.models import User
    from reviews.models import AssessmentRow

    reviewer = User.objects.get(username="demo-reviewer")
    for application in Application.objects.filter(
        status="on_site_review", assignments__unit=reviewer.organisation
    ).order_by("pk"):
        review = review_for(application)
        if review is not None:
            rows = AssessmentRow.objects.filter(assessment_id=review.assessment_id).order_by(
                "criterion__position"
            )
            values = list(rows.values_list("pk", "revision", "criterion__a_element_id"))
            return {
                "username": reviewer.username,
                "application": application.pk,
                "rows": {str(pk): rev for pk, rev, _ in values},
                # The team splits the sheet by A element, in the standard's order.
                "elements": list(dict.fromkeys(element for _, _, element in values)),
                "row_elements": {str(pk): element for pk, _, element in values},
            }
    raise SystemExit("No on-site review for demo-reviewer: run seed_demo with the standards.")


def certificates(count: int = 200) -> list[dict]:
    from certification.certificates import signing

    chosen = signing.public_certificates().order_by("-pk")[:count]
    return [{"number": c.number, "payload": signing.payload_for(c)} for c in chosen]


def sessions(counts: dict[str, int]) -> dict[str, list[str]]:
    """Signed-in sessions, as a login leaves them: the users of a working day logged
    in once in the morning, and PBKDF2's second of CPU per login would otherwise
    weigh on the measured pages while the users start."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import User

    made: dict[str, list[str]] = {}
    for user in User.objects.filter(username__in=counts):
        for _ in range(counts[user.username]):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            made.setdefault(user.username, []).append(store.session_key)
    return made


def write(path: str, enterprises: int) -> None:
    from enterprises.demo import PASSWORD
    from reviews.models import AssessmentRow

    entries = enterprise_logins(enterprises)
    rows = AssessmentRow.objects.filter(assessment_id__in=[e["assessment"] for e in entries])
    plan = {
        "password": PASSWORD,
        "enterprises": entries,
        "onsite": onsite_sheet(),
        "officials": list(OFFICIALS),
        "city": "demo-city",
        "certificates": certificates(),
        "revisions": {str(pk): rev for pk, rev in rows.values_list("pk", "revision")},
    }
    plan["revisions"].update(plan["onsite"]["rows"])
    plan["sessions"] = sessions(
        {
            **{e["username"]: 1 for e in entries},
            plan["onsite"]["username"]: 8,
            **{name: 60 for name in OFFICIALS},
            "demo-city": 30,
        }
    )
    Path(path).write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"plan: {len(entries)} enterprise logins with a draft checklist, on-site sheet of "
        f"{len(plan['onsite']['rows'])} rows, {len(plan['certificates'])} certificates"
    )


def check(path: str, saves_path: str) -> bool:
    """True when every accepted save is in the database: per row, the accepted saves
    have distinct revisions (none overwrote another unseen), the row's revision is at
    least the last accepted one, and at that revision it holds that save's notes.
    A revision beyond the last accepted is a save whose answer the client never read
    (in flight when the run stopped, or timed out): stored, not lost; counted apart."""
    from reviews.models import AssessmentRow

    plan = json.loads(Path(path).read_text(encoding="utf-8"))
    accepted: dict[int, list[tuple[int, str]]] = defaultdict(list)
    with open(saves_path, newline="", encoding="utf-8") as saves:
        for _kind, row, revision, notes in csv.reader(saves):
            accepted[int(row)].append((int(revision), notes))
    stored = {
        pk: (revision, notes)
        for pk, revision, notes in AssessmentRow.objects.filter(pk__in=accepted).values_list(
            "pk", "revision", "notes"
        )
    }
    lost, unread = [], 0
    for row, saves in accepted.items():
        revision, notes = stored[row]
        last_revision, last_notes = max(saves)
        distinct = len({r for r, _ in saves}) == len(saves)
        if not distinct or revision < last_revision:
            lost.append((row, saves, revision, notes))
        elif revision == last_revision and notes != last_notes:
            lost.append((row, saves, revision, notes))
        unread += revision - plan["revisions"][str(row)] - len(saves)
    total = sum(len(s) for s in accepted.values())
    print(
        f"answers: {total:,} saves accepted on {len(accepted):,} rows, "
        + (f"{len(lost)} rows lost one, e.g. {lost[:2]}" if lost else "all in the database")
        + f"; {unread} more stored whose answer the client did not read (in flight at the end)"
    )
    return not lost


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[:1] == ["write"]:
        count = int(argv[argv.index("--enterprises") + 1]) if "--enterprises" in argv else 120
        write(argv[1], count)
        return 0
    if argv[:1] == ["check"]:
        return 0 if check(argv[1], argv[2]) else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

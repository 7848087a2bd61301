"""A working day's mix of portal users, for Locust (bench/load_test.py starts it).

Enterprises fill their checklists (open it, save answers one by one as htmx does),
reviewers score their on-site sheet (the page's JSON saves), district officials work
their queues, lists, worklists and home page, the city office reads statistics and
its dashboards, and the public verifies certificates and reads the publicity lists.

The logins, assessments, on-site rows and certificates come from the plan that
bench/load/plan.py writes (LOAD_PLAN, a JSON file). Every save the server accepts is
appended to LOAD_SAVES (CSV: kind, row id, revision, notes) so that bench/load_test.py
can compare them with the database afterwards: no accepted answer may be lost.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
_saves = open(os.environ["LOAD_SAVES"], "a", newline="", encoding="utf-8")  # noqa: SIM115
_writer = csv.writer(_saves)
_lock = threading.Lock()
_enterprises = itertools.count()
_reviewers = itertools.count()
_counter = itertools.count(1)
# Seconds between one user's clicks (bench/load_test.py --think): reading the page,
# typing an answer, checking a certificate's details.
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "5,15").split(","))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'id="rev-(\d+)" value="(\d+)"')
# The on-site sheet's answer forms: the row and the revision the page was built at.
LATER_ELEMENT = re.compile(r'data-later-rows="[^"]*/elements/(\d+)/"')
SHEET_REVISION = re.compile(r'id="answer-(\d+)".{0,600}?name="revision" value="(\d+)"', re.S)


def record_save(kind: str, row: int, revision: int, notes: str) -> None:
    with _lock:
        _writer.writerow([kind, row, revision, notes])
        _saves.flush()


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    username = ""

    def log_in(self, username: str) -> None:
        """A session from the plan (logged in this morning); the login page itself
        only when the plan has none left for this user."""
        self.client.cookies.set("django_language", "en")
        pool = PLAN["sessions"].get(username) or []
        if pool:
            with _lock:
                key = pool.pop() if len(pool) > 1 else pool[0]
            self.client.cookies.set("sessionid", key)
            self.username = username
            return
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        response = self.client.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{username} could not log in ({response.status_code})")
        self.username = username

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, url: str, name: str) -> None:
        self.client.get(url, name=name)


class Enterprise(PortalUser):
    """Fills its own self-assessment: one user per plan entry, so no two users
    answer the same row (the conflict check would rightly refuse the later one)."""

    weight = 40

    def on_start(self) -> None:
        entries = PLAN["enterprises"]
        index = next(_enterprises)
        self.entry = entries[index] if index < len(entries) else None
        self.log_in((self.entry or random.choice(entries))["username"])
        self.revisions: dict[int, int] = {}
        self.open_checklist()

    @task(1)
    def open_checklist(self) -> None:
        if self.entry is None:
            self.page("/", "home (enterprise)")
            return
        response = self.client.get(
            f"/assessments/{self.entry['assessment']}/", name="checklist page"
        )
        self.revisions = {int(row): int(rev) for row, rev in REVISION.findall(response.text)}

    @task(6)
    def save_answer(self) -> None:
        if self.entry is None or not self.revisions:
            return
        row = random.choice(list(self.revisions))
        notes = f"{self.username} #{next(_counter)}"
        response = self.client.post(
            f"/assessments/{self.entry['assessment']}/rows/{row}/",
            {
                "result": random.choice(("compliant", "non_compliant")),
                "notes": notes,
                "revision": self.revisions[row],
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf()},
            name="checklist save (htmx)",
        )
        found = REVISION.search(response.text) if response.status_code == 200 else None
        if found:
            self.revisions[row] = int(found.group(2))
            record_save("assessment", row, int(found.group(2)), notes)

    @task(1)
    def home(self) -> None:
        self.page("/", "home (enterprise)")


class Reviewer(PortalUser):
    """Scores its share of the on-site sheet's rows (the team splits the sheet)."""

    fixed_count = 8

    def on_start(self) -> None:
        onsite = PLAN["onsite"]
        self.application = onsite["application"]
        share = next(_reviewers) % self.fixed_count
        # Its A elements of the sheet (the team splits it by element).
        self.elements = {
            element for n, element in enumerate(onsite["elements"]) if n % self.fixed_count == share
        }
        self.rows = {
            int(row): rev
            for row, rev in onsite["rows"].items()
            if onsite["row_elements"][row] in self.elements
        }
        self.log_in(onsite["username"])
        self.open_sheet()  # the page sets the CSRF cookie the saves send back

    @task(1)
    def open_sheet(self) -> None:
        """The sheet, and its rows' revisions: a run after the warm-up starts from the
        plan's, which the warm-up's saves have moved on."""
        url = f"/applications/{self.application}/review/"
        response = self.client.get(url, name="on-site sheet page")
        texts = [response.text]
        # Its elements that the page does not carry load as the reviewer reaches them.
        for element in LATER_ELEMENT.findall(response.text):
            if int(element) in self.elements:
                texts.append(
                    self.client.get(
                        f"{url}elements/{element}/", name="on-site sheet later element"
                    ).text
                )
        for text in texts:
            for row, revision in SHEET_REVISION.findall(text):
                if int(row) in self.rows:
                    self.rows[int(row)] = int(revision)

    @task(5)
    def score_row(self) -> None:
        if not self.rows:
            return
        row = random.choice(list(self.rows))
        notes = f"{self.username} #{next(_counter)}"
        response = self.client.post(
            f"/applications/{self.application}/review/rows/{row}/",
            {
                "result": random.choice(("compliant", "non_compliant")),
                "notes": notes,
                "revision": self.rows[row],
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"Accept": "application/json", "X-CSRFToken": self.csrf()},
            name="on-site sheet save (JSON)",
        )
        if response.status_code == 200:
            revision = response.json()["row"]["revision"]
            self.rows[row] = revision
            record_save("onsite", row, revision, notes)


class DistrictOfficial(PortalUser):
    weight = 25

    def on_start(self) -> None:
        self.log_in(random.choice(PLAN["officials"]))

    @task(3)
    def queue(self) -> None:
        self.page("/applications/queue/", "queue page")

    @task(2)
    def applications(self) -> None:
        self.page("/applications/", "application list")

    @task(2)
    def worklists(self) -> None:
        if self.username != "demo-association":  # an organising unit has no worklists
            self.page("/worklists/", "worklists")

    @task(2)
    def home(self) -> None:
        self.page("/", "home (official)")

    @task(1)
    def registry(self) -> None:
        self.page("/enterprises/", "enterprise registry")


class CityOffice(PortalUser):
    weight = 5

    def on_start(self) -> None:
        self.log_in(PLAN["city"])

    @task(3)
    def statistics(self) -> None:
        table = random.choice(("compliance", "certificates", "reviews", "hazards", "accidents"))
        self.page(f"/statistics/{table}/", f"statistics {table} (city)")

    @task(1)
    def home(self) -> None:
        self.page("/", "home (city)")

    @task(1)
    def compare(self) -> None:
        self.page("/dashboards/compare/", "district comparison (city)")


class Public(HttpUser):
    """No login: certificate checks by QR code and by number, public lists."""

    weight = 30
    wait_time = between(*THINK)

    @task(4)
    def scan_qr(self) -> None:
        certificate = random.choice(PLAN["certificates"])
        self.client.get(f"/verify/{certificate['payload']}/", name="verify by QR (public)")

    @task(2)
    def by_number(self) -> None:
        certificate = random.choice(PLAN["certificates"])
        self.client.get(
            "/verify/", params={"number": certificate["number"]}, name="verify by number (public)"
        )

    @task(1)
    def publicity(self) -> None:
        self.client.get("/public/publicity/", name="publicity list (public)")

    @task(1)
    def announcements(self) -> None:
        self.client.get("/public/announcements/", name="announcements (public)")

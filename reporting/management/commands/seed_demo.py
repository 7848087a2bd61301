"""``manage.py seed_demo [--enterprises N]``: demonstration data, safe to re-run.

It lives in the top app because it seeds every app in order: the registry and its
logins (enterprises.demo), then the applications in every state of the workflow
(certification.demo) and the hazard ledgers (hazards.demo), in one
transaction; then the nightly snapshot and, from it, the demo district's draft
assessment report (reporting.assessment.demo)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from certification.demo import seed_demo_applications
from enterprises.demo import DEMO_USERS, PASSWORD, seed_demo
from hazards.demo import seed_demo_hazards
from portal.models import Organisation, Street


class Command(BaseCommand):
    help = (
        "Create the demonstration data: streets of every district, every kind of "
        "organisation, N enterprises with valid USCCs and the demo logins (password "
        f"{PASSWORD}). Running it again creates only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises",
            type=int,
            default=2000,
            metavar="N",
            help="number of generated enterprises (default 2000)",
        )
        parser.add_argument(
            "--no-snapshot",
            action="store_true",
            help="skip the nightly snapshot run at the end (the dashboards then count live)",
        )

    def handle(self, *args, enterprises, no_snapshot=False, **options):
        if enterprises < 0:
            raise CommandError("--enterprises must be 0 or more")
        started = time.monotonic()
        # Demo data is not news: the demo applications' notifications stay
        # in-app and no e-mail goes out (nor floods the console backend).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                result = seed_demo(enterprises)
                seed_demo_applications(result)  # skips, saying why, without the standards
                seed_demo_hazards(result)  # the major one needs the hazard catalogue
        if not no_snapshot:
            # The dashboards read last night's snapshot: take one now, as the nightly
            # task would, so the demo shows snapshot figures from the start.
            from reporting.snapshots.store import snapshot_nightly

            written = snapshot_nightly()["written"]
            self.stdout.write(f"Snapshot taken: {written} rows.")
            self._demo_report()
        elapsed = time.monotonic() - started
        created = ", ".join(f"{count} {what}" for what, count in sorted(result.created.items()))
        self.stdout.write(
            f"Created: {created or 'nothing (already seeded)'}"
            f"{f', {result.streets_created} streets' if result.streets_created else ''}."
        )
        self.stdout.write(
            f"Now: {Street.objects.count()} streets, {Organisation.objects.count()} "
            f"organisations, {result.enterprises_total} enterprises ({elapsed:.1f} s)."
        )
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for username, (org, _role, _name) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<22} {org}")

    def _demo_report(self) -> None:
        """A draft assessment report to open at once (built from the snapshot)."""
        from reporting.assessment.demo import seed_demo_report

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = seed_demo_report()
        if report is None:
            self.stdout.write("Demo assessment report skipped: no district snapshot to build it.")
        else:
            self.stdout.write(
                f"Demo assessment report: {report.unit_name} {report.period_code} "
                f"(version {report.version}, {report.get_status_display()})."
            )

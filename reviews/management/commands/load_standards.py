"""Load standard files (YAML or the Excel template) into the catalogue.

    python manage.py load_standards                 # every reviews/standards/data/*.yaml, published
    python manage.py load_standards a.yaml b.xlsx   # these files, as drafts
    python manage.py load_standards a.yaml --publish
    python manage.py load_standards --check         # check only, write nothing

Running it again changes nothing. Every file is checked before anything is
written; one bad file stops the whole load and lists every problem.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.errors import ServiceError
from reviews.standards.files import (
    Action,
    StandardFileError,
    import_standard,
    parse_standard_file,
    plan_import,
)

SHIPPED = Path(__file__).resolve().parents[2] / "standards" / "data"


class Command(BaseCommand):
    help = "Load standard files; without paths, every shipped standard (published)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="YAML or .xlsx files")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the versions loaded (the default without paths)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="check the files and say what would happen; write nothing",
        )

    def handle(self, *args, paths, publish, check, **options):
        if paths:
            files = [Path(path) for path in paths]
        else:
            files = sorted(SHIPPED.glob("*.yaml"))
            publish = True
            if not files:
                self.stdout.write(f"No standard files in {SHIPPED}.")
                return
        parsed, problems = [], []
        for path in files:
            try:
                content = path.read_bytes()
            except OSError as error:
                problems.append(f"{path}: {error.strerror or error}")
                continue
            try:
                parsed.append(parse_standard_file(filename=str(path), content=content))
            except StandardFileError as error:
                problems.extend(str(problem) for problem in error.problems)
        seen: dict[tuple[str, str], str] = {}
        for item in parsed:
            key = (item.code, item.version)
            if key in seen:
                problems.append(
                    f"{item.file}: standard {item.code} version {item.version} "
                    f"is also in {seen[key]}"
                )
            seen[key] = item.file
        for item in parsed:
            try:
                plan_import(item, publish=publish)
            except ServiceError as error:
                problems.append(f"{item.file}: {error.message}")
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} problem(s); nothing was loaded.")
        if check:
            for item in parsed:
                plan = plan_import(item, publish=publish)
                self.stdout.write(f"{item.file}: {item.code} {item.version}: {plan.label}")
            return
        changed = 0
        with transaction.atomic():
            for item in parsed:
                result = import_standard(actor=None, parsed=item, publish=publish)
                changed += result.changed
                summary = item.summary
                verb = {
                    Action.NEW_STANDARD: "created",
                    Action.NEW_VERSION: "added version",
                    Action.REPLACE_DRAFT: "replaced draft",
                    Action.PUBLISH: "published",
                    Action.UNCHANGED: "unchanged",
                }[result.action]
                status = result.version.get_status_display()
                self.stdout.write(
                    f"{item.file}: {item.code} {item.version}: {verb} ({status}; "
                    f"{summary.a_elements} A, {summary.b_elements} B, {summary.criteria} "
                    f"criteria, {summary.full_marks} points)"
                )
        self.stdout.write(f"{len(parsed)} file(s), {changed} changed.")

"""``manage.py load_streets [path]``: import streets and towns from CSV."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.management.streets import DEFAULT_PATH, StreetFileError, load_streets


class Command(BaseCommand):
    help = (
        "Create or update the streets and towns (街道/乡镇) of the districts from a CSV file "
        "with the columns region_code, code, name, name_en, kind. Every row is checked first; "
        "if any row is wrong, all problems are listed and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PATH),
            help="CSV file (default: the shipped portal/reference/streets.csv)",
        )

    def handle(self, *args, path, **options):
        try:
            result = load_streets(path)
        except StreetFileError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("%(count)d problem(s) in %(path)s; nothing was changed.")
                % {"count": len(error.problems), "path": path}
            ) from None
        self.stdout.write(
            _(
                "Streets: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "in %(districts)d districts."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "districts": len(result.per_region),
            }
        )

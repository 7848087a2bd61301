"""``manage.py backfill_snapshots --from 2024-01 [--to 2026-11] [--force]``: frozen
month, quarter and year snapshot rows for ended periods, counted as of each period's
last day from the records that exist (approximations: reporting/snapshots/store.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.snapshots import periods, store


class Command(BaseCommand):
    help = (
        "Write frozen month, quarter and year snapshot rows for ended periods from the "
        "records that exist. Frozen rows are kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="First month, 2024-01.")
        parser.add_argument("--to", dest="final", default="", help="Last month; last month.")
        parser.add_argument(
            "--force", action="store_true", help="Rewrite rows that are already frozen."
        )

    def handle(self, *args, first: str, final: str, force: bool, **options):
        today = timezone.localdate()
        try:
            start = periods.parse(periods.MONTH, first)
            end = (
                periods.parse(periods.MONTH, final)
                if final
                else periods.period_of(periods.MONTH, today).previous()
            )
        except ValueError as error:
            raise CommandError(f"Not a month (2024-01): {error}") from None
        if start.start > end.start:
            raise CommandError("--from is after --to.")
        if end.end >= today:
            raise CommandError(f"{end.code} has not ended yet; the nightly run writes it.")

        def report(period, count):
            self.stdout.write(f"{period.code}: {count} rows")

        written = store.backfill(start, end, today=today, force=force, report=report)
        self.stdout.write(self.style.SUCCESS(f"{written} rows written."))

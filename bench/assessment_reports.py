"""Time of the district assessment reports (reporting/assessment/): one district's
annual report (PDF + xlsx; target ≤ 10 s on one worker) and the whole city's run of
every district and regulator with its bulletin (target: all 17 districts ≤ 3 minutes).

Reports read frozen MetricSnapshot rows only, never the enterprises, so the time does
not depend on the registry's size: the bench seeds frozen year rows (and the year
before, for the ranking change) for every district, 25 streets per district (created
when missing), three departments per district (their own regulator rows, as the
snapshots count them) and every city regulator, with figures of Beijing size (500,000
enterprises city-wide). It runs in one process as one Celery worker would, inside one transaction
rolled back at the end; files go to a temporary MEDIA_ROOT, deleted afterwards.

    .venv/bin/python bench/assessment_reports.py              # year 2025
    .venv/bin/python bench/assessment_reports.py --year 2026 --streets 40

Uses whatever database is configured (DATABASE_URL, or the SQLite file in var/;
migrated first). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
MEDIA = Path(tempfile.mkdtemp(prefix="bench-assessment-"))
DEPARTMENTS_PER_DISTRICT = 3
os.environ["MEDIA_ROOT"] = str(MEDIA)


class Rollback(Exception):
    pass


def figures(rng: random.Random, active: int) -> dict:
    compliant = int(active * rng.uniform(0.2, 0.9))
    due = int(active * 0.3)
    filed = int(due * rng.uniform(0.7, 1.0))
    found = int(active * 0.08)
    return {
        "compliance.active": active,
        "compliance.active_above": active // 10,
        "compliance.active_below": active - active // 10,
        "compliance.active_small_micro": active // 2,
        "compliance.live_1": compliant // 100,
        "compliance.live_2": compliant // 10,
        "compliance.live_3": compliant - compliant // 100 - compliant // 10,
        "compliance.live_pass": 0,
        "compliance.compliant": compliant,
        "compliance.rate": round(100 * compliant / active, 1),
        "compliance.new": compliant // 12,
        "compliance.revoked": rng.randint(0, 20),
        "compliance.expired_unrenewed": rng.randint(0, 40),
        "certificates.annual_overdue": rng.randint(0, 200),
        "certificates.revoked": rng.randint(0, 20),
        "hazards.reports_due": due,
        "hazards.reports_filed": filed,
        "hazards.reports_on_time": int(filed * 0.9),
        "hazards.found": found,
        "hazards.rectified": int(found * 0.97),
        "hazards.found_rectified": int(found * 0.97),
        "hazards.rectification_rate": round(rng.uniform(90, 100), 1),
        "hazards.major_closed": rng.randint(0, 30),
        "hazards.major_overdue": rng.randint(0, 3),
        "reviews.spot_checks_failed": rng.randint(0, 4),
        "accidents.fatal": rng.randint(0, 2),
    }


def seed(year: int, streets_per_district: int) -> None:
    from django.utils import timezone

    from portal.models import Industry, Organisation, OrganisationKind, Region, Street
    from reporting.assessment import schemes
    from reporting.assessment.models import Scheme
    from reporting.models import MetricSnapshot

    rng = random.Random(7)
    Scope = MetricSnapshot.ScopeKind
    now = timezone.now()
    rows = []
    regions = list(Region.objects.all())
    per_district = 500_000 // max(len(regions), 1)
    for region in regions:
        have = Street.objects.filter(region=region).count()
        Street.objects.bulk_create(
            Street(
                region=region,
                code=f"{region.code}{900 + n:03d}",
                name=f"{region.name}测试街道{n}",
                kind=Street.Kind.SUBDISTRICT,
            )
            for n in range(have, streets_per_district)
        )
    # Three departments in every district (区应急管理局 …), each with its industries.
    industries = list(Industry.objects.values_list("pk", flat=True))
    for region in regions:
        for n in range(DEPARTMENTS_PER_DISTRICT):
            org = Organisation.objects.create(
                name=f"{region.name}测试行业部门{n}", kind=OrganisationKind.REGULATOR, region=region
            )
            org.industries.add(*industries[n::DEPARTMENTS_PER_DISTRICT])
    for code in (str(year - 1), str(year)):
        as_of = f"{code}-12-31"

        def row(kind, key, data, dimension="", dim_key="", code=code, as_of=as_of):
            return MetricSnapshot(
                scope_kind=kind, scope_key=key, dimension=dimension, key=dim_key,
                period_kind="year", period_code=code, as_of=as_of, frozen_at=now, figures=data,
            )  # fmt: skip

        rows.append(row(Scope.CITY, "", figures(rng, 500_000)))
        for region in regions:
            rows.append(row(Scope.DISTRICT, region.pk, figures(rng, per_district)))
            for street in Street.objects.filter(region=region):
                data = figures(rng, per_district // streets_per_district)
                rows.append(row(Scope.STREET, street.code, data))
                rows.append(row(Scope.DISTRICT, region.pk, data, "street", street.code))
            for industry in industries:  # the district's industry breakdown
                data = figures(rng, per_district // len(industries))
                rows.append(row(Scope.DISTRICT, region.pk, data, "industry", industry))
        for org in Organisation.objects.filter(kind=OrganisationKind.REGULATOR):
            size = 50_000 if org.region_id is None else per_district // DEPARTMENTS_PER_DISTRICT
            rows.append(row(Scope.REGULATOR, str(org.pk), figures(rng, size)))
    MetricSnapshot.objects.filter(
        period_kind="year", period_code__in=[str(year - 1), str(year)]
    ).delete()
    MetricSnapshot.objects.bulk_create(rows, batch_size=2000)
    for level in (Scheme.Level.CITY, Scheme.Level.DISTRICT):
        if schemes.scheme_for(year, level) is None:
            schemes.create_scheme(
                actor=None,
                year=year,
                level=level,
                region=None,
                definition=schemes.default_definition(level),
            )
    print(
        f"seeded {len(rows)} frozen snapshot rows, {len(regions)} districts, "
        f"{streets_per_district} streets and {DEPARTMENTS_PER_DISTRICT} departments each"
    )


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--streets", type=int, default=25)
    parser.add_argument("--attempts", type=int, default=5, help="single reports timed")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from certification.certificates import pdf
    from reporting.assessment import reports, services
    from reporting.assessment.models import AssessmentReport, ReportRun, Scheme
    from reporting.snapshots import periods

    call_command("migrate", verbosity=0)
    pdf.font_faces()  # the subset fonts are cut once per machine, not per report
    rows: list[dict] = []

    def row(case: str, times: list[float], target: str = "", queries: int | None = None) -> None:
        """A PDF has no meaningful floor: floor_ms and ratio stay empty."""
        ordered = sorted(times)
        rows.append(
            {
                "bench": "assessment_reports",
                "case": case,
                "median_ms": round(statistics.median(ordered) * 1000, 1),
                "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)
                if len(ordered) > 1
                else None,
                "floor_ms": None,
                "ratio": None,
                "queries": queries,
                "target": target,
            }
        )

    try:
        with transaction.atomic():
            seed(args.year, args.streets)
            period = periods.parse("year", str(args.year))
            scheme = Scheme.objects.get(year=args.year, level="city", region=None)
            chosen = reports.units("city")
            # One district's report: the level's data (one query), its version, PDF, xlsx.
            times = []
            for attempt in range(args.attempts):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    built = reports.build_level(scheme, chosen, period, {}, {})
                    unit = chosen[attempt]
                    report = services.ensure_version(
                        scheme, unit, built[(unit.kind, unit.key)], None
                    )
                    services.render(report)
                times.append(time.perf_counter() - started)
                print(
                    f"{unit.name}: {times[-1]:.2f} s (PDF {report.pdf.size // 1024} KB, xlsx {report.xlsx.size // 1024} KB)"
                )
            print(
                f"one district's annual report (PDF + xlsx): median {statistics.median(times):.2f} s (target ≤ 10 s)"
            )
            row(
                "one district's annual report (PDF + xlsx)",
                times,
                "≤ 10 s",
                len(queries.captured_queries),
            )
            AssessmentReport.objects.all().delete()

            run = ReportRun.objects.create(
                level="city", period_kind="year", period_code=str(args.year)
            )
            started = time.perf_counter()
            services.run_reports(run.pk)
            elapsed = time.perf_counter() - started
            run.refresh_from_db()
            print(
                f"city run: {run.done}/{run.total} reports (districts and regulators) and the bulletin "
                f"in {elapsed:.1f} s, {elapsed / max(run.done, 1):.2f} s each (target: 17 districts ≤ 180 s)"
            )
            row(f"city run: {run.done} reports and the bulletin", [elapsed], "≤ 180 s")
            region = chosen[0].region_id
            from portal.models import Region

            run = ReportRun.objects.create(
                level="district",
                region=Region.objects.get(pk=region),
                period_kind="year",
                period_code=str(args.year),
            )
            started = time.perf_counter()
            services.run_reports(run.pk)
            run.refresh_from_db()
            elapsed = time.perf_counter() - started
            print(
                f"one district's run of its streets and departments ({run.total}): {elapsed:.1f} s"
            )
            row(f"one district's run: {run.total} streets and departments", [elapsed])
            raise Rollback
    except Rollback:
        pass
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

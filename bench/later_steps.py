"""Server time of the pages of the workflow's later steps: verification,
publicity, announcements, their public pages and API lists.

Run after bench/queue_pages.py (same database; it adds the 20,000 bench
applications spread over every state):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_apps
    .venv/bin/python bench/queue_pages.py
    .venv/bin/python bench/later_steps.py

When the bench applications in publicity or announced have no publicity
batch or announcement yet, it adds them first with bulk inserts (bench data,
not the services): per receiving organisation, publicity batches of 20 and
announcements of 50 with their certificates (numbers from the same counter
as the services). Then, in-process through django.test.Client with DEBUG off,
as demo-district (朝阳区), demo-association and demo-city, and anonymously
for the public pages: warm-up, N timed requests, median and p95 ms and the
queries of one more request. Targets: every page at most 100 ms median and at
most 15 queries; the certificate API list at most 50 ms median.
--explain prints the plans of the certificate API's queries (PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time

from queue_pages import ROOT, USERS, explain, measure  # noqa: F401  (sets up the environment)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN ANALYZE the certificate API's queries (PostgreSQL)",
    )
    return parser.parse_args(argv)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def add_batches() -> None:
    """Publicity batches for the bench applications in publicity and
    announced, announcements and certificates for the announced ones."""
    from django.db import transaction
    from django.utils import timezone

    from certification.models import (
        AnnouncementBatch,
        Application,
        Certificate,
        PublicityBatch,
        PublicityItem,
        Status,
    )
    from certification.numbering import next_number
    from certification.publicity import rules as publicity
    from portal.models import User

    city = User.objects.get(username="demo-city")
    pending = (
        Application.objects.filter(
            status__in=[Status.PUBLICITY, Status.ANNOUNCED],
            publicity_items__isnull=True,
            # The Beijing seed's announced applications come with their certificates.
            certificate__isnull=True,
        )
        .select_related("industry")
        .order_by("receiver_id", "pk")
    )
    applications = list(pending)
    if not applications:
        return
    started = time.perf_counter()
    today = timezone.localdate()
    by_receiver: dict[int, list] = {}
    for application in applications:
        by_receiver.setdefault(application.receiver_id, []).append(application)
    with transaction.atomic():
        for receiver, group in by_receiver.items():
            year = today.year
            for chunk in chunks(group, 20):
                open_now = chunk[0].status == Status.PUBLICITY
                starts = today if open_now else today - datetime.timedelta(days=40)
                batch = PublicityBatch.objects.create(
                    organiser_id=receiver,
                    title=f"{year}年安全生产标准化公示（基准数据）",
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(days=9),
                    created_by=city,
                )
                PublicityItem.objects.bulk_create(
                    PublicityItem(batch=batch, application=a, tier=a.granted_tier or a.tier)
                    for a in chunk
                )
            announced = [a for a in group if a.status == Status.ANNOUNCED]
            for chunk in chunks(announced, 50):
                number = next_number(f"announcement:{receiver}:{year}")
                batch = AnnouncementBatch.objects.create(
                    organiser_id=receiver,
                    year=year,
                    number=number,
                    title=f"{year}年第{number}批",
                    announced_on=today,
                    created_by=city,
                )
                certificates = []
                for a in chunk:
                    seq = next_number(publicity.certificate_sequence_key(a, year))
                    certificates.append(
                        Certificate(
                            number=publicity.certificate_number(a, year, seq),
                            application=a,
                            enterprise_id=a.enterprise_id,
                            tier=a.granted_tier or a.tier,
                            industry_id=a.industry_id,
                            region_id=a.region_id,
                            street_id=a.street_id,
                            announcement=batch,
                            valid_from=today,
                            valid_until=publicity.valid_until(today),
                        )
                    )
                Certificate.objects.bulk_create(certificates)
    print(
        f"  publicity batches, announcements and certificates for {len(applications)} "
        f"applications added in {time.perf_counter() - started:.1f} s"
    )


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    args = parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from certification.models import (
        AnnouncementBatch,
        Application,
        Certificate,
        PublicityBatch,
    )
    from portal.models import User

    if not Application.objects.exists():
        sys.exit("Run bench/queue_pages.py first (it adds the bench applications).")
    add_batches()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{Application.objects.count()} applications, {PublicityBatch.objects.count()} "
        f"publicity batches, {AnnouncementBatch.objects.count()} announcements, "
        f"{Certificate.objects.count()} certificates. DEBUG={settings.DEBUG}. "
        f"{args.requests} requests after {args.warmup} warm-up."
    )
    largest = AnnouncementBatch.objects.order_by("-id").values_list("pk", flat=True).first()
    open_batch = (
        PublicityBatch.objects.order_by("-starts_on", "-id").values_list("pk", flat=True).first()
    )
    signed_in = [
        ("verification", "/applications/verification/"),
        ("publicity", "/applications/publicity/"),
        ("announcements", "/applications/announcements/"),
        ("API batches", "/api/v1/verification-batches/"),
        ("API publicity", "/api/v1/publicity-batches/"),
        ("API certs", "/api/v1/certificates/"),
    ]
    public = [
        ("public publicity", "/public/publicity/"),
        ("public batch", f"/public/publicity/{open_batch}/"),
        ("public announce", "/public/announcements/"),
        ("public ann. 50", f"/public/announcements/{largest}/"),
        ("public API", "/api/v1/public/announcements/"),
    ]
    print(
        f"\n{'case':<17} {'user':<17} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
    )

    targets = {"API certs": 50}
    to_explain = []
    rows = []

    def row(label, who, client, url):
        status, median, p95, queries, captured = measure(client, url, args.requests, args.warmup)
        figures = {"bench": "later_steps", "floor_ms": None, "ratio": None}
        if median is None:
            print(f"{label:<17} {who:<17} {status:>6}   (not measured)")
            rows.append(
                {
                    **figures,
                    "case": f"{label} ({who}): HTTP {status}",
                    "target": "",
                    "queries": None,
                }
            )
            return
        rows.append(
            {
                **figures,
                "case": f"{label} ({who})",
                "median_ms": median,
                "p95_ms": p95,
                "queries": queries,
                "target": f"≤ {targets.get(label, 100)} ms, ≤ 15 queries",
            }
        )
        if label == "API certs":
            to_explain.append((f"{label} as {who}", captured))
        over = median > targets.get(label, 100) or queries > 15
        flag = "  ← over target" if over else ""
        print(f"{label:<17} {who:<17} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}{flag}")

    for label, url in signed_in:
        for name in USERS:
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=name))
            row(label, name, client, url)
    for label, url in public:
        row(label, "anonymous", Client(raise_request_exception=False), url)
    if args.explain:
        for name, captured in to_explain:
            print(f"\nCertificate queries of {name}:")
            explain(captured, table="certification_certificate")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

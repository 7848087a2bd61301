"""Certificates per second of the PDF rendering (target: at least 5 per
second per worker process; a batch of 1,000 completes with progress and
without memory growth).

Runs in one process, as one Celery worker would: Celery eager, so
``issue_announcement_pdfs`` renders each certificate (certificate PDF +
plaque, certification/certificates/rendering.py) in turn, in this process. Inside
one transaction that is rolled back at the end (the database is left as it
was), it seeds the test cast (tests/cast.py), announces one certificate
through the real workflow, then adds N-1 certificates of other enterprises
to the same announcement with the ORM. The files go to a temporary
MEDIA_ROOT, deleted afterwards. It prints the progress (the batch's
counters) every --every certificates with the resident memory, then
certificates per second and the peak memory.

    .venv/bin/python bench/certificate_pdfs.py               # 200 certificates
    .venv/bin/python bench/certificate_pdfs.py --count 1000

Uses whatever database is configured (DATABASE_URL, or the SQLite file in
var/; migrated first). Without CERTIFICATE_SIGNING_KEY the QR codes are
signed with a throw-away key (said on stdout). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
MEDIA = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
os.environ["MEDIA_ROOT"] = str(MEDIA)


class Rollback(Exception):
    pass


def throwaway_key() -> None:
    if os.environ.get("CERTIFICATE_SIGNING_KEY"):
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = MEDIA / "signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.environ["CERTIFICATE_SIGNING_KEY"] = str(path)
    print(f"CERTIFICATE_SIGNING_KEY not set: signing with a throw-away key ({path})")


def rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1048576
    except OSError:
        return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def seed(count: int):
    """One announcement of ``count`` certificates (rolled back later)."""
    import time_machine

    from certification.models import Application, Certificate
    from certification.numbering import next_number
    from certification.publicity import rules as publicity
    from tests.cast import build_cast, make_enterprise
    from tests.certification.factories import make_tiered_version
    from tests.certification.test_publicity import AFTER, MONDAY, published

    cast = build_cast()
    version = make_tiered_version("bench-certificates")
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=1)
    with time_machine.travel(AFTER):
        batch = publicity.announcement_create(actor=cast.district, applications=apps)
    template = Application.objects.get(pk=apps[0].pk)
    first = Certificate.objects.get(application=template)
    year = batch.announced_on.year
    for n in range(1, count):
        enterprise = make_enterprise(
            f"北京朝阳第{n}精密机械有限公司", cast.chaoyang, 5000 + n, industry=template.industry
        )
        application = Application.objects.get(pk=template.pk)
        application.pk = None
        application.enterprise = enterprise
        application.save()
        seq = next_number(publicity.certificate_sequence_key(application, year))
        Certificate.objects.create(
            number=publicity.certificate_number(application, year, seq),
            application=application,
            enterprise=enterprise,
            tier=first.tier,
            industry_id=first.industry_id,
            announcement=batch,
            valid_from=first.valid_from,
            valid_until=first.valid_until,
        )
    return batch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="certificates in the batch")
    parser.add_argument(
        "--every",
        type=int,
        default=0,
        help="print progress every N certificates (default: count/10)",
    )
    args = parser.parse_args()
    throwaway_key()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from certification.certificates import rendering as certificate_pdf
    from certification.models import AnnouncementBatch, Certificate

    call_command("migrate", verbosity=0)
    every = args.every or max(1, args.count // 10)
    print(
        f"Database: {connection.vendor}; DEBUG={settings.DEBUG}; MEDIA_ROOT={MEDIA}; "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}."
    )
    try:
        with transaction.atomic():
            started = time.perf_counter()
            batch = seed(args.count)
            print(f"Seeded {args.count} certificates in {time.perf_counter() - started:.1f} s.")

            real = certificate_pdf.render_certificate
            state = {"n": 0, "first": None}

            def render(certificate_id):
                result = real(certificate_id)
                state["n"] += 1
                if state["n"] == 1:
                    state["first"] = time.perf_counter()  # fonts and CSS warm from here
                if state["n"] % every == 0 or state["n"] == args.count:
                    row = AnnouncementBatch.objects.get(pk=batch.pk)
                    elapsed = time.perf_counter() - started
                    print(
                        f"  {row.pdfs_done:>5} of {row.pdfs_total} done, {row.pdfs_failed} "
                        f"failed  {elapsed:7.1f} s  {state['n'] / elapsed:5.2f}/s  "
                        f"RSS {rss_mb():6.1f} MB"
                    )
                return result

            certificate_pdf.render_certificate = render
            rss_before = rss_mb()
            started = time.perf_counter()
            certificate_pdf.issue_announcement_pdfs(batch.pk)
            elapsed = time.perf_counter() - started
            warm = time.perf_counter() - state["first"]
            certificate_pdf.render_certificate = real
            batch.refresh_from_db()
            rendered = Certificate.objects.filter(
                announcement=batch, rendered_at__isnull=False
            ).count()
            files = sum(1 for p in MEDIA.rglob("*.pdf"))
            size = sum(p.stat().st_size for p in MEDIA.rglob("*.pdf"))
            print(
                f"\n{rendered} certificates rendered ({files} PDF files, "
                f"{size / files / 1024:.0f} KB each on average) in {elapsed:.1f} s: "
                f"{rendered / elapsed:.2f} certificates/s "
                f"({(rendered - 1) / warm:.2f}/s after the first, which loads the fonts)."
            )
            print(
                f"Counters: {batch.pdfs_done} of {batch.pdfs_total} done, "
                f"{batch.pdfs_failed} failed."
            )
            print(
                f"Memory: RSS {rss_before:.1f} MB before the batch, {rss_mb():.1f} MB after; "
                f"peak RSS {peak_mb():.1f} MB."
            )
            raise Rollback
    except Rollback:
        pass
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
    print("Everything seeded here was rolled back; the files were deleted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Server time of the public verification page /verify/<payload>/ (target:
at most 30 ms median), the verification API and the lookup by number.

Runs on whatever database is configured (DATABASE_URL, or the SQLite file
in var/), in-process through django.test.Client with DEBUG off, anonymously:
warm-up, N timed requests, median and p95 ms, and the queries of one more
request. Each request of the page and of the API counts a check (an UPDATE),
as in production. Needs at least one certificate, e.g. the demo one:

    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_standards
    DEBUG=true .venv/bin/python manage.py seed_demo --enterprises 200
    .venv/bin/python bench/verify_page.py

Without CERTIFICATE_SIGNING_KEY it signs with a throw-away key generated into
a temporary directory (said on stdout); the figures are the same.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
# The lookup is limited per address; the bench asks often from one.
os.environ.setdefault("CERTIFICATE_LOOKUP_LIMIT", "1000000")


def throwaway_key() -> None:
    if os.environ.get("CERTIFICATE_SIGNING_KEY"):
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(tempfile.mkdtemp(prefix="bench-verify-")) / "signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.environ["CERTIFICATE_SIGNING_KEY"] = str(path)
    print(f"CERTIFICATE_SIGNING_KEY not set: signing with a throw-away key ({path})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(call, requests: int, warmup: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = None
    for _ in range(max(1, warmup)):
        response = call()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return (
        response.status_code,
        statistics.median(timings),
        percentile(timings, 0.95),
        len(captured),
    )


TARGETS = {"page /verify/<payload>/": "≤ 30 ms"}


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure and print; the figures as rows for bench/run_all.py."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)

    throwaway_key()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from certification.certificates import signing as verify
    from certification.models import Certificate

    certificate = verify.public_certificates().order_by("pk").first()
    if certificate is None:
        sys.exit("No certificate in the database: run seed_demo first (see the docstring).")
    payload = verify.payload_for(certificate)
    client = Client()
    page_url = reverse("verify:payload", args=[payload])
    cases = [
        ("page /verify/<payload>/", lambda: client.get(page_url)),
        (
            "API POST public/verify/",
            lambda: client.post(
                "/api/v1/public/verify/", {"payload": payload}, content_type="application/json"
            ),
        ),
        (
            "page /verify/?number=",
            lambda: client.get(reverse("verify:lookup"), {"number": certificate.number}),
        ),
        (
            "API GET public/verify/?number=",
            lambda: client.get("/api/v1/public/verify/", {"number": certificate.number}),
        ),
        ("page /verify/public-key.pem", lambda: client.get(reverse("verify:public_key"))),
    ]
    print(
        f"{connection.vendor}, {Certificate.objects.count()} certificates, "
        f"payload {len(payload)} characters, {args.requests} requests each"
    )
    print(f"{'case':<34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    rows = []
    for name, call in cases:
        status, median, p95, queries = measure(call, args.requests, args.warmup)
        print(f"{name:<34} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}")
        rows.append(
            {
                "bench": "verify_page",
                "case": name if status == 200 else f"{name} (HTTP {status})",
                "median_ms": median,
                "p95_ms": p95,
                "floor_ms": None,
                "ratio": None,
                "queries": queries,
                "target": TARGETS.get(name, ""),
            }
        )
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

"""Certificate files on an S3-compatible store through django-storages.

The store is moto's S3 server, spoken to over HTTP by boto3 as a real bucket would be; the
storage options are the very ones portal/settings.py builds from the STORAGE_S3_* variables
(read from a fresh interpreter, as a deployment would load them).
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from certification.certificates import rendering as certificate_pdf
from tests.certification.test_certificate_pdf import announced

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "portal-certificates"
KEYS = {
    "STORAGE_S3_ACCESS_KEY": "portal",
    "STORAGE_S3_SECRET_KEY": "portal-secret",
    "STORAGE_S3_REGION": "us-east-1",
    "STORAGE_S3_PREFIX": "beijing",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _storages_from_environment(endpoint: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "STORAGE_S3_BUCKET")
    }
    env.update(KEYS, DEBUG="true", STORAGE_S3_BUCKET=BUCKET, STORAGE_S3_ENDPOINT_URL=endpoint)
    result = subprocess.run(
        [sys.executable, "-c", "import json, portal.settings as s; print(json.dumps(s.STORAGES))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def bucket(endpoint, settings):
    storages = _storages_from_environment(endpoint)
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="portal",
        aws_secret_access_key="portal-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = storages  # Django resets default_storage on this change
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client, prefix: str = "beijing/certificates/") -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return sorted(item["Key"] for item in listing)


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


def test_certificates_are_stored_in_the_bucket_and_downloaded_through_the_portal(
    cast, version, bucket, api_for
):
    _, (certificate,) = announced(cast, version, render=True)
    year = certificate.valid_from.year
    expected = [
        f"beijing/certificates/{year}/certificate-{certificate.pk}.pdf",
        f"beijing/certificates/{year}/plaque-{certificate.pk}.pdf",
    ]
    assert _keys(bucket) == expected
    # The application's materials went to the same bucket.
    assert _keys(bucket, f"beijing/applications/{certificate.application_id}/")

    response = api_for(cast.enterprise).get(f"/api/v1/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200  # the portal streams it: no bucket URL leaves
    data = b"".join(response.streaming_content)
    stored = bucket.get_object(Bucket=BUCKET, Key=expected[0])["Body"].read()
    assert data == stored
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert certificate.number in text

    # Out of scope stays out of scope, wherever the file lives.
    assert (
        api_for(cast.other_enterprise)
        .get(f"/api/v1/certificates/{certificate.pk}/pdf/")
        .status_code
        == 404
    )

    # Rendering again replaces the objects: still one certificate and one plaque.
    certificate_pdf.render_certificate(certificate.pk)
    assert _keys(bucket) == expected


def test_objects_are_private(cast, version, bucket):
    _, (certificate,) = announced(cast, version, render=True)
    certificate.refresh_from_db()
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=f"beijing/{certificate.pdf.name}")["Grants"]
    assert all("AllUsers" not in str(grant.get("Grantee")) for grant in grants)
    assert len(grants) == 1 and grants[0]["Permission"] == "FULL_CONTROL"

"""/api/v1/certificates/<id>/pdf/ and /plaque/ (scoped downloads) of one rendered
certificate; the rendering progress and retry of /api/v1/announcements/<id>/pdfs/ are
test_certificate_batches_api.py's."""

from __future__ import annotations

import copy
import io

import pytest
from django.test import override_settings
from pypdf import PdfReader

from tests.cast import build_cast
from tests.certification.factories import make_tiered_version
from tests.certification.test_certificate_pdf import announced


# One announced certificate with its PDF and plaque rendered (seconds of WeasyPrint),
# written once for the module (tests/conftest.py's module_db); every test reads it in
# its own savepoint.
@pytest.fixture(scope="module")
def rendered_once(module_db, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        cast = build_cast()
        _, (certificate,) = announced(cast, make_tiered_version(), render=True)
        yield cast, certificate


@pytest.fixture
def cast(rendered_once, db):
    return copy.deepcopy(rendered_once[0])


@pytest.fixture
def certificate(rendered_once, db):
    return copy.deepcopy(rendered_once[1])


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "kind,expected", [("pdf", "三级企业"), ("plaque", "安全生产标准化三级企业")]
)
def test_the_enterprise_downloads_its_files(cast, certificate, api_for, kind, expected):
    response = api_for(cast.enterprise).get(f"/api/v1/certificates/{certificate.pk}/{kind}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert expected in text and "北京朝阳精密机械有限公司" in text


@pytest.mark.parametrize(
    "who,code",
    [
        ("group", 200),
        ("district", 200),
        ("city", 200),
        ("enterprise_staff", 200),
        ("other_enterprise", 404),
        ("other_district", 404),
        ("reviewer", 404),
        ("regulator", 403),
        ("association", 403),
    ],
)
def test_the_scope_of_the_files(cast, certificate, api_for, who, code):
    client = api_for(getattr(cast, who))
    for kind in ("pdf", "plaque"):
        response = client.get(f"/api/v1/certificates/{certificate.pk}/{kind}/")
        assert response.status_code == code, (who, kind)


def test_anonymous_requests_are_refused(certificate, api):
    assert api.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 401

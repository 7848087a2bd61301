"""/api/v1/certificates/<id>/pdf/ and /plaque/ (scoped downloads), and
/api/v1/announcements/<id>/pdfs/ (rendering progress, retry)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from certification.certificates import rendering as certificate_pdf
from tests.certification.test_certificate_pdf import _failing_for, announced


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "kind,expected", [("pdf", "三级企业"), ("plaque", "安全生产标准化三级企业")]
)
def test_the_enterprise_downloads_its_files(cast, version, api_for, kind, expected):
    _, (certificate,) = announced(cast, version, render=True)
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
def test_the_scope_of_the_files(cast, version, api_for, who, code):
    _, (certificate,) = announced(cast, version, render=True)
    client = api_for(getattr(cast, who))
    for kind in ("pdf", "plaque"):
        response = client.get(f"/api/v1/certificates/{certificate.pk}/{kind}/")
        assert response.status_code == code, (who, kind)


def test_anonymous_requests_are_refused(cast, version, api):
    _, (certificate,) = announced(cast, version, render=True)
    assert api.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 401


def test_not_rendered_yet_is_404_saying_so(cast, version, api_for):
    _, (certificate,) = announced(cast, version)
    response = api_for(cast.enterprise).get(f"/api/v1/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 404
    assert "being prepared" in response.json()["detail"]


def test_batch_progress_and_retry(
    cast, version, api_for, monkeypatch, django_capture_on_commit_callbacks
):
    batch, certificates = announced(cast, version, count=2)
    _failing_for(monkeypatch, {certificates[1].pk})
    certificate_pdf.issue_announcement_pdfs(batch.pk)
    client = api_for(cast.district)
    url = f"/api/v1/announcements/{batch.pk}/pdfs/"
    data = client.get(url).json()
    assert (data["total"], data["done"], data["failed"]) == (2, 1, 1)
    assert data["failures"] == [
        {"id": certificates[1].pk, "number": certificates[1].number, "error": "OSError: disk full"}
    ]

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "retry/")
    assert response.status_code == 202
    data = client.get(url).json()
    assert (data["total"], data["done"], data["failed"], data["failures"]) == (2, 2, 0, [])


def test_who_sees_and_retries_a_batch(cast, version, api_for):
    batch, _ = announced(cast, version)
    url = f"/api/v1/announcements/{batch.pk}/pdfs/"
    assert api_for(cast.city).get(url).status_code == 200
    assert api_for(cast.city).post(url + "retry/").status_code == 403  # reads only
    assert api_for(cast.enterprise).get(url).status_code == 403
    assert api_for(cast.enterprise).post(url + "retry/").status_code == 403
    assert api_for(cast.other_district).get(url).status_code == 404
    assert api_for(cast.other_district).post(url + "retry/").status_code == 404
    assert api_for(cast.association).get(url).status_code == 404

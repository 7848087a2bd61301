"""/api/v1/announcements/<id>/pdfs/ (rendering progress, retry), and a certificate
whose files are not rendered yet; each test announces its own certificates."""

from __future__ import annotations

import pytest

from certification.certificates import rendering as certificate_pdf
from tests.certification.test_certificate_pdf import _failing_for, announced


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


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

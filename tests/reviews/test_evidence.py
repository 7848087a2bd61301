"""Evidence files on a self-assessment row: type from the content, size limit,
SHA-256, versions on re-upload, and downloads only for who may see the assessment."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from reviews import services
from reviews.models import Evidence
from tests.reviews.test_assessment_pages import (  # noqa: F401 (fresh_specs: autouse)
    HTMX,
    answer_all,
    fresh_specs,
    make_version,
    row,
    start,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
    b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18"
    b"\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def assessment(cast):
    return start(cast, make_version(), team_leader="张伟")


def post_files(client, target, *files):
    return client.post(
        f"/assessments/{target.assessment_id}/rows/{target.pk}/evidence/",
        {"files": list(files)},
        headers=HTMX,
    )


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_a_real_png_named_pdf_is_stored_as_png_with_its_sha256(
    cast, assessment, client_for, media_in_tmp
):
    target = row(assessment, "1.1.1")
    response = post_files(client_for(cast.enterprise), target, upload("制度.pdf", PNG))
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.row == target
    assert evidence.content_type == "image/png"
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (evidence.original_name, evidence.file_version, evidence.size) == (
        "制度.pdf",
        1,
        len(PNG),
    )
    html = response.content.decode()
    assert f'id="evidence-{target.pk}"' in html and "制度.pdf" in html and "v1" in html
    assert f'href="/assessments/{assessment.pk}/evidence/{evidence.pk}/"' in html
    assert [path.read_bytes() for path in stored_files(media_in_tmp)] == [PNG]


def test_docx_and_pdf_are_accepted_in_one_upload(cast, assessment, client_for):
    target = row(assessment, "1.1.1")
    response = post_files(
        client_for(cast.enterprise), target, upload("记录.docx", docx()), upload("证书.pdf", PDF)
    )
    assert response.status_code == 200
    assert dict(Evidence.objects.values_list("original_name", "content_type")) == {
        "证书.pdf": "application/pdf",
        "记录.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(
    cast, assessment, client_for, english, media_in_tmp
):
    target = row(assessment, "1.1.1")
    response = post_files(client_for(cast.enterprise), target, upload("制度.pdf", EXE))
    assert response.status_code == 422
    assert (
        "is not a PDF, JPG, PNG, DOCX or XLSX file (checked from its content)"
        in response.content.decode()
    )
    assert "制度.pdf" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(media_in_tmp) == []


def test_one_bad_file_in_a_batch_stores_none_of_them(
    cast, assessment, client_for, english, media_in_tmp
):
    target = row(assessment, "1.1.1")
    response = post_files(
        client_for(cast.enterprise), target, upload("a.png", PNG), upload("b.pdf", EXE)
    )
    assert response.status_code == 422
    assert not Evidence.objects.exists()
    assert stored_files(media_in_tmp) == []


@override_settings(EVIDENCE_MAX_BYTES=1024 * 1024)
def test_an_oversized_file_is_refused_with_the_limit(cast, assessment, client_for, english):
    target = row(assessment, "1.1.1")
    big = PDF + b"0" * (1024 * 1024)
    response = post_files(client_for(cast.enterprise), target, upload("大文件.pdf", big))
    assert response.status_code == 422
    assert "the limit is 1 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_no_file_chosen_says_so(cast, assessment, client_for, english):
    response = post_files(client_for(cast.enterprise), row(assessment, "1.1.1"))
    assert response.status_code == 422
    assert "Choose a file to upload." in response.content.decode()


def test_a_reupload_keeps_both_versions_and_each_downloads(cast, assessment, client_for):
    client = client_for(cast.enterprise)
    target = row(assessment, "1.1.1")
    post_files(client, target, upload("制度.pdf", PDF))
    second = PDF.replace(b"1.4", b"1.7")
    response = post_files(client, target, upload("制度.pdf", second))
    assert response.status_code == 200
    first_version, second_version = Evidence.objects.order_by("file_version")
    assert (first_version.file_version, second_version.file_version) == (1, 2)
    assert first_version.sha256 != second_version.sha256
    html = response.content.decode()
    assert "v1" in html and "v2" in html
    for evidence, content in ((first_version, PDF), (second_version, second)):
        download = client.get(f"/assessments/{assessment.pk}/evidence/{evidence.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content


def test_the_download_is_an_attachment_under_the_original_name(cast, assessment, client_for):
    client = client_for(cast.enterprise)
    post_files(client, row(assessment, "1.1.1"), upload("安全生产制度.pdf", PDF))
    evidence = Evidence.objects.get()
    response = client.get(f"/assessments/{assessment.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%AE%89%E5%85%A8" in disposition
    # The page links to the download view, never to MEDIA_URL.
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert f"/assessments/{assessment.pk}/evidence/{evidence.pk}/" in page
    assert "/media/" not in page


def test_uploads_after_submission_are_refused(cast, assessment, client_for, english):
    answer_all(assessment)
    services.assessment_submit(actor=cast.enterprise, assessment=assessment)
    response = post_files(
        client_for(cast.enterprise), row(assessment, "1.1.1"), upload("a.pdf", PDF)
    )
    assert response.status_code == 409
    assert "can no longer change" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.fixture
def with_file(cast, assessment, client_for):
    post_files(client_for(cast.enterprise), row(assessment, "1.1.1"), upload("制度.pdf", PDF))
    return assessment, Evidence.objects.get()


@pytest.mark.parametrize(
    "who", ["other_enterprise", "reviewer", "district", "city", "other_district", "regulator"]
)
def test_the_file_of_a_draft_is_hidden_from_everyone_else(cast, client_for, with_file, who):
    assessment, evidence = with_file
    response = client_for(getattr(cast, who)).get(
        f"/assessments/{assessment.pk}/evidence/{evidence.pk}/"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("district", 200),
        ("city", 200),
        ("regulator", 200),
        ("group", 200),
        ("reviewer", 404),
        ("other_district", 404),
        ("other_enterprise", 404),
    ],
)
def test_the_file_of_a_submitted_one_follows_the_assessments_scope(
    cast, client_for, with_file, who, status
):
    assessment, evidence = with_file
    answer_all(assessment)
    services.assessment_submit(actor=cast.enterprise, assessment=assessment)
    response = client_for(getattr(cast, who)).get(
        f"/assessments/{assessment.pk}/evidence/{evidence.pk}/"
    )
    assert response.status_code == status


def test_an_evidence_id_under_another_assessment_is_not_found(cast, client_for, with_file):
    assessment, evidence = with_file
    other = start(cast, assessment.version)
    response = client_for(cast.enterprise).get(f"/assessments/{other.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 404


def test_another_enterprise_cannot_upload_to_a_row(cast, assessment, client_for):
    target = row(assessment, "1.1.1")
    response = post_files(client_for(cast.other_enterprise), target, upload("a.pdf", PDF))
    assert response.status_code == 404
    assert not Evidence.objects.exists()

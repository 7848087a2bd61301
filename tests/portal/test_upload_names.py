"""A download is named after the type found in its content, never after the name it was
uploaded under: evil.html holding a PDF downloads as evil.pdf."""

from __future__ import annotations

import pytest

from portal.files import download_name
from reviews.models import Evidence
from tests.reviews.test_assessment_pages import make_version, row, start
from tests.reviews.test_evidence import (  # noqa: F401 (autouse fixtures)
    PDF,
    PNG,
    fresh_specs,
    media_in_tmp,
    post_files,
    upload,
)


@pytest.fixture
def evidence_assessment(cast):
    return start(cast, make_version(), team_leader="张伟")


@pytest.mark.parametrize(
    ("uploaded", "content", "served"),
    [
        ("evil.html", PDF, "evil.pdf"),
        ("photo.svg", PNG, "photo.png"),
        ("制度.pdf", PDF, "制度.pdf"),
    ],
)
def test_an_evidence_download_is_named_after_its_detected_type(
    cast, evidence_assessment, client_for, uploaded, content, served
):
    assessment = evidence_assessment
    client = client_for(cast.enterprise)
    post_files(client, row(assessment, "1.1.1"), upload(uploaded, content))
    evidence = Evidence.objects.get()

    response = client.get(f"/assessments/{assessment.pk}/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] in ("application/pdf", "image/png")
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".html" not in disposition and ".svg" not in disposition
    assert served.rsplit(".", 1)[1] in disposition
    if served.isascii():
        assert f'filename="{served}"' in disposition


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("evil.html", "application/pdf", "evil.pdf"),
        ("report.final.HTML", "application/pdf", "report.final.pdf"),
        ("no-extension", "image/png", "no-extension.png"),
        ("../../etc/passwd.xlsx", "image/jpeg", "passwd.jpg"),
        ("C:\\Users\\li\\evil.exe", "application/pdf", "evil.pdf"),
        (".htaccess", "application/pdf", "file.pdf"),
        ("", "application/pdf", "file.pdf"),
        ("weird.bin", "text/html", "weird.bin"),
    ],
)
def test_download_name_keeps_the_stem_and_takes_the_extension_of_the_type(
    name, content_type, expected
):
    assert download_name(name, content_type) == expected

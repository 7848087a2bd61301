"""Every uploaded file is stored the same way: under its SHA-256 with the type found in
its content, recorded under its own name even when a Windows browser sent the whole path."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hazards.models import HazardPhoto
from portal.files import store_upload, upload_name
from reviews import services as reviews
from reviews.models import Evidence
from tests.hazards.factories import record
from tests.reviews.test_assessment_pages import make_version, row, start
from tests.reviews.test_evidence import (  # noqa: F401 (autouse fixtures)
    PDF,
    PNG,
    fresh_specs,
    media_in_tmp,
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/html")


@pytest.mark.parametrize(
    ("sent", "recorded"),
    [
        ("C:\\fakepath\\现场照片.png", "现场照片.png"),
        ("D:\\隐患\\2024/冲床.png", "冲床.png"),
        ("../../etc/passwd", "passwd"),
        ("plain.pdf", "plain.pdf"),
    ],
)
def test_the_name_recorded_is_the_files_own_without_its_folders(sent, recorded):
    assert upload_name(upload(sent, PNG)) == recorded


def test_a_name_is_cut_to_the_length_asked_for():
    assert upload_name(upload("C:\\fakepath\\abcdef.pdf", PDF), 3) == "abc"


def test_a_stored_upload_is_named_by_its_digest_and_records_what_was_sent(cast, media_in_tmp):  # noqa: F811
    hazard = record(cast)

    photo = store_upload(
        HazardPhoto(hazard=hazard, kind=HazardPhoto.Kind.BEFORE),
        upload("C:\\fakepath\\冲床.png", PNG),
        detected="png",
        uploaded_by=cast.enterprise,
    )

    digest = hashlib.sha256(PNG).hexdigest()
    photo = HazardPhoto.objects.get(pk=photo.pk)
    assert photo.hazard == hazard
    assert photo.original_name == "冲床.png"
    # The type found in the content, never the one the browser claimed.
    assert photo.content_type == "image/png"
    assert photo.size == len(PNG)
    assert photo.sha256 == digest
    assert photo.uploaded_by == cast.enterprise
    assert photo.file.name.rsplit("/", 1)[-1] == f"{digest}.png"
    with photo.file.open("rb") as stored:
        assert stored.read() == PNG


def test_a_long_name_is_kept_within_the_field(cast, media_in_tmp):  # noqa: F811
    limit = HazardPhoto._meta.get_field("original_name").max_length
    photo = store_upload(
        HazardPhoto(hazard=record(cast), kind=HazardPhoto.Kind.AFTER),
        upload("C:\\fakepath\\" + "长" * (limit + 20) + ".pdf", PDF),
        detected="pdf",
        uploaded_by=cast.enterprise,
    )

    assert len(photo.original_name) <= limit
    assert set(photo.original_name.removesuffix(".pdf")) == {"长"}
    assert photo.file.name.endswith(f"{hashlib.sha256(PDF).hexdigest()}.pdf")


def test_evidence_from_a_windows_path_is_a_new_version_of_the_same_name(cast, media_in_tmp):  # noqa: F811
    target = row(start(cast, make_version(), team_leader="张伟"), "1.1.1")

    first = reviews.evidence_add(actor=cast.enterprise, row=target, upload=upload("制度.pdf", PDF))
    second = reviews.evidence_add(
        actor=cast.enterprise, row=target, upload=upload("C:\\fakepath\\制度.pdf", PDF + b"\n")
    )

    assert [e.original_name for e in Evidence.objects.order_by("pk")] == ["制度.pdf", "制度.pdf"]
    assert (first.file_version, second.file_version) == (1, 2)
    assert first.sha256 != second.sha256

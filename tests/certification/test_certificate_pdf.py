"""Certificate and plaque PDFs (certification/certificates/rendering.py) through the
restricted WeasyPrint pipeline (certification/certificates/pdf.py): content, print
numbers, idempotency, batch progress with failures and resuming, the pages
(progress, retry, downloads and their scope) and the report PDFs."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import segno
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from certification.certificates import pdf
from certification.certificates import rendering as certificate_pdf
from certification.certificates import signing as verify
from certification.models import AnnouncementBatch, Certificate, PdfJob
from certification.publicity import rules as publicity
from certification.tasks import issue_announcement_pdfs_task, render_certificate_task
from portal.models import AuditEvent
from tests.certification.factories import reported_application, submitted_assessment
from tests.certification.test_publicity import AFTER, MONDAY, new_enterprise, published

A4_LANDSCAPE = (841.89, 595.28)
A3_LANDSCAPE = (1190.55, 841.89)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


def announced(cast, version, count: int = 1, *, render: bool = False):
    """``count`` level-3 certificates of 朝阳区 announced by cast.district;
    rendered (the on-commit task, eager) when ``render``."""
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=count)
    with time_machine.travel(AFTER):
        batch = publicity.announcement_create(actor=cast.district, applications=apps)
    if render:
        issue_announcement_pdfs_task.delay(batch.pk)
    batch.refresh_from_db()
    return batch, list(batch.certificates.order_by("pk"))


def text_of(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages), reader


def size_of(page) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "certificates").rglob("*") if p.is_file())


# --- the documents -------------------------------------------------------------------------


def test_announcing_renders_the_certificates_once_it_commits(
    cast, version, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=2)
    with time_machine.travel(AFTER), django_capture_on_commit_callbacks(execute=True):
        batch = publicity.announcement_create(actor=cast.district, applications=apps)
    batch.refresh_from_db()
    assert (batch.pdfs_total, batch.pdfs_done, batch.pdfs_failed) == (2, 2, 0)
    certificates = list(batch.certificates.all())
    assert all(
        c.rendered_at and c.pdf and c.plaque_pdf and not c.render_error for c in certificates
    )
    numbers = [c.print_number for c in certificates]
    assert len(set(numbers)) == 2
    assert all(certificate_pdf.is_valid_print_number(n) for n in numbers)


def test_the_certificate_says_what_it_certifies(cast, version):
    _, (certificate,) = announced(cast, version, render=True)
    certificate.refresh_from_db()
    text, reader = text_of(certificate.pdf.read())
    assert len(reader.pages) == 1
    assert size_of(reader.pages[0]) == A4_LANDSCAPE
    for expected in (
        "安全生产标准化证书",
        "北京朝阳精密机械有限公司",
        cast.ent.uscc,
        "三级企业",
        "京AQBJXⅢ202600001",
        "有效期",
        "2029年3月",
        "朝阳区人民政府",
        "2026年3月12日",
        "机械",
        certificate.print_number,
    ):
        assert expected in text, expected

    plaque_text, plaque = text_of(certificate.plaque_pdf.read())
    assert size_of(plaque.pages[0]) == A3_LANDSCAPE
    for expected in (
        "北京朝阳精密机械有限公司",
        "安全生产标准化三级企业",
        "朝阳区人民政府",
        "2026",
        "京AQBJXⅢ202600001",
    ):
        assert expected in plaque_text, expected


def _bitmap(data: bytes, dpi: int = 24):
    """Page 1 as poppler prints it (an RGB Pillow image)."""
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def _share(image, box, test) -> float:
    """The share of the pixels inside ``box`` (fractions of the page) passing ``test``."""
    width, height = image.size
    left, top, right, bottom = box
    region = image.crop(
        (int(left * width), int(top * height), int(right * width), int(bottom * height))
    )
    colours = region.getcolors(maxcolors=region.width * region.height)
    return sum(count for count, rgb in colours if test(*rgb)) / (region.width * region.height)


def _red(r, g, b):
    return r > 120 and g < 70 and b < 70


def _dark(r, g, b):
    return r + g + b < 200


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_pages_look_as_designed(cast, version):
    """The layout as printed: a white certificate with a gold frame, the red title at the
    top, the QR code at the bottom right; a red plaque."""
    _, (certificate,) = announced(cast, version, render=True)
    certificate.refresh_from_db()
    page = _bitmap(certificate.pdf.read())
    assert page.width > page.height  # landscape
    assert _share(page, (0.2, 0.3, 0.8, 0.7), lambda r, g, b: r + g + b > 700) > 0.8
    assert _share(page, (0.3, 0.1, 0.7, 0.2), _red) > 0.03  # the title
    assert _share(page, (0.3, 0.1, 0.7, 0.2), _red) > _share(page, (0.3, 0.8, 0.7, 0.9), _red)
    assert _share(page, (0.8, 0.65, 0.95, 0.85), _dark) > 0.25  # the QR code's modules
    assert _share(page, (0.0, 0.3, 0.1, 0.7), _dark) < 0.02  # the margin stays clear
    gold = _share(page, (0.0, 0.0, 1.0, 0.06), lambda r, g, b: r > 150 and b < 110 and g > 100)
    assert gold > 0.05  # the frame
    plaque = _bitmap(certificate.plaque_pdf.read())
    assert plaque.width > plaque.height
    assert _share(plaque, (0, 0, 1, 1), _red) > 0.6


def _fonts(path) -> set[str]:
    reader = PdfReader(path)
    return {
        str(font["/BaseFont"]).split("+", 1)[-1]
        for font in (f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values())
    }


def test_the_text_is_set_in_the_cjk_serif_face(cast, version):
    """Noto Serif CJK SC, cut down to GB 2312 once per machine (pdf.font_faces)."""
    _, (certificate,) = announced(cast, version, render=True)
    certificate.refresh_from_db()
    expected = (
        {"Portal-Serif", "Portal-Serif-Bold"}
        if pdf.font_faces()
        else {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}
    )
    assert _fonts(certificate.pdf.path) == expected
    subset = pdf.font_faces()
    if subset:
        from fontTools.ttLib import TTFont

        font = TTFont(subset["normal"])
        assert font["name"].getDebugName(1) == "Noto Serif CJK SC"
        assert ord("京") in font.getBestCmap() and ord("Ⅲ") in font.getBestCmap()


def test_a_rare_character_still_prints_from_the_full_font(cast, version):
    """珺 is not in GB 2312: it comes from Noto Serif CJK SC itself."""
    _, (certificate,) = announced(cast, version)
    cast.ent.name = "北京珺瑶精密机械有限公司"
    cast.ent.save(update_fields=["name"])
    certificate_pdf.render_certificate(certificate.pk)
    certificate.refresh_from_db()
    assert "北京珺瑶精密机械有限公司" in text_of(certificate.pdf.read())[0]
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in _fonts(certificate.pdf.path))


def test_the_small_firm_standard_reads_pass(cast, version):
    _, (certificate,) = announced(cast, version)
    Certificate.objects.filter(pk=certificate.pk).update(tier="pass")
    certificate_pdf.render_certificate(certificate.pk)
    certificate.refresh_from_db()
    text, _ = text_of(certificate.pdf.read())
    assert "小微企业达标" in text and "三级" not in text
    assert "安全生产标准化小微企业达标" in text_of(certificate.plaque_pdf.read())[0]


def test_the_qr_code_carries_the_signed_verification_url(cast, version):
    _, (certificate,) = announced(cast, version)
    certificate = certificate_pdf._loaded(certificate.pk)
    context = certificate_pdf.certificate_context(certificate)
    url = context["verification_url"]
    assert url == verify.verification_url(certificate)
    # The image is segno's SVG of exactly that URL (no QR decoder is
    # installed here: the symbol is compared with segno's own encoding).
    assert context["qr"] == segno.make(url, error="m", micro=False).svg_data_uri(
        border=4, dark="#000"
    )
    assert context["qr"].startswith("data:image/svg+xml")
    payload = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    assert verify.verify_payload(payload).number == certificate.number


def test_rendering_twice_leaves_one_file_of_each(cast, version, settings):
    _, (certificate,) = announced(cast, version)
    certificate_pdf.render_certificate(certificate.pk)
    certificate.refresh_from_db()
    first = (certificate.print_number, certificate.rendered_at, certificate.pdf.name)
    certificate_pdf.render_certificate(certificate.pk)
    render_certificate_task.apply(args=[certificate.pk], kwargs={"force": True})
    certificate.refresh_from_db()
    files = media_files(Path(settings.MEDIA_ROOT))
    assert [f.name for f in files] == [
        f"certificate-{certificate.pk}.pdf",
        f"plaque-{certificate.pk}.pdf",
    ]
    assert certificate.print_number == first[0]  # never changes
    assert certificate.pdf.name == first[2]
    assert certificate.rendered_at > first[1]
    batch = certificate_pdf.recount(certificate.announcement_id)
    assert (batch.pdfs_total, batch.pdfs_done) == (1, 1)


# --- print numbers -------------------------------------------------------------------------


def test_print_numbers_are_consecutive_with_an_iso_7064_check_digit(db):
    numbers = [certificate_pdf.new_print_number() for _ in range(3)]
    assert [n[:9] for n in numbers] == ["000000001", "000000002", "000000003"]
    assert all(certificate_pdf.is_valid_print_number(n) for n in numbers)
    # ISO/IEC 7064 MOD 11-10 reference value: 0794 → check digit 5.
    assert certificate_pdf.mod11_10_check_digit("0794") == "5"


@pytest.mark.parametrize("body", ["000000001", "123456789", "902718463", "555000999"])
def test_the_check_digit_catches_typos_and_swapped_neighbours(body):
    number = body + certificate_pdf.mod11_10_check_digit(body)
    for position, digit in itertools.product(range(10), "0123456789"):
        wrong = number[:position] + digit + number[position + 1 :]
        if wrong != number:
            assert not certificate_pdf.is_valid_print_number(wrong), wrong
    for position in range(9):
        swapped = (
            number[:position] + number[position + 1] + number[position] + number[position + 2 :]
        )
        if swapped != number:
            assert not certificate_pdf.is_valid_print_number(swapped), swapped


# --- the restricted fetcher ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        f"file://{settings.BASE_DIR}/portal/settings.py",
        f"file://{settings.BASE_DIR}/.env",
        "data:text/html,<script>alert(1)</script>",
        "file:///static/does-not-exist.css",
    ],
)
def test_the_fetcher_refuses_anything_outside_the_projects_static_files(url):
    fetcher = pdf.restricted_fetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files_and_generated_images():
    fetcher = pdf.restricted_fetcher()
    css = fetcher.fetch("file:///static/css/pdf/base.css")
    assert b"Noto Serif CJK SC" in css.read()
    on_disk = fetcher.fetch((Path(settings.BASE_DIR) / "static/css/pdf/base.css").as_uri())
    assert b"WenQuanYi Micro Hei" in on_disk.read()
    image = fetcher.fetch(pdf.qr_data_uri("https://example.org/x"))
    assert image.content_type == "image/svg+xml" and b"<svg" in image.read()


def test_a_document_asking_for_outside_resources_renders_without_them(tmp_path):
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://example.com/a.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<p>证书</p><img src="https://example.com/track.png">'
        '<img src="/static/../../../etc/hostname"></body></html>'
    )
    fetcher = pdf.restricted_fetcher()
    data = pdf.html_to_pdf(html, fetcher=fetcher)
    assert "证书" in text_of(data)[0]
    assert set(fetcher.refused) == {
        "http://example.com/a.css",
        "file:///etc/passwd",
        "https://example.com/track.png",
        "file:///etc/hostname",
    }


# --- batches ---------------------------------------------------------------------------------


def _failing_for(monkeypatch, certificate_ids: set[int]):
    real = certificate_pdf.render_certificate_pdfs
    calls = []

    def render(certificate):
        calls.append(certificate.pk)
        if certificate.pk in certificate_ids:
            raise OSError("disk full")
        return real(certificate)

    monkeypatch.setattr(certificate_pdf, "render_certificate_pdfs", render)
    return calls


def test_progress_counts_failures_and_a_retry_renders_only_what_failed(cast, version, monkeypatch):
    batch, certificates = announced(cast, version, count=3)
    broken = certificates[1]
    calls = _failing_for(monkeypatch, {broken.pk})
    issue_announcement_pdfs_task.delay(batch.pk)
    batch.refresh_from_db()
    assert (batch.pdfs_total, batch.pdfs_done, batch.pdfs_failed) == (3, 2, 1)
    broken.refresh_from_db()
    assert broken.render_error == "OSError: disk full" and broken.rendered_at is None
    assert not broken.pdf

    assert calls == [c.pk for c in certificates]
    monkeypatch.undo()  # the disk has room again
    calls = _failing_for(monkeypatch, set())
    assert certificate_pdf.issue_announcement_pdfs(batch.pk) == 1
    assert calls == [broken.pk]
    batch.refresh_from_db()
    broken.refresh_from_db()
    assert (batch.pdfs_total, batch.pdfs_done, batch.pdfs_failed) == (3, 3, 0)
    assert broken.render_error == "" and broken.pdf


def test_a_resumed_batch_renders_only_what_is_missing(cast, version, monkeypatch):
    """A worker killed in the middle: the certificates it finished keep their
    files; the batch, started again, renders the rest and counts right."""
    batch, certificates = announced(cast, version, count=3)
    certificate_pdf.render_certificate(certificates[0].pk)  # before the "kill"
    calls = _failing_for(monkeypatch, set())
    assert certificate_pdf.issue_announcement_pdfs(batch.pk) == 2
    assert calls == [certificates[1].pk, certificates[2].pk]
    # The task of the killed worker is delivered again (late acknowledgement):
    # nothing is rendered twice and nothing counted twice.
    render_certificate_task.apply(args=[certificates[2].pk])
    assert certificate_pdf.issue_announcement_pdfs(batch.pk) == 0
    batch.refresh_from_db()
    assert (batch.pdfs_total, batch.pdfs_done, batch.pdfs_failed) == (3, 3, 0)
    assert len(calls) == 2
    assert len(media_files(Path(settings.MEDIA_ROOT))) == 6


def test_the_render_task_acknowledges_late_and_retries():
    assert render_certificate_task.acks_late is True
    assert render_certificate_task.reject_on_worker_lost is True
    assert render_certificate_task.max_retries >= 3
    assert issue_announcement_pdfs_task.acks_late is True


def test_revocation_announcements_render_nothing(cast, version):
    batch, _ = announced(cast, version)
    AnnouncementBatch.objects.filter(pk=batch.pk).update(kind=AnnouncementBatch.Kind.REVOCATION)
    assert certificate_pdf.issue_announcement_pdfs(batch.pk) == 0


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_announcements_page_shows_progress_failures_and_retry(cast, version, en, monkeypatch):
    batch, certificates = announced(cast, version, count=2)
    _failing_for(monkeypatch, {certificates[0].pk})
    issue_announcement_pdfs_task.delay(batch.pk)
    en.force_login(cast.district)
    page = en.get(reverse("certification:announcements")).content.decode()
    assert "1 of 2" in page and "1 failed" in page
    assert "OSError: disk full" in page and certificates[0].number in page
    assert 'data-testid="pdf-retry"' in page

    monkeypatch.undo()
    response = en.post(reverse("certification:announcement_pdfs_retry", args=[batch.pk]))
    assert response.status_code == 302
    # Eager Celery runs the task when the request's transaction commits.
    batch.refresh_from_db()
    assert AuditEvent.objects.filter(action="certificate.pdf.retry", object_id=batch.pk).exists()
    fragment = en.get(reverse("certification:announcement_pdfs", args=[batch.pk]))
    assert fragment.status_code == 200


def test_the_city_office_reads_progress_but_does_not_retry(cast, version, client_for, monkeypatch):
    batch, certificates = announced(cast, version)
    _failing_for(monkeypatch, {certificates[0].pk})
    issue_announcement_pdfs_task.delay(batch.pk)
    client = client_for(cast.city)
    page = client.get(reverse("certification:announcements")).content.decode()
    assert 'data-testid="pdf-failures"' in page and 'data-testid="pdf-retry"' not in page
    url = reverse("certification:announcement_pdfs_retry", args=[batch.pk])
    assert client.post(url).status_code == 403


def test_other_organisations_cannot_see_or_retry_a_batch(cast, version, client_for):
    batch, _ = announced(cast, version)
    client = client_for(cast.other_district)
    assert (
        client.post(reverse("certification:announcement_pdfs_retry", args=[batch.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("certification:announcement_pdfs", args=[batch.pk])).status_code == 404
    )
    client = client_for(cast.enterprise)
    assert (
        client.get(reverse("certification:announcement_pdfs", args=[batch.pk])).status_code == 403
    )


def test_the_enterprise_downloads_its_certificate_and_plaque(cast, version, en):
    _, (certificate,) = announced(cast, version, render=True)
    en.force_login(cast.enterprise)
    page = en.get(reverse("certification:detail", args=[certificate.application_id]))
    html = page.content.decode()
    pdf_url = reverse("certification:certificate_download", args=[certificate.pk, "pdf"])
    plaque_url = reverse("certification:certificate_download", args=[certificate.pk, "plaque"])
    assert pdf_url in html and plaque_url in html
    response = en.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "北京朝阳精密机械有限公司" in text_of(b"".join(response.streaming_content))[0]
    plaque = en.get(plaque_url)
    assert plaque.status_code == 200
    assert "安全生产标准化三级企业" in text_of(b"".join(plaque.streaming_content))[0]


def test_the_panel_says_when_the_pdf_is_not_ready(cast, version, en):
    _, (certificate,) = announced(cast, version)
    en.force_login(cast.enterprise)
    html = en.get(
        reverse("certification:detail", args=[certificate.application_id])
    ).content.decode()
    assert 'data-testid="certificate-preparing"' in html
    url = reverse("certification:certificate_download", args=[certificate.pk, "pdf"])
    assert en.get(url).status_code == 404


@pytest.mark.parametrize(
    "who", ["enterprise", "enterprise_staff", "group", "district", "district_staff", "city"]
)
def test_downloads_in_scope(cast, version, client_for, who):
    _, (certificate,) = announced(cast, version, render=True)
    client = client_for(getattr(cast, who))
    for kind in ("pdf", "plaque"):
        url = reverse("certification:certificate_download", args=[certificate.pk, kind])
        assert client.get(url).status_code == 200, (who, kind)


@pytest.mark.parametrize(
    "who,code",
    [
        ("other_enterprise", 404),
        ("other_district", 404),
        ("other_regulator", 404),
        ("association", 403),
        ("regulator", 403),
    ],
)
def test_downloads_out_of_scope(cast, version, client_for, who, code):
    """Outside the certificate's registry scope 404; regulators and organising
    units who see it in the registry but do not get its files 403."""
    _, (certificate,) = announced(cast, version, render=True)
    client = client_for(getattr(cast, who))
    for kind in ("pdf", "plaque"):
        url = reverse("certification:certificate_download", args=[certificate.pk, kind])
        assert client.get(url).status_code == code, (who, kind)
    assert (
        client.get(
            reverse("certification:certificate_download", args=[certificate.pk, "other"])
        ).status_code
        == 404
    )


def test_another_enterprise_cannot_download(cast, version, client_for):
    _, (certificate,) = announced(cast, version, render=True)
    enterprise, user = new_enterprise(cast, "北京朝阳第九机械厂")
    url = reverse("certification:certificate_download", args=[certificate.pk, "pdf"])
    assert client_for(user).get(url).status_code == 404


# --- the report PDFs ------------------------------------------------------------------------


def _pdf_text(response) -> str:
    """The text of a report PDF: its link leads to the job's page (rendered
    at once by eager Celery), whose download link serves the file."""
    if response.status_code != 302:
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        return text_of(b"".join(response.streaming_content))[0]
    client = response.client
    page = client.get(response.url)
    assert page.status_code == 200, page.status_code
    job = PdfJob.objects.get(pk=page.context["job"].pk)
    assert job.status == PdfJob.Status.DONE, job.error
    download = reverse("certification:pdf_job_download", args=[job.pk])
    assert download in page.content.decode()
    return _pdf_text(client.get(download))


@pytest.fixture
def get_pdf(django_capture_on_commit_callbacks):
    """GET a report's PDF link as a request outside a test transaction
    would: the job is queued when the request commits (eager: rendered)."""

    def get(client, url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(url)

    return get


def test_the_self_assessment_report_as_pdf(cast, version, client_for, get_pdf):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    client = client_for(cast.enterprise)
    print_page = client.get(reverse("assessments:print", args=[assessment.pk])).content.decode()
    url = reverse("certification:assessment_pdf", args=[assessment.pk])
    assert url in print_page
    text = _pdf_text(get_pdf(client, url))
    assert "北京朝阳精密机械有限公司" in text and cast.ent.uscc in text
    assert client_for(cast.other_enterprise).get(url).status_code == 404
    assert client_for(cast.other_district).get(url).status_code == 404


def test_the_review_report_as_pdf(cast, version, client_for, get_pdf):
    application = reported_application(cast, version)
    url = reverse("certification:review_report_pdf", args=[application.pk])
    client = client_for(cast.reviewer)
    page = client.get(reverse("certification:review_report", args=[application.pk]))
    assert url in page.content.decode()
    text = _pdf_text(get_pdf(client, url))
    assert "北京朝阳精密机械有限公司" in text and "现场评审符合要求" in text and "赵工" in text
    assert _pdf_text(get_pdf(client_for(cast.district), url))
    # The enterprise sees the scores only once the receiver has decided.
    assert client_for(cast.enterprise).get(url).status_code == 403
    assert client_for(cast.other_district).get(url).status_code == 404
    assert client_for(cast.other_enterprise).get(url).status_code == 404

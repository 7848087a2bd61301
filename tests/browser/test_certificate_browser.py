"""A certificate in the browser (issue 5): the enterprise downloads its
certificate PDF, a visitor without a login scans its QR code and opens the
verification page, the grading authority revokes the certificate, and the
visitor's next request of the same URL says "revoked".

The QR code is read the way a phone reads it: the downloaded PDF is rendered
to a bitmap (poppler's pdftoppm), the symbol is found by its three finder
patterns, sampled module by module and decoded (format information, mask,
codeword order, block interleaving and segment modes of ISO/IEC 18004; the
standard's tables are taken from segno, the encoder's own constants). No QR
decoder package is installed here, hence the small decoder below. Nothing
corrects errors: a single misread module would break the Ed25519 signature
the verification page checks, so the decode is exact or the test fails.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from itertools import permutations
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader
from segno import consts
from segno import encoder as qr

from certification.certificates import signing as verify
from certification.models import Certificate, RevocationReason
from tests.cast import PASSWORD
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue

PDFTOPPM = shutil.which("pdftoppm")
DPI = 200
PRIVATE = {
    "contact_name": "王联系",
    "contact_phone": "13912345678",
    "address": "朝阳区建国路88号保密楼",
    "legal_representative": "李法人",
}
NOTE = "2026年发生一起死亡事故，经调查认定企业负有责任"


# --- a minimal QR reader ---------------------------------------------------------------


def _runs(values: list[int]) -> list[tuple[int, int, int]]:
    """(value, start, length) runs of a row or column of 0/1 pixels (1 = dark)."""
    runs, start = [], 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            runs.append((values[start], start, index - start))
            start = index
    return runs


def _finder_hits(values: list[int]) -> list[tuple[float, float]]:
    """(centre, width) of each dark-light-dark-light-dark run sequence in the
    ratio 1:1:3:1:1, the signature of a finder pattern."""
    runs, hits = _runs(values), []
    for k in range(len(runs) - 4):
        window = runs[k : k + 5]
        if window[0][0] != 1:
            continue
        widths = [length for _, _, length in window]
        unit = sum(widths) / 7
        if unit < 1.5:
            continue
        if all(
            abs(width - expected * unit) <= unit * 0.6
            for width, expected in zip(widths, (1, 1, 3, 1, 1), strict=True)
        ):
            centre = window[2][1] + (window[2][2] - 1) / 2
            hits.append((centre, sum(widths)))
    return hits


def _finders(pixels, width: int, height: int) -> list[tuple[float, float, float]]:
    """(x, y, size in pixels) of the finder patterns in a 0/1 bitmap."""
    columns: dict[int, list[int]] = {}
    candidates = []
    for y in range(height):
        for x, size in _finder_hits(pixels[y]):
            column = columns.setdefault(round(x), [pixels[row][round(x)] for row in range(height)])
            for cy, vsize in _finder_hits(column):
                if abs(cy - y) <= size / 14 and abs(vsize - size) <= size / 7:
                    candidates.append((x, cy, size))
    found: list[list[tuple[float, float, float]]] = []
    for x, y, size in candidates:  # one finder is hit on several rows: group them
        for group in found:
            gx, gy, gsize = group[0]
            if abs(gx - x) < gsize / 2 and abs(gy - y) < gsize / 2:
                group.append((x, y, size))
                break
        else:
            found.append([(x, y, size)])
    return [
        (
            sum(h[0] for h in group) / len(group),
            sum(h[1] for h in group) / len(group),
            sum(h[2] for h in group) / len(group),
        )
        for group in found
        if len(group) >= 3
    ]


def _sample(pixels, width: int, height: int) -> list[list[int]]:
    """The module matrix of the (unrotated) QR symbol in the bitmap."""
    symbols = []  # three finders of one size at the corners of an upright square
    for top_left, top_right, bottom_left in permutations(_finders(pixels, width, height), 3):
        size = top_left[2]
        if (
            all(abs(f[2] - size) <= size / 7 for f in (top_right, bottom_left))
            and top_right[0] - top_left[0] > 2 * size
            and abs(top_right[1] - top_left[1]) <= size / 7
            and abs(bottom_left[0] - top_left[0]) <= size / 7
            and abs((bottom_left[1] - top_left[1]) - (top_right[0] - top_left[0])) <= size / 7
        ):
            symbols.append((top_left, top_right, bottom_left))
    assert len(symbols) == 1, f"expected one QR symbol, found {len(symbols)}"
    top_left, top_right, bottom_left = symbols[0]
    module = (top_left[2] + top_right[2] + bottom_left[2]) / 21  # a finder is 7 modules
    size = round((top_right[0] - top_left[0]) / module) + 7
    size = 17 + 4 * round((size - 17) / 4)  # versions 1..40: 21, 25, ... modules
    pitch_x = (top_right[0] - top_left[0]) / (size - 7)  # centre to centre: size-7 modules
    pitch_y = (bottom_left[1] - top_left[1]) / (size - 7)
    x0, y0 = top_left[0] - 3 * pitch_x, top_left[1] - 3 * pitch_y  # centre of module (0, 0)
    return [
        [pixels[round(y0 + row * pitch_y)][round(x0 + col * pitch_x)] for col in range(size)]
        for row in range(size)
    ]


def _format(matrix: list[list[int]], version: int) -> tuple[int, int]:
    """(error level, mask) whose format information the symbol carries."""
    size = len(matrix)
    best = None
    for error in (
        consts.ERROR_LEVEL_L,
        consts.ERROR_LEVEL_M,
        consts.ERROR_LEVEL_Q,
        consts.ERROR_LEVEL_H,
    ):
        for mask in range(8):
            reference = qr.make_matrix(size, size, add_timing=False)
            qr.add_format_info(reference, version, error, mask)
            spots = [(8, j) for j in range(9)] + [(i, 8) for i in range(9)]
            spots += [(8, size - 1 - j) for j in range(8)] + [(size - 1 - i, 8) for i in range(8)]
            distance = sum(reference[i][j] != matrix[i][j] for i, j in spots if i != 6 and j != 6)
            if best is None or distance < best[0]:
                best = (distance, error, mask)
    assert best[0] <= 3, "no readable format information"
    return best[1], best[2]


def _codewords(matrix: list[list[int]], version: int, mask: int) -> list[int]:
    """The symbol's codewords, unmasked, in placement order (as segno places them)."""
    size = len(matrix)
    template = qr.make_matrix(size, size)
    qr.add_finder_patterns(template, size, size)
    qr.add_alignment_patterns(template, size, size)
    mask_function = qr.get_data_mask_functions(False)[mask]
    bits = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in range(2):
                j = right - z
                upwards = (right & 2) == 0
                upwards ^= j < 6
                i = (size - 1 - vertical) if upwards else vertical
                if template[i][j] == 0x2:
                    bits.append(matrix[i][j] ^ int(mask_function(i, j)))
    return [int("".join(map(str, bits[k : k + 8])), 2) for k in range(0, len(bits) - 7, 8)]


def _data(codewords: list[int], version: int, error: int) -> list[int]:
    """The data codewords, de-interleaved from the blocks."""
    blocks = [info.num_data for info in consts.ECC[version][error] for _ in range(info.num_blocks)]
    data: list[list[int]] = [[] for _ in blocks]
    position = 0
    for k in range(max(blocks)):
        for index, length in enumerate(blocks):
            if k < length:
                data[index].append(codewords[position])
                position += 1
    return [codeword for block in data for codeword in block]


def _segments(data: list[int], version: int) -> str:
    """The text of the numeric, alphanumeric and byte segments."""
    bits = "".join(f"{codeword:08b}" for codeword in data)
    position, text = 0, []

    def take(count: int) -> int:
        nonlocal position
        value = int(bits[position : position + count], 2)
        position += count
        return value

    group = 0 if version < 10 else 1 if version < 27 else 2
    while position + 4 <= len(bits):
        mode = take(4)
        if mode == 0:
            break
        if mode == consts.MODE_BYTE:
            count = take((8, 16, 16)[group])
            text.append(bytes(take(8) for _ in range(count)).decode("utf-8"))
        elif mode == consts.MODE_ALPHANUMERIC:
            count = take((9, 11, 13)[group])
            chars = consts.ALPHANUMERIC_CHARS.decode("ascii")
            for _ in range(count // 2):
                pair = take(11)
                text.append(chars[pair // 45] + chars[pair % 45])
            if count % 2:
                text.append(chars[take(6)])
        elif mode == consts.MODE_NUMERIC:
            count = take((10, 12, 14)[group])
            for _ in range(count // 3):
                text.append(f"{take(10):03d}")
            if count % 3:
                text.append(f"{take((0, 4, 7)[count % 3]):0{count % 3}d}")
        else:
            raise AssertionError(f"unexpected QR segment mode {mode}")
    return "".join(text)


def read_qr(image: Image.Image) -> str:
    """The text of the QR code in ``image`` (a scan of a printed page)."""
    gray = image.convert("L")
    width, height = gray.size
    data = gray.point(lambda value: 1 if value < 128 else 0).tobytes()
    pixels = [list(data[row * width : (row + 1) * width]) for row in range(height)]
    matrix = _sample(pixels, width, height)
    version = (len(matrix) - 17) // 4
    error, mask = _format(matrix, version)
    return _segments(_data(_codewords(matrix, version, mask), version, error), version)


def scan(pdf_path: Path, tmp_path: Path) -> str:
    """Render the PDF's first page like a scanner (or a phone's camera) sees
    it and read the QR code on it."""
    out = tmp_path / "scan"
    subprocess.run(
        [
            PDFTOPPM,
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            str(DPI),
            "-gray",
            "-png",
            "-singlefile",
            str(pdf_path),
            str(out),
        ],
        check=True,
        timeout=30,
    )
    with Image.open(f"{out}.png") as image:
        return read_qr(image)


# --- the test --------------------------------------------------------------------------


def browser_for(new_context, base: str, user=None, language: str | None = None):
    """A page in a browser context of its own, logged in as ``user`` (or anonymous)."""
    context = new_context(accept_downloads=True)
    if language:
        context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    if user is not None:
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) [type=submit]").click()
        expect(page.locator("[data-testid=nav]")).to_be_visible()
    return page


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils (pdftoppm) is not installed")
def test_a_visitor_scans_the_downloaded_certificate_and_sees_it_revoked(
    tcast, new_context, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_BASE_URL = live_server.url  # the QR code points at this server
    base = live_server.url
    for name, value in PRIVATE.items():
        setattr(tcast.ent, name, value)
    tcast.ent.save()
    # Announced through the services; the announcement renders the PDFs
    # (Celery runs eagerly in tests).
    certificate = issue(tcast, make_tiered_version())
    certificate.refresh_from_db()
    assert certificate.rendered_at is not None, certificate.render_error
    application_id = certificate.application_id

    # 1. The enterprise downloads its certificate from its application's page.
    enterprise = browser_for(new_context, base, tcast.enterprise)
    enterprise.goto(f"{base}/applications/{application_id}/")
    panel = enterprise.locator("[data-testid=publicity-panel] [data-testid=certificate]")
    expect(panel).to_contain_text(certificate.number)
    with enterprise.expect_download() as download_info:
        panel.locator("[data-testid=download-certificate]").click()
    download = download_info.value
    assert download.suggested_filename == f"{certificate.number}.pdf"
    pdf_path = tmp_path / "downloaded.pdf"
    download.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert tcast.ent.name in text
    assert certificate.number in text
    assert tcast.ent.uscc in text
    assert "三级企业" in text
    assert f"{certificate.valid_until.year}年{certificate.valid_until.month}月" in text

    # 2. A visitor scans the QR code on it and opens the URL (English page).
    url = scan(pdf_path, tmp_path)
    assert url == verify.verification_url(certificate)
    assert url.startswith(f"{base}/verify/")
    visitor = browser_for(new_context, base, language="en")
    visitor.goto(url)
    card = visitor.locator("[data-testid=certificate]")
    expect(card).to_have_attribute("data-state", "valid")
    expect(card.locator("[data-testid=statement]")).to_have_text("Valid")
    expect(card.locator("[data-testid=enterprise]")).to_have_text(tcast.ent.name)
    expect(card.locator("[data-testid=grade]")).to_have_text("Level 3")
    expect(card.locator("[data-testid=number]")).to_have_text(certificate.number)
    expect(card.locator("[data-testid=uscc]")).to_have_text(tcast.ent.uscc)
    expect(card.locator("[data-testid=validity]")).to_have_text(
        f"{certificate.valid_from:%Y-%m-%d} – {certificate.valid_until:%Y-%m-%d}"
    )
    expect(visitor.locator("[data-testid=genuine]")).to_be_visible()
    expect(visitor.locator("[data-testid=outdated]")).to_have_count(0)
    body = visitor.locator("body")
    for value in PRIVATE.values():
        expect(body).not_to_contain_text(value)
    expect(body).not_to_contain_text(certificate.print_number)

    # A visitor whose browser asks for Chinese (the portal's default) reads 有效.
    chinese = browser_for(new_context, base)
    chinese.goto(url)
    expect(chinese.locator("[data-testid=statement]")).to_have_text("有效")

    # 3. The grading authority (the district) revokes it on the certificate page.
    district = browser_for(new_context, base, tcast.district)
    district.goto(f"{base}/applications/certificates/")
    with district.expect_navigation():
        district.locator("[data-testid=certificates] a", has_text=certificate.number).click()
    expect(district.locator("[data-testid=certificate-status]")).to_be_visible()
    form = district.locator("[data-testid=lifecycle-revoke]")
    form.locator("select[name=reason]").select_option(RevocationReason.FATAL_ACCIDENT)
    form.locator("textarea[name=note]").fill(NOTE)
    district.once("dialog", lambda dialog: dialog.accept())  # the revocation is confirmed
    with district.expect_navigation():
        form.locator("button").click()
    expect(district.locator("[data-testid=certificate-status]")).to_have_text("已撤销")
    expect(district.locator("[data-testid=lifecycle-actions]")).to_have_count(0)
    expect(district.locator("[data-testid=status-reason]")).to_contain_text(NOTE)
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.REVOKED

    # The visitor's next request of the same URL says "revoked", in both languages.
    visitor.reload()
    expect(card).to_have_attribute("data-state", "revoked")
    expect(card.locator("[data-testid=statement]")).to_have_text("Revoked")
    expect(card.locator("[data-testid=number]")).to_have_text(certificate.number)
    expect(body).not_to_contain_text(NOTE)  # the explanation is for the enterprise
    chinese.reload()
    expect(chinese.locator("[data-testid=statement]")).to_have_text("已撤销")
    assert Certificate.objects.get(pk=certificate.pk).check_count == 4

"""The one PDF rendering pipeline of the portal: certificates,
plaques, the self-assessment report and the on-site review report.

HTML from a Django template → WeasyPrint → PDF bytes, with:

- a restricted URL fetcher (``RestrictedURLFetcher``): WeasyPrint may read
  the project's own static files (``/static/…`` URLs are resolved by the
  staticfiles finders or STATIC_ROOT; ``file:`` URLs only inside static/,
  templates/ or STATIC_ROOT) and ``data:image/…`` URIs (the QR codes we
  generate ourselves). Anything else (http, https, ftp, files elsewhere on
  the disk, data: of other types) is refused, so a value typed by a user
  that ends up in the HTML can never make the server fetch a URL or read a
  file;
- ``base_url`` = the project directory as a ``file:`` URL, so the
  ``{% static %}`` URLs of the templates resolve through the fetcher;
- the CJK fonts named in static/css/pdf/base.css: "Noto Serif CJK SC" (the
  Song-style face of official certificates, Debian fonts-noto-cjk) with
  "WenQuanYi Micro Hei" as fallback; every template sets ``lang="zh-CN"``
  so Pango picks the Simplified Chinese glyphs;
- speed: embedding a subset of the 26 MB Noto Serif CJK collection costs
  ~0.1 s per face and PDF and makes 150–300 KB files (WeasyPrint keeps
  glyph ids, and CJK ids run to 65,000). So the portal first cuts, once per
  machine, "Portal Serif": Noto Serif CJK SC (regular and bold) reduced to
  GB 2312 (6,763 hanzi), ASCII, Latin-1, CJK punctuation, full-width forms
  and Roman numerals, cached in settings.PDF_FONT_DIR (``font_faces()``,
  fontTools, ~20 s per face). The CSS names it first and Noto Serif CJK SC
  after it, so a rarer character of an enterprise name still prints in the
  same design from the full font. Rendering is then ~2.5× faster and the
  files ~3× smaller. Without fontTools or the Noto files (or with
  PDF_SUBSET_FONTS off) the system fonts are used as they are.

Parsed stylesheets and WeasyPrint's font configuration are cached per
process: a Celery worker renders hundreds of certificates with them.
"""

from __future__ import annotations

import atexit
import base64
import functools
import logging
import os
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from portal.pdf_lock import PDF_LOCK

logger = logging.getLogger(__name__)
# WeasyPrint logs each step of each document at INFO: too much for a batch.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_CSS_DIR = "css/pdf"


class RefusedURL(ValueError):
    """WeasyPrint was asked for a resource outside the project's own files."""


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "static", Path(settings.BASE_DIR) / "templates", font_dir()]
    # An entry is a folder or a (prefix, folder) pair.
    roots += [
        Path(entry[1] if isinstance(entry, tuple | list) else entry)
        for entry in getattr(settings, "STATICFILES_DIRS", [])
    ]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _static_file(relative: str) -> Path | None:
    """A file served under STATIC_URL: the finders (app static folders
    included, e.g. Bootstrap's), else STATIC_ROOT (collected, hashed names)."""
    from django.contrib.staticfiles import finders

    relative = relative.lstrip("/")
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found).resolve()
    if getattr(settings, "STATIC_ROOT", None):
        candidate = (Path(settings.STATIC_ROOT) / relative).resolve()
        if _inside(candidate, [Path(settings.STATIC_ROOT).resolve()]) and candidate.is_file():
            return candidate
    return None


_CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
}


def _make_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedURLFetcher(URLFetcher):
        """Serves the project's own static files and data:image URIs; refuses
        everything else (the refusals are kept in ``refused`` and logged)."""

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("allowed_protocols", ("file", "data"))
            kwargs.setdefault("allow_redirects", False)
            super().__init__(*args, **kwargs)
            self.refused: list[str] = []

        def _refuse(self, url: str, why: str):
            self.refused.append(url)
            logger.warning("PDF rendering refused %s: %s", url[:200], why)
            return RefusedURL(f"refused ({why}): {url[:200]}")

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return self._data(url)
            if scheme != "file":
                raise self._refuse(url, "only the project's own files are fetched")
            path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
            static_url = settings.STATIC_URL
            if not static_url.startswith("/"):
                static_url = "/" + static_url
            if path.startswith(static_url):
                found = _static_file(path[len(static_url) :])
            else:
                found = Path(path).resolve()
                if not (_inside(found, _allowed_roots()) and found.is_file()):
                    found = None
            if found is None:
                raise self._refuse(url, "not a file of the project's static files")
            content_type = _CONTENT_TYPES.get(found.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(
                found.as_uri(), found.read_bytes(), {"Content-Type": content_type}
            )

        def _data(self, url: str):
            header, _, payload = url[5:].partition(",")
            parts = header.split(";")
            media_type = parts[0].strip().lower()
            if not media_type.startswith("image/"):
                raise self._refuse(url, "data: URIs only for images")
            if "base64" in parts[1:]:
                body = base64.b64decode(payload)
            else:
                body = urllib.parse.unquote_to_bytes(payload)
            return URLFetcherResponse(url[:64], body, {"Content-Type": media_type})

    return RestrictedURLFetcher


@functools.cache
def fetcher_class():
    return _make_fetcher_class()


def restricted_fetcher():
    """A new restricted fetcher (it records what it refused)."""
    return fetcher_class()()


def base_url() -> str:
    """The project directory as a file URL: ``/static/…`` URLs in templates
    become ``file:///static/…``, which the fetcher maps to static files."""
    return Path(settings.BASE_DIR).resolve().as_uri() + "/"


# --- the cut-down CJK face ---------------------------------------------------------------

SUBSET_FAMILY = "Portal Serif"
SOURCE_FAMILY = "Noto Serif CJK SC"
SUBSET_VERSION = 1  # bump when the character set changes


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", Path(settings.BASE_DIR) / "var" / "pdf-fonts"))


def subset_characters() -> set[int]:
    """GB 2312 (every hanzi of it) plus what certificates and reports print."""
    chars: set[int] = set()
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for start, end in (
        (0x20, 0x7F),
        (0xA0, 0x180),
        (0x2000, 0x2070),
        (0x2150, 0x2190),
        (0x2460, 0x24A0),
        (0x3000, 0x3040),
        (0xFF00, 0xFFF0),
    ):
        chars.update(range(start, end))
    return chars


def _source_font(style: str) -> tuple[str, int] | None:
    """(file, index in the collection) of Noto Serif CJK SC in that style."""
    import subprocess

    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{family}", f"{SOURCE_FAMILY}:style={style}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = found.partition("|")
    index, _, families = rest.partition("|")
    if SOURCE_FAMILY not in families.split(",") or not Path(path).is_file():
        return None
    return path, int(index or 0)


def _build_subset(style: str, target: Path) -> bool:
    source = _source_font(style)
    if source is None:
        return False
    from fontTools import subset

    options = subset.Options()
    options.font_number = source[1]
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(source[0], options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset_characters())
    subsetter.subset(font)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(partial))
    os.replace(partial, target)  # atomic: another process never sees half a font
    return True


@functools.cache
def font_faces() -> dict[str, Path]:
    """{"normal": path, "bold": path} of the cut-down face, built on first
    use (under a file lock: one process builds, the others wait); {} when it
    cannot be built, then the system fonts are used."""
    if not getattr(settings, "PDF_SUBSET_FONTS", True):
        return {}
    directory = font_dir()
    wanted = {
        "normal": ("Regular", directory / f"PortalSerif-Regular-v{SUBSET_VERSION}.otf"),
        "bold": ("Bold", directory / f"PortalSerif-Bold-v{SUBSET_VERSION}.otf"),
    }
    if all(path.is_file() for _, path in wanted.values()):
        return {weight: path for weight, (_, path) in wanted.items()}
    try:
        import fcntl

        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for style, path in wanted.values():
                if not path.is_file():
                    logger.info("Cutting %s %s for PDFs into %s", SOURCE_FAMILY, style, path)
                    if not _build_subset(style, path):
                        return {}
    except Exception:  # no fontTools, unreadable font, read-only disk: system fonts
        logger.exception("Could not build the PDF font %s; using the system fonts", SUBSET_FAMILY)
        return {}
    return {weight: path for weight, (_, path) in wanted.items()}


def _faces_css() -> str:
    faces = font_faces()
    if not faces:
        return ""
    rules = [
        f'@font-face {{ font-family: "{SUBSET_FAMILY}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weight}; }}"
        for weight, path in faces.items()
    ]
    rules.append(
        f'html, body {{ font-family: "{SUBSET_FAMILY}", "{SOURCE_FAMILY}", '
        '"WenQuanYi Micro Hei", serif !important; }'
    )
    return "\n".join(rules)


@functools.cache
def font_config():
    from weasyprint.text.fonts import FontConfiguration

    atexit.register(_release_fonts)
    return FontConfiguration()


def _release_fonts() -> None:
    """Drop the cached font configuration while the interpreter still runs
    (its destructor needs modules that are gone at shutdown)."""
    _faces_stylesheet.cache_clear()
    _stylesheet.cache_clear()
    font_config.cache_clear()


@functools.cache
def _stylesheet(name: str):
    """A parsed stylesheet of static/css/pdf/, once per process."""
    from weasyprint import CSS

    path = _static_file(f"{PDF_CSS_DIR}/{name}")
    if path is None:
        raise FileNotFoundError(f"static/{PDF_CSS_DIR}/{name}")
    return CSS(
        string=path.read_text(encoding="utf-8"),
        base_url=path.as_uri(),
        url_fetcher=restricted_fetcher(),
        font_config=font_config(),
    )


@functools.cache
def _faces_stylesheet():
    from weasyprint import CSS

    css = _faces_css()
    if not css:
        return None
    return CSS(string=css, url_fetcher=restricted_fetcher(), font_config=font_config())


def stylesheets(*names: str) -> list:
    sheets = [_stylesheet(name) for name in ("base.css", *names)]
    faces = _faces_stylesheet()
    return sheets + [faces] if faces is not None else sheets


def render_document(html: str, *, css: tuple[str, ...] = (), fetcher=None):
    """The laid-out WeasyPrint Document of an HTML string (write it with
    ``document.write_pdf()``, or a copy of some of its pages)."""
    from weasyprint import HTML

    with PDF_LOCK:
        document = HTML(
            string=html, base_url=base_url(), url_fetcher=fetcher or restricted_fetcher()
        )
        return document.render(stylesheets=stylesheets(*css), font_config=font_config())


def html_to_pdf(html: str, *, css: tuple[str, ...] = (), fetcher=None) -> bytes:
    with PDF_LOCK:
        return render_document(html, css=css, fetcher=fetcher).write_pdf()


def template_to_pdf(
    template: str, context: dict, *, css: tuple[str, ...] = (), request=None
) -> bytes:
    return html_to_pdf(render_to_string(template, context, request), css=css)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` (segno, error correction M) as an SVG data URI:
    the one kind of data: URI the fetcher lets through. The white border of four
    modules is the quiet zone scanners need (ISO/IEC 18004)."""
    import segno

    return segno.make(text, error="m", micro=False).svg_data_uri(border=4, dark="#000")


def pdf_response(data: bytes, filename: str):
    """A rendered PDF as a download."""
    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/pdf")
    quoted = urllib.parse.quote(filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    response["X-Content-Type-Options"] = "nosniff"
    return response

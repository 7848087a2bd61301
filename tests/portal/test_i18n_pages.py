"""Every page in both languages: no Chinese in the English pages outside user
data, no English left in the Chinese pages.

The URLconf is walked (tests/url_routes.py): every page that takes no id is
rendered for each role of the cast (and anonymously); every page that takes an
id is rendered for the owner named in the URL matrix (test_url_matrix.MATRIX),
on the objects of its world (url_matrix_world.py). Only 200 HTML answers are
read; SKIPPED says what is left out and why.

User data is what people typed or what a record is named by, and it stays in
the language it was typed in: every text value in the database, except the
names of reference data that carry an English name (industries, districts,
streets, standards: those must show it) and the texts the portal writes
itself (GENERATED). The visible text of each page (text nodes and the
attributes a reader meets: placeholder, title, aria-label, alt, confirmations)
has the user data removed, then:

- English: any CJK character left fails, with the URL and the snippet;
- Chinese: a run of three or more Latin words outside code (<code>, <kbd>,
  monospace) fails: an English msgid left untranslated or text never wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.portal.test_url_matrix import MATRIX, clients, world  # noqa: F401
from tests.url_routes import walk

ROLES = (
    "anonymous",
    "city",
    "district",
    "street",
    "regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
)

# Pages left out, and why. Files (exports, templates, keys) are left out by
# their name below; API and Django admin pages by their prefix.
SKIPPED = {
    "logout": "POST only; logs the client out",
    "set_language": "POST only",
    "notifications_read_all": "POST only",
    "password_reset_confirm": "the invitation link: an invalid token's page only",
    "worklists:list": "one page per worklist kind; worklists:index shows every kind's rows",
}
PREFIXES = ("api/", "admin/")
FILES = re.compile(r"export|template|\.xlsx|\.pem|favicon|_pdf|download|/file|photo")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z’'-]*(?:[ ,:;.()/&]+[A-Za-z][A-Za-z’'-]*){2,}")
# Latin that is Chinese usage too: names of formats, products and codes.
LATIN_OK = re.compile(
    r"\b(?:PDF|Excel|xlsx|QR|API|OpenAPI|Swagger UI|USCC|GB/T|AQ/T|ECharts|CSV|YAML|JSON|"
    r"Django|e-mail|Email|HTTP[S]?|htmx|ID|OK)\b"
)
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/[\w./-]+")
# Identifiers quoted in prose ("random.Random(seed)"): code, in any language.
CODE_TOKEN = re.compile(r"\S*\w[._(]\w\S*")

# (model label, field): text the portal itself writes, which must follow the
# reader's language (not user data).
GENERATED = {
    ("portal.notification", "text"),
    ("certification.publicitybatch", "title"),
    ("certification.announcementbatch", "title"),
    ("certification.verificationbatch", "name"),
}
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-confirm")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class VisibleText(HTMLParser):
    """The text a reader meets, as (text, is_code) chunks; the language
    switcher (its names are each in their own language) and scripts left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[str, bool]] = []
        self.stack: list[tuple[str, bool, bool]] = []  # tag, hidden, code

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def code(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        hidden = (
            self.hidden or tag in ("script", "style") or values.get("data-testid") == "language"
        )
        code = (
            self.code
            or tag in ("code", "kbd", "samp", "pre")
            or "font-monospace" in (values.get("class") or "")
        )
        if not hidden:
            for name in ATTRIBUTES:
                if values.get(name):
                    self.chunks.append((values[name], code))
            if (
                tag == "input"
                and values.get("type") in ("submit", "button")
                and values.get("value")
            ):
                self.chunks.append((values["value"], code))
        if tag not in VOID:
            self.stack.append((tag, hidden, code))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append((" ".join(data.split()), self.code))


def visible_text(html: str) -> list[tuple[str, bool]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


# Texts the portal writes that still follow the writer's language: showing them
# in the reader's needs a field (the message's id and values kept beside the
# text); until then they count as user data.
NEEDS_A_FIELD: dict[tuple[str, str], str] = {}


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def user_data() -> list[str]:
    """Every text value in the database that is user data, longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        label = model._meta.label_lower
        names = {f.name for f in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                continue
            if getattr(field, "choices", None) or (label, field.name) in GENERATED:
                if (label, field.name) not in NEEDS_A_FIELD:
                    continue
            qs = model._default_manager.exclude(**{f"{field.name}__isnull": True})
            if field.name == "name" and "name_en" in names:
                qs = qs.filter(name_en="")  # with an English name, the page must show it
            for value in qs.values_list(field.name, flat=True).distinct()[:5000]:
                for text in _strings(value):
                    if len(text.strip()) > 1:
                        found.add(text.strip())
    return sorted(found, key=len, reverse=True)


def without(text: str, data: list[str]) -> str:
    for value in data:
        if value not in text:
            continue
        if len(value) >= 4:
            text = text.replace(value, " ")
        else:
            # A short value ("目标") only where it stands alone, not inside a phrase.
            text = re.sub(rf"(?<![\u4e00-\u9fff]){re.escape(value)}(?![\u4e00-\u9fff])", " ", text)
    # A long text cut short on a page ("…"): its start is data too.
    return re.sub(
        CJK.pattern + r"(?=…|\.\.\.)",
        lambda m: " " if any(v.startswith(m.group(0)) for v in data) else m.group(0),
        text,
    )


def pages(world) -> Iterator[tuple[str, str]]:  # noqa: F811
    """(role, URL) of every page to read."""
    for route in walk():
        if route.route.startswith(PREFIXES) or route.key in SKIPPED:
            continue
        if FILES.search(route.route) or FILES.search(route.key):
            continue
        if not route.params:
            for role in ROLES:
                yield role, reverse(route.key)
        elif route.key in MATRIX and "format" not in route.params:
            entry = MATRIX[route.key]
            yield entry.owner, reverse(route.key, kwargs=entry.kwargs(world))


def rendered(client: Client, url: str, language: str) -> str | None:
    client.cookies["django_language"] = language
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    if getattr(response, "streaming", False):
        return None
    return response.content.decode()


SHARDS = 3


def _read(world, clients, language: str, shard: int) -> tuple[int, list[str]]:  # noqa: F811
    # The pages first: naming some of them makes their objects.
    chosen = [page for index, page in enumerate(pages(world)) if index % SHARDS == shard]
    data = user_data()
    problems: list[str] = []
    read = 0
    for role, url in chosen:
        html = rendered(clients[role], url, language)
        if html is None:
            continue
        read += 1
        for text, code in visible_text(html):
            text = without(text, data)
            if language == "en":
                bad = CJK.search(text)
                if bad:
                    start = max(bad.start() - 30, 0)
                    problems.append(f"{role} {url}: {text[start : bad.end() + 30]!r}")
            elif not code:
                text = LATIN_OK.sub(" ", CODE_TOKEN.sub(" ", EMAIL_OR_URL.sub(" ", text)))
                bad = LATIN_RUN.search(text)
                if bad:
                    problems.append(f"{role} {url}: {bad.group(0)!r}")
    translation.activate("zh-hans")
    unique = list(dict.fromkeys(problems))
    return read, unique


@pytest.mark.parametrize("shard", range(SHARDS))
def test_english_pages_show_no_chinese_outside_user_data(world, clients, db, shard):  # noqa: F811
    read, problems = _read(world, clients, "en", shard)
    assert read > 40, f"only {read} pages were read: the walk is broken"
    assert not problems, f"{len(problems)} Chinese text(s) on English pages:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("shard", range(SHARDS))
def test_chinese_pages_show_no_untranslated_english(world, clients, db, shard):  # noqa: F811
    read, problems = _read(world, clients, "zh-hans", shard)
    assert read > 40, f"only {read} pages were read: the walk is broken"
    assert not problems, f"{len(problems)} English text(s) on Chinese pages:\n" + "\n".join(
        problems
    )


def test_the_reader_finds_text_attributes_and_leaves_out_the_switcher():
    chunks = visible_text(
        '<p>企业 <code>machinery-level3</code></p><input type="search" placeholder="搜索">'
        '<select data-testid="language"><option>简体中文</option><option>English</option>'
        "</select><script>var x = '中文';</script><br><span title='提示'>ok</span>"
    )
    assert chunks == [
        ("企业", False),
        ("machinery-level3", True),
        ("搜索", False),
        ("提示", False),
        ("ok", False),
    ]
    assert without(
        "北京朝阳精密机械有限公司 · Machinery", ["北京朝阳精密机械有限公司"]
    ).strip() == ("· Machinery")
    assert CJK.search(without("二号车间配电箱…", ["二号车间配电箱未接地"])) is None
    assert without("治理的目标和任务", ["目标"]) == "治理的目标和任务"
    assert without("目标: 朝阳区", ["目标", "朝阳区"]).strip() == ":"

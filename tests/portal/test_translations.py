"""The Chinese catalogue is complete, keeps every placeholder, and its compiled .mo matches it.

Chinese is the default language, so an untranslated or fuzzy entry shows English to
Chinese users, and a lost placeholder raises KeyError (or drops a value) at run time.
The .po is parsed here with a small parser (no polib dependency); the .mo is read
with the standard library's gettext, the same loader Django uses.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LC_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

COMPILE = "DEBUG=true .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv"

# printf-style conversions as Python's % operator reads them; "%%" is a literal percent.
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
NAMED = re.compile(r"%\((\w+)\)")
BRACE = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")
QUOTED = re.compile(r"“(%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])”")
ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid[:60]!r}"


def _unquote(token: str, where: int) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise AssertionError(f"django.po:{where}: not a quoted string: {token!r}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(path: Path) -> tuple[list[Entry], list[str]]:
    """The entries of a .po file (header first) and any syntax problems found."""
    entries: list[Entry] = []
    problems: list[str] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # ("msgid", 0), ("msgstr", 1), ...

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: not compiled, not checked
            continue
        if line.startswith("#"):
            if entry is not None and target is not None and target[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            if (
                keyword in ("msgctxt", "msgid")
                and entry is not None
                and target is not None
                and target[0] == "msgstr"
            ):
                finish()
            if entry is None:
                entry = Entry(line=number)
            if keyword == "msgid":
                entry.line = number
            target = (keyword, int(index or 0))
            text = _unquote(value, number)
            if keyword == "msgstr":
                entry.msgstr[target[1]] = text
            else:
                setattr(entry, keyword, text)
        elif line.startswith('"') and entry is not None and target is not None:
            text = _unquote(line, number)
            keyword, index = target
            if keyword == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + text)
        else:
            problems.append(f"django.po:{number}: cannot read {raw!r}")
    finish()
    return [e for e in entries if e.msgstr or e.msgid], problems


def printf_placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (as a multiset) and positional ones (in order); %% is ignored."""
    named: Counter = Counter()
    positional: list[str] = []
    for match in PRINTF.finditer(text):
        spec = match.group(0)
        if spec == "%%":
            continue
        if match.group("name") is not None:
            named[spec] += 1
        else:
            positional.append(spec)
    return named, positional


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    assert PO.exists(), f"{PO} is missing"
    entries, problems = parse_po(PO)
    assert not problems, "\n".join(problems)
    assert entries and entries[0].msgid == "" and entries[0].msgctxt is None, (
        "django.po must start with its header entry"
    )
    return entries[0], entries[1:]


def test_the_header_declares_utf8_and_a_single_plural_form(catalogue):
    header, _messages = catalogue
    fields = dict(
        line.split(":", 1) for line in header.msgstr.get(0, "").splitlines() if ":" in line
    )
    assert "fuzzy" not in header.flags, "the header is marked fuzzy"
    assert "charset=UTF-8" in fields.get("Content-Type", "")
    assert fields.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _header, messages = catalogue
    assert messages, "django.po has no messages"
    problems = []
    for entry in messages:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: marked fuzzy")
        if entry.msgid_plural is None:
            if set(entry.msgstr) != {0} or not entry.msgstr[0].strip():
                problems.append(f"{entry.label}: not translated")
        elif set(entry.msgstr) != {0}:
            # Chinese has one plural form: exactly msgstr[0].
            problems.append(f"{entry.label}: plural forms {sorted(entry.msgstr)}, expected [0]")
        elif not entry.msgstr[0].strip():
            problems.append(f"{entry.label}: not translated")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_translations_keep_the_placeholders_of_their_source(catalogue):
    _header, messages = catalogue
    problems = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for index, translation in entry.msgstr.items():
            if not translation:
                continue  # reported by the completeness test
            # The plural source names the same values; compare with either form.
            if "python-format" in entry.flags:
                got_named, got_positional = printf_placeholders(translation)
                if not any(printf_placeholders(s) == (got_named, got_positional) for s in sources):
                    want_named, want_positional = printf_placeholders(entry.msgid)
                    problems.append(
                        f"{entry.label} msgstr[{index}]: placeholders "
                        f"{sorted(got_named.elements()) + got_positional}, expected "
                        f"{sorted(want_named.elements()) + want_positional}"
                    )
            elif Counter(NAMED.findall(translation)) != Counter(NAMED.findall(entry.msgid)):
                problems.append(f"{entry.label} msgstr[{index}]: %(name) placeholders differ")
            if "python-brace-format" in entry.flags and Counter(
                BRACE.findall(translation)
            ) != Counter(BRACE.findall(entry.msgid)):
                problems.append(f"{entry.label} msgstr[{index}]: {{name}} placeholders differ")
            # “%(x)s” in the source stays quoted: messages are searched for “value”.
            for quoted in QUOTED.findall(entry.msgid):
                if f"“{quoted}”" not in translation:
                    problems.append(f"{entry.label} msgstr[{index}]: lost the quotes “{quoted}”")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    _header, messages = catalogue
    assert MO.exists(), f"{MO} is missing; run: {COMPILE}"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    mo_catalogue = dict(compiled._catalog)  # what Django will serve
    mo_catalogue.pop("", None)  # the header

    expected: dict = {}
    for entry in messages:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr.get(0, "")
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text

    stale = [
        f"{key!r}: .mo has {mo_catalogue.get(key)!r}, .po has {text!r}"
        for key, text in expected.items()
        if mo_catalogue.get(key) != text
    ]
    extra = [repr(key) for key in mo_catalogue if key not in expected]
    assert len(mo_catalogue) == len(expected) and not stale and not extra, (
        f"django.mo ({len(mo_catalogue)} messages) is out of date with django.po "
        f"({len(expected)} messages); run: {COMPILE}\n" + "\n".join((stale + extra)[:20])
    )


def test_the_parser_reads_what_msgfmt_reads(tmp_path):
    """Multi-line strings, escapes, flags, contexts, plurals and obsolete entries."""
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Say “%(name)s” "\n"twice\\n"\n'
        'msgstr "说两遍“%(name)s”\\n"\n\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "打开"\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s行"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "已删除"\n',
        encoding="utf-8",
    )
    entries, problems = parse_po(po)
    assert not problems
    header, say, open_, rows = entries
    assert header.msgid == "" and "Plural-Forms" in header.msgstr[0]
    assert say.msgid == "Say “%(name)s” twice\n" and say.flags == {"fuzzy", "python-format"}
    assert (open_.msgctxt, open_.msgstr) == ("menu", {0: "打开"})
    assert (rows.msgid_plural, rows.msgstr) == ("%(n)s rows", {0: "%(n)s行"})
    assert printf_placeholders("%(a)s of %(b)d, 100%%, %s") == (
        Counter({"%(a)s": 1, "%(b)d": 1}),
        ["%s"],
    )

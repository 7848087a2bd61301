"""Helpers for the tests of standard files: the fixture files, edited copies,
and the line a piece of text is on."""

from __future__ import annotations

from pathlib import Path

from reviews.standards.files import StandardFileError, import_standard, parse_standard_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_text(name: str = "tiered.yaml") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle."""
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the text")


def parse(text: str, filename: str = "test.yaml"):
    return parse_standard_file(filename=filename, content=text.encode("utf-8"))


def problems_of(text: str, filename: str = "test.yaml"):
    try:
        parse(text, filename)
    except StandardFileError as error:
        return error.problems
    raise AssertionError("the file passed the checks")


def load(
    text: str | None = None, *, publish: bool = False, actor=None, filename: str = "test.yaml"
):
    parsed = parse(text if text is not None else fixture_text(), filename)
    return import_standard(actor=actor, parsed=parsed, publish=publish)

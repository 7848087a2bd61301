"""The shape of the code that docs/architecture.md describes: the committed workflow
diagram is the declaration's, every hook the declaration names exists, no module grows
past 600 lines, and comments say what the code does rather than which issue asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certification import diagram, engine
from certification.workflow import DETAIL_PANELS, LEAVE_REVIEW_UNIT, TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]
APPS = ("portal", "enterprises", "reviews", "certification", "hazards", "reporting")
# Comments are checked in the benchmarks and scripts too.
COMMENTED = (*APPS, "bench")
MAX_LINES = 600


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_committed_workflow_diagram_is_the_declarations():
    committed = diagram.embedded(diagram.architecture_doc().read_text(encoding="utf-8"))
    assert committed == diagram.mermaid(), (
        "docs/architecture.md shows another workflow than certification/workflow.py: "
        "run `python manage.py workflow_diagram` and commit the result"
    )


def test_the_diagram_shows_every_move_from_every_source():
    drawn = diagram.mermaid()
    for move in TRANSITIONS.values():
        for source in move.sources:
            assert f"    {source} --> {move.target}: {move.name}" in drawn


@pytest.mark.parametrize(
    "path",
    sorted(
        {
            *(
                p
                for move in TRANSITIONS.values()
                for p in (move.prepare, move.finish, move.offered_when)
                if p
            ),
            LEAVE_REVIEW_UNIT,
            *DETAIL_PANELS,
        }
    ),
)
def test_every_hook_the_declaration_names_exists(path):
    assert callable(engine.hook(path))


def test_no_module_is_longer_than_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules by sub-domain: {long}"


ISSUE_REFERENCE = re.compile(r"\b(?:issue|Issue|ISSUE)s?\s*#?\d+|#\d{1,4}\b(?=\))")


def test_comments_do_not_cite_issue_numbers():
    sources = [
        p
        for d in COMMENTED
        for p in sorted((ROOT / d).rglob("*.py"))
        if "migrations" not in p.parts
    ]
    cited = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ISSUE_REFERENCE.search(line)
    ]
    assert not cited, f"say what the code does and why, not which issue asked: {cited}"

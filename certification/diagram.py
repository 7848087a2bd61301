"""The workflow's state diagram (Mermaid), drawn from the declaration in
certification/workflow.py. docs/architecture.md embeds it between two markers;
``manage.py workflow_diagram`` rewrites that part and a test fails when the
committed picture differs from the declaration."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from certification.models import Status
from certification.workflow import FINAL, RESPONSIBLE, TRANSITIONS

START = "<!-- workflow-diagram:start (manage.py workflow_diagram) -->"
END = "<!-- workflow-diagram:end -->"


def mermaid() -> str:
    """One node per state (labelled in English, with who acts next), one edge per
    move and source state, labelled with the move's name and its hooks."""
    lines = ["stateDiagram-v2", "    direction LR"]
    with translation.override("en"):
        for status in Status:
            who = RESPONSIBLE.get(status)
            label = f"{status.label} ({who})" if who else str(status.label)
            lines.append(f"    {status.value}: {label}")
    lines.append(f"    [*] --> {Status.DRAFT.value}")
    for move in TRANSITIONS.values():
        hooks = [
            name for name, path in (("prepare", move.prepare), ("finish", move.finish)) if path
        ]
        label = move.name + (f" [{', '.join(hooks)}]" if hooks else "")
        if move.via_batch:
            label += " (batch)"
        for source in move.sources:
            lines.append(f"    {source} --> {move.target}: {label}")
    for status in sorted(FINAL):
        lines.append(f"    {status} --> [*]")
    return "\n".join(lines) + "\n"


def architecture_doc() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "architecture.md"


def embedded(text: str) -> str:
    """The Mermaid block between the markers of ``text`` ("" when absent)."""
    if START not in text or END not in text:
        return ""
    block = text.split(START, 1)[1].split(END, 1)[0]
    return block.strip().removeprefix("```mermaid").removesuffix("```").strip() + "\n"


def with_diagram(text: str) -> str:
    """``text`` with the block between the markers replaced by today's diagram."""
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    return f"{before}{START}\n```mermaid\n{mermaid()}```\n{END}{after}"

"""A problem found in a standard file, and where it is: file, line (YAML) or
sheet/row/column (Excel), and the field inside the standard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    line: int | None = None
    sheet: str = ""
    row: int | None = None
    column: str = ""


class Locator(Protocol):
    def locate(self, path: Path) -> Location: ...


@dataclass(frozen=True)
class Problem:
    message: str
    file: str = ""
    path: Path = ()
    location: Location = field(default_factory=Location)
    # Which part of the standard: "criterion 1.1.1", "A element 3" …
    context: str = ""

    @property
    def line(self) -> int | None:
        return self.location.line

    @property
    def field(self) -> str:
        """The path in the file's own terms: elements[0].criteria[2].points."""
        return path_text(self.path)

    def where(self) -> str:
        loc = self.location
        parts = [self.file] if self.file else []
        if loc.line is not None:
            parts.append(_("line %(line)d") % {"line": loc.line})
        if loc.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": loc.sheet})
        if loc.row is not None:
            parts.append(_("row %(row)d") % {"row": loc.row})
        if loc.column:
            parts.append(_("column %(column)s") % {"column": loc.column})
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "file": self.file,
            "line": loc.line,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "field": self.field,
            "context": self.context,
            "message": self.message,
        }

    def __str__(self) -> str:
        head = self.where()
        detail = " · ".join(part for part in (self.context, self.field) if part)
        if detail:
            head = f"{head} ({detail})" if head else detail
        return f"{head}: {self.message}" if head else self.message


class StandardFileError(Exception):
    """The file cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def context_for(data: Any, path: Path) -> str:
    """Name the element or criterion a path points into, by its code."""
    label = ""
    node = data
    depth = 0  # how many "elements" lists have been entered
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and index > 0:
            container = path[index - 1]
            code = node.get("code") if isinstance(node, dict) else None
            shown = (
                str(code) if isinstance(code, str | int | float) and code != "" else f"#{part + 1}"
            )
            if container == "elements":
                depth += 1
                label = (_("A element %(code)s") if depth == 1 else _("B element %(code)s")) % {
                    "code": shown
                }
            elif container == "criteria":
                label = _("criterion %(code)s") % {"code": shown}
    return label


def sort_key(problem: Problem) -> tuple:
    loc = problem.location
    return (
        problem.file,
        loc.sheet,
        loc.line or 0,
        loc.row or 0,
        loc.column,
        path_text(problem.path),
    )

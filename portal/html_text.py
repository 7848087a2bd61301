"""HTML-escaped text for markup built in Python (the checklist's rows and totals, the
on-site sheet): what the template's autoescape gives, without the lazy-string wrapper of
django.utils.html.escape, which cost a checklist row 40% of its time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape as _escape
from typing import Any

from django.urls import reverse


def escape(value: object) -> str:
    """``value`` as escaped text; None and "" are empty (the callers never show None)."""
    return _escape(str(value)) if value else ""


def url_for_pk(name: str, *rest: object) -> Callable[[int], str]:
    """``pk -> reverse(name, args=[pk, *rest])``, reversed once: a page of 50 rows
    reversed its detail URL 50 times (0.1 ms each)."""
    marker = 987654321
    head, tail = reverse(name, args=[marker, *rest]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def table_rows(rows: list[str], *, empty: str, colspan: int, classes: str, attrs: str = "") -> str:
    """A table body's rows joined, or one row of ``colspan`` cells saying ``empty``
    (translated, escaped here) when there are none. The caller marks the result safe:
    every value in ``rows`` is escaped where it was built."""
    if not rows:
        rows = [f'<tr><td colspan="{colspan}" class="{classes}"{attrs}>{escape(empty)}</td></tr>']
    return "\n".join(rows)


def place_names(places: Iterable[Any]) -> dict[str, str]:
    """``code -> display name, escaped`` of districts, streets or industries: named from
    the small reference table a page reads once, not joined to each row."""
    return {place.pk: escape(place.display_name) for place in places}


def choice_labels(choices: Iterable[tuple[str, object]]) -> Callable[[str], str]:
    """``value -> its label, escaped`` for a field's choices, translated once per table
    (``get_FOO_display`` hashes every lazy label on each call); an unknown value shows
    as itself, as ``get_FOO_display`` does."""
    labels = {value: escape(label) for value, label in choices}
    return lambda value: labels.get(value) or escape(value)

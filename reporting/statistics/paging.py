"""The drill-down lists' pages without counting every record behind a number: the
table cell the reader clicked already says how many there are (``n=`` in its link),
so a page reads its rows plus one (is there a next page?) and shows that number.
Counting a city's 490,000 enterprises again for each page cost more than the rows.

Without ``n`` (a link from elsewhere, or a figure that is not a count) the rows are
counted up to settings.LIST_COUNT_CAP, then "more than" it (portal.paging). ``n`` comes from the query string: a wrong one only misstates
the total of the reader's own list; the rows and the next page come from the rows."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet

from portal.paging import CappedPaginator


def given_count(value: Any) -> int | None:
    """``n`` from the query string: a count, or None."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _number(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


class _Pager:
    """What the templates read of a paginator: the total and the pages."""

    count_is_capped = False  # the count given is the table cell's

    def __init__(self, count: int, num_pages: int) -> None:
        self.count = count
        self.num_pages = num_pages


class CountedPage:
    """The page interface of django.core.paginator.Page that the list templates use
    (iteration, number, previous and next, paginator.count and num_pages)."""

    def __init__(self, rows: list[Any], number: int, has_next: bool, count: int, size: int):
        self.object_list = rows
        self.number = number
        self._has_next = has_next
        pages = max(math.ceil(count / size), number + (1 if has_next else 0), 1)
        self.paginator = _Pager(count, pages)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(qs: QuerySet[Any], size: int, page: Any, count: Any) -> Page | CountedPage:
    """The requested page of ``qs``: counted from ``count`` when given (past the end:
    the last page), else counted up to the cap."""
    total = given_count(count)
    if total is None:
        return CappedPaginator(qs, size).get_page(page)
    number = _number(page)
    rows = list(qs[(number - 1) * size : number * size + 1])
    if not rows and number > 1:
        number = max(math.ceil(total / size), 1)
        rows = list(qs[(number - 1) * size : number * size + 1])
    return CountedPage(rows[:size], number, len(rows) > size, total, size)

"""A paginator whose count stops at a cap.

Counting every row of a long list (500,000 enterprises) costs more than the page
itself: PostgreSQL has to visit each matching row. ``CappedPaginator`` counts
at most ``cap + 1`` rows; past the cap it reports ``count == cap`` and
``count_is_capped``, and the pages after the cap still work: each page reads one
row more than it shows, which tells whether there is a next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet


class CappedPage(Page):
    """A page of a capped list: it knows its successor from its own extra row, not
    from the total."""

    def __init__(
        self, object_list: Sequence[Any], number: int, paginator: Paginator, *, has_more: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self) - 1


class CappedPaginator(Paginator):
    """``Paginator`` with ``count`` exact up to ``cap`` (settings.LIST_COUNT_CAP by
    default) and ``cap`` beyond, then ``count_is_capped`` is True. ``num_pages`` is
    the pages up to the cap; later page numbers stay valid while they hold rows.
    ``count_rows``, when given, holds the same rows and is what is counted;
    ``known_count``, when the page has counted them already (up to one past the
    cap), is taken instead of counting."""

    def __init__(
        self,
        object_list: Any,
        per_page: int | str,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        cap: int | None = None,
        error_messages: dict[str, Any] | None = None,
        count_rows: QuerySet | None = None,
        known_count: int | None = None,
    ) -> None:
        super().__init__(
            object_list,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            error_messages=error_messages,
        )
        self.cap = settings.LIST_COUNT_CAP if cap is None else int(cap)
        # The same rows by conditions an index counts more cheaply (a place's search).
        self.count_rows = count_rows
        self.known_count = known_count

    @cached_property
    def _bounded_count(self) -> int:
        return self._count_to_cap()

    def _count_to_cap(self) -> int:
        """The rows, counted up to one past the cap."""
        if self.known_count is not None:
            return min(self.known_count, self.cap + 1)
        rows = self.object_list if self.count_rows is None else self.count_rows
        if isinstance(rows, QuerySet):
            # No ORDER BY: any cap + 1 matching rows will do, in whatever order the
            # database finds them cheapest. COUNT(*) over a LIMIT subquery.
            return rows.order_by()[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def count_is_capped(self) -> bool:
        return self._bounded_count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.count_is_capped:
            return super().validate_number(number)
        # Past the cap the last page is unknown: any page from 1 on may hold rows,
        # page() finds out. Not an integer or below 1: the base class's errors.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> Page:
        if not self.count_is_capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One row more than the page shows: whether a next page exists.
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        """As Paginator.get_page: not a number gives the first page, a page without
        rows the last one up to the cap."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


class CappedIdsPaginator(CappedPaginator):
    """``CappedPaginator`` over a list's ids in its order (``values_list("pk",
    flat=True)``): the ids up to one past the cap are read once, in order, and give
    both the count and every page within the cap. One query where the count and the
    page were two, each finding the same matches (a name search probes them all);
    the pages past the cap read their own slice as before. With ``known_count`` there
    is nothing to count, and each page reads only its own ids."""

    @cached_property
    def _head(self) -> list[Any]:
        return list(self.object_list[: self.cap + 1])

    @cached_property
    def _bounded_count(self) -> int:
        if self.known_count is not None:
            return min(self.known_count, self.cap + 1)
        return len(self._head)

    def page(self, number: Any) -> Page:
        if self.known_count is not None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.count_is_capped:
            return Page(self._head[bottom:top], number, self)
        if top < len(self._head):  # the page and the row after it are in the head
            return CappedPage(self._head[bottom:top], number, self, has_more=True)
        return super().page(number)


class CountFirstIdsPaginator(CappedIdsPaginator):
    """A search's ids: the capped count first, its matches found in no order (through
    the search's index); then, within the cap, every match's id in the list's order in
    one read, which finds them through the index too and sorts them, and the page is
    cut from those. Past the cap the matches are common: a page's own slice, a walk
    along the list's order, meets them soon. For a fragment whose names sort together
    (a 字号 after 北京), that walk read 13,000 entries to reach a district's 461."""

    @cached_property
    def _bounded_count(self) -> int:
        return self._count_to_cap()

    def page(self, number: Any) -> Page:
        if self.count_is_capped:
            return CappedPaginator.page(self, number)
        return super().page(number)


def fill_page(page: Page, rows: QuerySet) -> Page:
    """Replace a page of ids by their rows from ``rows``, in the page's order.

    A list whose page is chosen from ids first and whose rows (with their joins) are
    read after by primary key: PostgreSQL joins 50 rows instead of every match. It
    needs that when it misjudges a filter (a name search's grams, estimated at one
    row) and joins every matching row before sorting them."""
    page.object_list = rows_in_order(rows, page.object_list)
    return page


def rows_in_order(rows: QuerySet, ids: Any) -> list[Any]:
    """The rows of ``rows`` whose keys are ``ids``, in the order of ``ids``: one
    query by primary key (ids without a row are left out)."""
    ids = list(ids)
    by_id = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]

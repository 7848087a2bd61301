"""CappedPaginator: counts stop at the cap, the pages after it still work; its API
pagination and the count's text in both languages."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.template.loader import render_to_string
from django.utils import translation

from enterprises.models import Enterprise
from portal.models import Region
from portal.paging import CappedIdsPaginator, CappedPaginator, CountFirstIdsPaginator, fill_page
from tests.cast import make_enterprise

# --- the paginator ----------------------------------------------------------------------


def test_below_the_cap_it_counts_and_pages_like_django():
    paginator = CappedPaginator(list(range(95)), 10, cap=100)
    assert paginator.count == 95
    assert paginator.count_is_capped is False
    assert paginator.num_pages == 10
    last = paginator.page(10)
    assert list(last) == list(range(90, 95))
    assert not last.has_next()
    with pytest.raises(EmptyPage):
        paginator.page(11)


def test_past_the_cap_the_count_is_the_cap_and_the_later_pages_still_work():
    paginator = CappedPaginator(list(range(250)), 10, cap=100)
    assert paginator.count == 100
    assert paginator.count_is_capped is True
    assert paginator.num_pages == 10  # the pages up to the cap
    tenth = paginator.page(10)
    assert tenth.has_next()
    eleventh = paginator.page(tenth.next_page_number())
    assert list(eleventh) == list(range(100, 110))
    assert (eleventh.start_index(), eleventh.end_index()) == (101, 110)
    last = paginator.page(25)
    assert list(last) == list(range(240, 250))
    assert not last.has_next()
    assert last.has_previous()
    with pytest.raises(EmptyPage):
        paginator.page(26)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")


def test_get_page_falls_back_as_django_does():
    paginator = CappedPaginator(list(range(250)), 10, cap=100)
    assert paginator.get_page("x").number == 1
    assert paginator.get_page(999).number == 10  # the last page up to the cap
    assert paginator.get_page(17).number == 17


def test_exactly_the_cap_is_not_capped():
    paginator = CappedPaginator(list(range(100)), 10, cap=100)
    assert (paginator.count, paginator.count_is_capped) == (100, False)


def test_the_cap_comes_from_the_setting(settings):
    settings.LIST_COUNT_CAP = 3
    paginator = CappedPaginator(list(range(5)), 2)
    assert (paginator.count, paginator.count_is_capped) == (3, True)


@pytest.mark.django_db
def test_a_queryset_is_counted_with_one_limited_query(django_assert_num_queries):
    chaoyang = Region.objects.get(code="110105")
    for i in range(7):
        make_enterprise(f"北京分页{i}有限公司", chaoyang, 100 + i)
    paginator = CappedPaginator(Enterprise.objects.order_by("name", "id"), 2, cap=5)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 5
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]
    assert paginator.count_is_capped
    with django_assert_num_queries(1):  # the page and its extra row, in one query
        page = paginator.page(4)
    assert [e.name for e in page] == ["北京分页6有限公司"]
    assert not page.has_next()


@pytest.mark.django_db
def test_count_rows_are_what_is_counted_and_the_list_what_is_paged(django_assert_num_queries):
    chaoyang = Region.objects.get(code="110105")
    for i in range(7):
        make_enterprise(f"北京计数{i}有限公司", chaoyang, 200 + i)
    listed = Enterprise.objects.filter(name__startswith="北京计数").order_by("name", "id")
    paginator = CappedPaginator(
        listed, 3, cap=5, count_rows=Enterprise.objects.filter(uscc__in=listed.values("uscc"))
    )
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 5 and paginator.count_is_capped
    assert '"uscc" IN' in captured.captured_queries[0]["sql"]
    assert [e.name for e in paginator.page(3)] == ["北京计数6有限公司"]


# Paginators that must page exactly as CappedPaginator counting for itself.
SAME_PAGES = {
    "ids": lambda rows: CappedIdsPaginator(list(range(rows)), 10, cap=100),
    # The count the page has already (capped at one past the cap).
    "known count": lambda rows: CappedIdsPaginator(
        list(range(rows)), 10, cap=100, known_count=min(rows, 101)
    ),
    "count first": lambda rows: CountFirstIdsPaginator(list(range(rows)), 10, cap=100),
}


@pytest.mark.parametrize("kind", list(SAME_PAGES))
@pytest.mark.parametrize("rows", [0, 3, 95, 100, 101, 250])
def test_the_ids_paginators_page_as_the_capped_one(kind, rows):
    ids, capped = SAME_PAGES[kind](rows), CappedPaginator(list(range(rows)), 10, cap=100)
    assert (ids.count, ids.count_is_capped, ids.num_pages) == (
        capped.count,
        capped.count_is_capped,
        capped.num_pages,
    )
    for number in [1, 2, 9, 10, 11, 25, 26, 999, "x"]:
        mine, theirs = ids.get_page(number), capped.get_page(number)
        assert (mine.number, list(mine), mine.has_next()) == (
            theirs.number,
            list(theirs),
            theirs.has_next(),
        ), number


@pytest.mark.django_db
def test_the_ids_paginator_counts_and_pages_within_the_cap_in_one_query(
    django_assert_num_queries,
):
    chaoyang = Region.objects.get(code="110105")
    made = [make_enterprise(f"北京编号分页{i}有限公司", chaoyang, 200 + i) for i in range(7)]
    ids = Enterprise.objects.filter(name__startswith="北京编号分页").order_by("name", "id")
    paginator = CappedIdsPaginator(ids.values_list("pk", flat=True), 2, cap=5)
    with django_assert_num_queries(1) as captured:  # the count and pages 1 and 2
        assert (paginator.count, paginator.count_is_capped) == (5, True)
        assert list(paginator.page(1)) == [made[0].pk, made[1].pk]
        assert list(paginator.page(2)) == [made[2].pk, made[3].pk]
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]
    with django_assert_num_queries(1):  # past the head: its own slice
        last = paginator.page(4)
    assert list(last) == [made[6].pk] and not last.has_next()
    with django_assert_num_queries(1):  # the rows by key, in the page's order
        filled = fill_page(paginator.page(2), Enterprise.objects.all())
    assert list(filled) == [made[2], made[3]]


# --- the count's words --------------------------------------------------------------------


def count_text(page) -> str:
    return " ".join(render_to_string("includes/capped_count.html", {"page": page}).split())


@pytest.mark.parametrize(
    ("language", "rows", "text"),
    [
        ("en", 1, "1 result"),
        ("en", 999, "999 results"),
        ("en", 1500, "More than 1,000 results"),
        ("zh-hans", 999, "共 999 条"),
        ("zh-hans", 1500, "超过 1000 条"),  # Chinese groups digits by four
    ],
)
def test_the_count_says_more_than_the_cap(language, rows, text):
    page = CappedPaginator(list(range(rows)), 50, cap=1000).page(1)
    with translation.override(language):
        assert text in count_text(page)


@pytest.mark.django_db
def test_a_known_count_reads_only_the_pages_ids(django_assert_num_queries):
    chaoyang = Region.objects.get(code="110105")
    made = [make_enterprise(f"北京已知计数{i}有限公司", chaoyang, 300 + i) for i in range(7)]
    ids = Enterprise.objects.filter(name__startswith="北京已知计数").order_by("name", "id")
    paginator = CappedIdsPaginator(ids.values_list("pk", flat=True), 2, cap=5, known_count=6)
    with django_assert_num_queries(1) as captured:
        assert (paginator.count, paginator.count_is_capped) == (5, True)
        page = paginator.page(2)
    assert list(page) == [made[2].pk, made[3].pk] and page.has_next()
    assert "LIMIT 3 OFFSET 2" in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
@pytest.mark.parametrize(("cap", "capped"), [(10, False), (5, True)])
def test_a_search_counts_first_then_reads_its_matches_or_its_page(
    django_assert_num_queries, cap, capped
):
    """Within the cap, the count (in no order) and then every match's id in order, the
    pages cut from those; past it, the count and the page's own slice."""
    chaoyang = Region.objects.get(code="110105")
    made = [make_enterprise(f"北京先数后页{i}有限公司", chaoyang, 400 + i) for i in range(7)]
    ids = Enterprise.objects.filter(name__startswith="北京先数后页").order_by("name", "id")
    paginator = CountFirstIdsPaginator(ids.values_list("pk", flat=True), 2, cap=cap)
    with django_assert_num_queries(2) as captured:
        assert paginator.count_is_capped is capped
        assert list(paginator.page(2)) == [made[2].pk, made[3].pk]
    count, page = (q["sql"] for q in captured.captured_queries)
    assert "COUNT(*)" in count and "ORDER BY" not in count and f"LIMIT {cap + 1}" in count
    assert "ORDER BY" in page and ("LIMIT 3 OFFSET 2" if capped else "LIMIT 11") in page
    with django_assert_num_queries(1 if capped else 0):
        assert list(paginator.page(4)) == [made[6].pk]

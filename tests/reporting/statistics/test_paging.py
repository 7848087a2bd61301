"""The drill-down lists reached from a table cell show the cell's number and page
without counting the records again; the filter form offers one district's streets;
the hazards table's self-report drill-downs list the forms filed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.conf import settings

from reporting.statistics import views
from tests.reporting.statistics.world import NOW, build

pytestmark = pytest.mark.django_db

RECORDS = "/statistics/compliance/enterprises/"


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _rows(page) -> list[str]:
    html = page if isinstance(page, str) else page.content.decode()
    return re.findall(r'<tr data-testid="record"><td><a href="([^"]+)"', html)


def test_table_cells_carry_their_number(client, cast, world):
    _english(client, cast.district)
    data = client.get("/api/v1/statistics/compliance/").json()
    link = data["total"]["links"]["active"]
    assert parse_qs(urlparse(link).query)["n"] == ["5"]
    html = client.get("/statistics/compliance/").content.decode().replace("&amp;", "&")
    assert "measure=active&n=5" in html


def test_a_list_without_its_number_counts_up_to_the_cap(client, cast, world, settings):
    """Reached from elsewhere (no ``n``), the list counts its records up to
    LIST_COUNT_CAP and says "more than" beyond it."""
    _english(client, cast.district)
    assert "5 records" in client.get(RECORDS, {"measure": "active"}).content.decode()
    settings.LIST_COUNT_CAP = 3
    body = client.get(RECORDS, {"measure": "active"}).content.decode()
    assert "More than 3 records" in body and "5 records" not in body


def test_list_from_a_cell_pages_without_counting(client, cast, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _english(client, cast.district)
    counted = client.get(RECORDS, {"measure": "active"}).content.decode()
    body = client.get(RECORDS, {"measure": "active", "n": "5"}).content.decode()
    assert "5 records" in body and "Page 1 of 3" in body
    assert 'rel="next"' in body and "n=5&page=2" in body.replace("&amp;", "&")
    assert _rows(body) == _rows(counted)  # the same rows, in the same order
    seen = _rows(body)
    for number in ("2", "3"):
        seen += _rows(client.get(RECORDS, {"measure": "active", "n": "5", "page": number}))
    assert len(seen) == len(set(seen)) == 5
    # past the end: the last page; not a number: the first
    last = client.get(RECORDS, {"measure": "active", "n": "5", "page": "9"}).content.decode()
    assert "Page 3 of 3" in last and 'rel="next"' not in last
    assert _rows(last) == seen[4:]
    odd = client.get(RECORDS, {"measure": "active", "n": "5", "page": "x"}).content.decode()
    assert "Page 1 of 3" in odd


def test_bad_or_missing_number_is_counted(client, cast, world):
    _english(client, cast.district)
    for extra in ({}, {"n": "abc"}, {"n": "-3"}):
        body = client.get(RECORDS, {"measure": "active", **extra}).content.decode()
        assert "5 records" in body


def test_a_number_never_shows_another_scope(client, cast, world):
    _english(client, cast.other_district)
    body = client.get(RECORDS, {"measure": "active", "n": "500"}).content.decode()
    assert "统计一" not in body and "统计六" in body


def test_filter_form_offers_one_districts_streets(client, cast, world):
    _english(client, cast.city)
    html = client.get("/statistics/compliance/").content.decode()
    streets = re.search(r'<select[^>]*name="street">(.*?)</select>', html, re.S).group(1)
    assert "110105001" not in streets
    html = client.get("/statistics/compliance/", {"district": "110105"}).content.decode()
    streets = re.search(r'<select[^>]*name="street">(.*?)</select>', html, re.S).group(1)
    assert "110105001" in streets and "110108" not in streets
    _english(client, cast.district)
    html = client.get("/statistics/compliance/").content.decode()
    streets = re.search(r'<select[^>]*name="street">(.*?)</select>', html, re.S).group(1)
    assert "110105001" in streets and "110105002" in streets


@pytest.mark.parametrize("given", [{}, {"n": "5"}])
def test_the_pages_keep_the_lists_order(client, cast, world, monkeypatch, given):
    """The rows come in the list's order (by name), page after page, counted or not."""
    from enterprises.models import Enterprise

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _english(client, cast.district)
    seen: list[str] = []
    for number in ("1", "2", "3"):
        seen += _rows(client.get(RECORDS, {"measure": "active", "page": number, **given}))
    ids = [int(href.rstrip("/").split("/")[-1]) for href in seen]
    in_order = list(
        Enterprise.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", flat=True)
    )
    assert len(ids) == 5 and ids == in_order

"""The ledger's search finds exactly the hazards whose number or description contains
the words typed, whichever way PostgreSQL is told to read (hazards/selectors.py:
the grams index for rare fragments, a walk in the list's order for common ones), on
the page and in the API, and only within the user's scope."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Q

from hazards import services
from hazards.models import Hazard
from hazards.selectors import DESCRIPTION_GRAMS
from hazards.views import filter_hazards
from portal import text_search
from tests.hazards.factories import fields, record

WORDS = ["叉车", "司机", "未持证", "配电箱", "积尘", "安全出口", "堵塞", "砂轮机", "防护罩", "缺失"]


def descriptions(rng: random.Random, count: int) -> list[str]:
    """Sentences of a few common words, so that fragments repeat; some rare ones."""
    made = []
    for i in range(count):
        words = rng.sample(WORDS, rng.choice([1, 2, 3]))
        if i % 10 == 0:
            words.append(rng.choice(["锅炉", "Forklift", "氨制冷"]))
        made.append("，".join(words) + "。")
    return made


@pytest.fixture
def ledger(cast):
    rng = random.Random(2024)
    first = record(cast)
    today = first.found_on
    rows = []
    for i, text in enumerate(descriptions(rng, 240)):
        row = Hazard.objects.get(pk=first.pk)
        row.pk = None
        row.number = f"{cast.ent.uscc}-2019-{i:05d}"
        row.description = text
        row.found_on = today - datetime.timedelta(days=rng.randrange(400))
        rows.append(row)
    Hazard.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        # Statistics as production has them: common words walk, rare ones take the index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE hazards_hazard")
    text_search.forget_frequencies()
    yield rng
    text_search.forget_frequencies()


def expected(fragment: str) -> list[int]:
    found = Hazard.objects.filter(
        Q(number__icontains=fragment) | Q(description__icontains=fragment)
    )
    return list(found.order_by("-found_on", "-pk").values_list("pk", flat=True))


FRAGMENTS = ["叉车", "车司", "叉车司机", "未持证", "安全出口堵", "锅炉", "氨制冷", "冷", "积",
             "forklift", "FORK", "2019-0001", "无此词", "%", "_"]  # fmt: skip


def test_the_search_finds_exactly_what_icontains_finds(ledger):
    everyone = Hazard.objects.all()
    for fragment in FRAGMENTS:
        listed = filter_hazards(everyone, {"q": fragment})
        want = expected(fragment)
        # A page (limited, in the list's order: may walk) and the whole list (never walks).
        assert list(listed.values_list("pk", flat=True)[:20]) == want[:20], fragment
        assert sorted(listed.values_list("pk", flat=True)) == sorted(want), fragment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_common_words_walk_and_rare_ones_take_the_grams_index(ledger):
    everyone = Hazard.objects.all()
    assert text_search.gram_frequency(DESCRIPTION_GRAMS.name, "叉车") > 0.1
    # Pages of 1,000: within WALK_ROWS for a word in every fourth row, not for one
    # in every thirtieth.
    assert "STRPOS" in str(filter_hazards(everyone, {"q": "叉车"})[:1000].query)
    rare = str(filter_hazards(everyone, {"q": "氨制冷"})[:1000].query)
    assert "enterprise_name_grams" in rare and "STRPOS" not in rare
    # A count or an export: never a walk.
    assert "STRPOS" not in str(filter_hazards(everyone, {"q": "叉车"}).query)


def test_the_ledger_page_and_api_list_what_the_search_finds_in_scope(ledger, cast, client):
    foreign = services.hazard_record(
        actor=cast.other_district,
        enterprise=cast.other_ent,
        **fields(description="叉车司机未持证"),
    )
    want = [pk for pk in expected("叉车") if pk != foreign.pk]
    client.force_login(cast.district)
    page = client.get("/hazards/", {"q": "叉车"})
    assert page.status_code == 200
    shown = [hazard.pk for hazard in page.context["page"].object_list]
    assert shown == want[: len(shown)] and len(shown) > 0
    assert foreign.pk not in shown
    client.force_login(cast.district)
    api = client.get("/api/v1/hazards/", {"q": "叉车"})
    assert api.status_code == 200
    ids = [row["id"] for row in api.json()["results"]]
    assert ids == want[: len(ids)] and foreign.pk not in ids


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_a_districts_search_counts_through_its_own_grams_what_icontains_finds(ledger, cast, client):
    """The district's capped count reads the district's own grams (place_grams); it
    counts exactly the district's hazards that icontains finds, whatever else is
    filtered, and never another district's."""
    from django.test.utils import CaptureQueriesContext

    for text in ("叉车司机未持证", "叉车无护顶架", "锅炉压力表过期"):
        services.hazard_record(
            actor=cast.other_district, enterprise=cast.other_ent, **fields(description=text)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_hazard")
    client.force_login(cast.district)
    for fragment in ["叉车", "叉车司机", "未持证", "冷", "锅炉", "无此词"]:
        for extra in ({}, {"status": "pending"}, {"status": "closed"}):
            with CaptureQueriesContext(connection) as captured:
                page = client.get("/hazards/", {"q": fragment, **extra}).context["page"]
            want = [
                pk
                for pk in expected(fragment)
                if Hazard.objects.filter(pk=pk, enterprise__region=cast.chaoyang, **extra).exists()
            ]
            assert page.paginator.count == len(want), (fragment, extra)
            assert [h.pk for h in page.object_list] == want[: len(page.object_list)]
            counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
            assert any("place_grams" in sql for sql in counts), (fragment, extra)
            with CaptureQueriesContext(connection) as captured:
                api = client.get("/api/v1/hazards/", {"q": fragment, **extra}).json()
            assert api["count"] == len(want), (fragment, extra)
            assert [row["id"] for row in api["results"]] == want[: len(api["results"])]
            counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
            assert any("place_grams" in sql for sql in counts), (fragment, extra)

"""The registry's name search finds what icontains finds, through whichever index
(enterprises/name_search.py), after every way a name is written; the list's
capped count; constant queries."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from enterprises import services
from enterprises.models import Enterprise
from enterprises.name_search import NAME_GRAMS
from enterprises.selectors import could_be_uscc, filter_enterprises
from enterprises.uscc import make_uscc, normalise_uscc
from portal import text_search
from portal.models import Region
from tests.cast import make_enterprise

CJK = "华信京诚恒达源中科北公司新"
LATIN = "AbCxyZ"
DIGITS = "0123"


def generated_names(rng: random.Random, count: int) -> list[str]:
    """Names from a small alphabet, so that fragments repeat; some in Latin letters
    of both cases and digits, some of only one or two characters."""
    names = set()
    while len(names) < count:
        size = rng.choice([1, 2, 3, 5, 8, 12])
        pool = rng.choice([CJK, CJK, CJK + LATIN + DIGITS])
        names.add("".join(rng.choice(pool) for _ in range(size)))
    return sorted(names)


def fragments(rng: random.Random, names: list[str]) -> list[str]:
    """Pieces of the names (at their starts, ends and inside), in other cases,
    and fragments that may match nothing."""
    found = []
    for name in rng.sample(names, 60):
        size = rng.choice([1, 2, 2, 3, 4])
        start = rng.choice([0, max(0, len(name) - size), rng.randrange(len(name))])
        found.append(name[start : start + size])
    found += [piece.swapcase() for piece in found if piece.isascii()][:10]
    found += ["".join(rng.choice(CJK + LATIN + DIGITS) for _ in range(n)) for n in (1, 2, 2, 3, 4)]
    found += ["华信", "北京", "a", "B", "0", "%", "_", "信_", "x%"]
    return [piece for piece in dict.fromkeys(found) if piece.strip()]


def expected(qs, fragment: str) -> set[int]:
    """What the list finds: icontains on the name, or a code the fragment starts."""
    code = normalise_uscc(fragment)
    condition = Q(name__icontains=fragment)
    if could_be_uscc(code):
        condition |= Q(uscc__startswith=code)
    return set(qs.filter(condition).values_list("pk", flat=True))


@pytest.fixture
def generated(db):
    rng = random.Random(2013)
    chaoyang, haidian = Region.objects.get(code="110105"), Region.objects.get(code="110108")
    names = generated_names(rng, 300)
    Enterprise.objects.bulk_create(
        Enterprise(
            name=name,
            uscc=make_uscc("110105" if i % 3 else "110108", f"MA{i:07d}"),
            region=haidian if i % 3 == 0 else chaoyang,
        )
        for i, name in enumerate(names)
    )
    if connection.vendor == "postgresql":
        # Statistics as production has them: common grams take the walk along the
        # name index, the others the grams index. Both must find the same rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE enterprises_enterprise")
    text_search.forget_frequencies()
    yield rng, names
    text_search.forget_frequencies()


def test_the_search_finds_exactly_what_icontains_finds(generated):
    rng, names = generated
    everyone = Enterprise.objects.all()
    for fragment in fragments(rng, names):
        listed = filter_enterprises(everyone, search=fragment)
        want = expected(everyone, fragment)
        in_order = list(everyone.filter(pk__in=want).order_by("name", "id").values_list("pk"))
        # A page (limited, in name order: may walk), the whole list (never walks),
        # and within a district (the district and the grams in one index).
        assert list(listed.values_list("pk")[:1000]) == in_order, fragment
        assert set(listed.values_list("pk", flat=True)) == want, fragment
        in_district = filter_enterprises(everyone, search=fragment, district="110108")
        assert set(in_district.values_list("pk", flat=True)) == expected(
            everyone.filter(region_id="110108"), fragment
        ), fragment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_short_fragments_take_the_grams_index_or_the_walk_as_they_are_common(generated):
    everyone = Enterprise.objects.all()
    common = max(
        "华信京诚恒达源中科北公司新", key=lambda c: everyone.filter(name__contains=c).count()
    )
    assert text_search.gram_frequency(NAME_GRAMS.name, common) > 0.1
    page = str(filter_enterprises(everyone, search=common)[:50].query)
    assert "enterprise_name_grams" not in page  # a walk in name order
    # The whole list (an export): never a walk.
    assert "enterprise_name_grams" in str(filter_enterprises(everyone, search=common).query)
    rare = str(filter_enterprises(everyone, search="Zy")[:50].query)
    assert "enterprise_name_grams" in rare


# --- every writer of a name -----------------------------------------------------------------


def found(fragment: str) -> list[str]:
    page = filter_enterprises(Enterprise.objects.all(), search=fragment)[:50]
    return [e.name for e in page]


def renamed(old: str, new: str) -> None:
    """Found by the new name's own two characters, no longer by the old one's."""
    assert found(new[2:4]) == [new]
    assert found(old[2:4]) == []


def test_a_name_edited_on_the_page_is_found_by_its_new_name(cast, client_for):
    old, new = cast.ent.name, "北京甲乙精工有限公司"
    assert found(old[2:4]) == [old]
    client = client_for(cast.district)
    form = client.get(reverse("enterprises:edit", args=[cast.ent.pk])).context["form"]
    data = {k: getattr(v, "pk", v) for k, v in form.initial.items() if v is not None}
    response = client.post(reverse("enterprises:edit", args=[cast.ent.pk]), {**data, "name": new})
    assert response.status_code == 302
    renamed(old, new)


def test_a_name_patched_through_the_api_is_found_by_its_new_name(cast, client_for):
    old, new = cast.ent.name, "北京丙丁精工有限公司"
    response = client_for(cast.district).patch(
        f"/api/v1/enterprises/{cast.ent.pk}/", {"name": new}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    renamed(old, new)


def test_a_name_saved_by_the_service_and_by_a_bulk_update_is_found(cast):
    old = cast.ent.name
    cast.ent.name = "北京戊己精工有限公司"
    services.enterprise_save(actor=cast.district, enterprise=cast.ent)
    renamed(old, cast.ent.name)
    # A raw UPDATE, as the import's executemany and data fixes write.
    Enterprise.objects.filter(pk=cast.ent.pk).update(name="北京庚辛精工有限公司")
    renamed(cast.ent.name, "北京庚辛精工有限公司")


def test_names_inserted_in_bulk_are_found(cast):
    new = Enterprise(
        name="北京壬癸精工有限公司", uscc=make_uscc("110105", "MB0000001"), region=cast.chaoyang
    )
    Enterprise.objects.bulk_create([new])
    assert found("壬癸") == ["北京壬癸精工有限公司"]


def test_a_registration_approved_renames_the_registry_entry(cast):
    existing = make_enterprise("北京子丑机械厂", cast.chaoyang, 77)
    claim = services.enterprise_register(
        uscc=existing.uscc,
        name="北京寅卯机械有限公司",
        region=cast.chaoyang,
        contact_name="王五",
        contact_phone="13800138000",
        username="yinmao",
        email="yinmao@example.cn",
        password="Anquan-2026-x",
    )
    services.registration_approve(actor=cast.district, claim=claim)
    renamed("北京子丑机械厂", "北京寅卯机械有限公司")


# --- the list page and the API: capped count, scope, constant queries ----------------------


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_list_says_more_than_the_cap_and_pages_past_it(cast, client_for, english, settings):
    settings.LIST_COUNT_CAP = 60
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"北京华信{i:03d}号有限公司",
            uscc=make_uscc("110105", f"MC{i:07d}"),
            region=cast.chaoyang,
        )
        for i in range(120)
    )
    client = client_for(cast.district)
    first = client.get(reverse("enterprises:list"), {"q": "华信"})
    text = first.content.decode()
    assert "More than 60 results" in text
    assert 'rel="next"' in text
    assert 'data-testid="last-page"' not in text  # unknown past the cap
    third = client.get(reverse("enterprises:list"), {"q": "华信", "page": 3})
    names = [e.name for e in third.context["page"]]
    assert names == [f"北京华信{i:03d}号有限公司" for i in range(100, 120)]
    assert "Page 3" in third.content.decode()
    assert 'rel="next"' not in third.content.decode()
    exact = client.get(reverse("enterprises:list"), {"q": "华信11"}).content.decode()
    assert "10 results" in exact  # 110–119


def test_the_api_counts_up_to_the_cap_and_its_next_link_goes_past_it(cast, client_for, settings):
    settings.LIST_COUNT_CAP = 3
    for i in range(6):
        make_enterprise(f"北京华信{i}号有限公司", cast.chaoyang, 300 + i)
    client = client_for(cast.district)
    body = client.get("/api/v1/enterprises/", {"search": "华信", "page_size": 2}).json()
    assert (body["count"], body["count_is_capped"]) == (3, True)
    seen = [row["name"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["name"] for row in body["results"]]
    assert seen == [f"北京华信{i}号有限公司" for i in range(6)]
    exact = client.get("/api/v1/enterprises/", {"search": "华信0"}).json()
    assert (exact["count"], exact["count_is_capped"]) == (1, False)


def test_a_short_search_stays_inside_the_scope(cast, client_for):
    make_enterprise("北京华信海淀有限公司", cast.haidian, 401)
    client = client_for(cast.district)  # 朝阳区
    assert list(client.get(reverse("enterprises:list"), {"q": "华信"}).context["page"]) == []
    body = client.get("/api/v1/enterprises/", {"search": "华信"}).json()
    assert (body["count"], body["results"]) == (0, [])


def _queries(client, url, params, django_assert_max_num_queries) -> int:
    client.get(url, params)  # warm: the filter's districts, the grams' statistics
    with django_assert_max_num_queries(12) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/enterprises/", {"q": "测试"}),
        ("/enterprises/", {"q": "测试", "district": "110105"}),
        ("/enterprises/", {}),
        ("/api/v1/enterprises/", {"search": "测试"}),
        ("/api/v1/enterprises/", {}),
    ],
)
def test_the_list_runs_the_same_queries_for_5_and_for_60_enterprises(
    cast, client_for, django_assert_max_num_queries, url, params
):
    client = client_for(cast.district)
    for i in range(5):
        make_enterprise(f"北京测试{i:03d}有限公司", cast.chaoyang, 500 + i)
    few = _queries(client, url, params, django_assert_max_num_queries)
    for i in range(5, 60):
        make_enterprise(f"北京测试{i:03d}有限公司", cast.chaoyang, 500 + i)
    assert _queries(client, url, params, django_assert_max_num_queries) == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_a_longer_fragment_pages_by_like_and_counts_through_the_grams_index(generated):
    everyone = Enterprise.objects.all()
    fragment = "恒达源中"
    page = str(filter_enterprises(everyone, search=fragment)[:50].query)
    assert "enterprise_name_grams" not in page and "LIKE" in page  # the trigram index
    # The list's capped count: the grams index (with the district in it), not a walk
    # of the district's names testing each.
    count = filter_enterprises(everyone, search=fragment, district="110108").order_by()[:1001]
    assert "enterprise_name_grams" in str(count.query)
    assert count.count() == len(expected(everyone.filter(region_id="110108"), fragment))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_a_search_that_may_be_a_credit_code_counts_with_like_on_both_sides(generated):
    # Name or code: PostgreSQL may scan for the OR, testing each row; computing every
    # scanned name's grams made the city's count of a code prefix take 0.2 s.
    everyone = Enterprise.objects.all()
    count = filter_enterprises(everyone, search="91110105MA").order_by()[:1001]
    assert "enterprise_name_grams" not in str(count.query)
    assert count.count() == len(expected(everyone, "91110105MA"))

"""GET /api/v1/enterprises/: search, filters, ordering, pagination, query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from portal.models import Industry, Street
from tests.cast import make_enterprise

URL = "/api/v1/enterprises/"


@pytest.fixture
def registry(cast):
    """Besides the cast's two: three more in 朝阳区."""
    commerce = Industry.objects.get(code="commerce")
    second_street = cast.other_chaoyang_street  # 朝外街道
    return {
        "bolts": make_enterprise(
            "北京朝阳螺栓厂",
            cast.chaoyang,
            10,
            employees=300,
            scale=Enterprise.Scale.ABOVE,
            street=cast.chaoyang_street,
        ),
        "shop": make_enterprise(
            "北京朝外百货商店",
            cast.chaoyang,
            11,
            employees=8,
            industry=commerce,
            scale=Enterprise.Scale.SMALL_MICRO,
            street=second_street,
        ),
        "closed": make_enterprise(
            "北京已注销机械厂", cast.chaoyang, 12, employees=50, status=Enterprise.Status.CLOSED
        ),
    }


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_search_finds_a_name_fragment(api_for, cast, registry):
    assert names(api_for(cast.city).get(URL, {"search": "螺栓"})) == ["北京朝阳螺栓厂"]


def test_search_finds_a_uscc_typed_with_spaces_and_lower_case(api_for, cast, registry):
    code = registry["shop"].uscc
    typed = f"{code[:6]} {code[6:]}".lower()

    assert names(api_for(cast.city).get(URL, {"search": typed})) == ["北京朝外百货商店"]


def test_search_stays_inside_the_scope(api_for, cast, registry):
    client = api_for(cast.other_district)

    assert names(client.get(URL, {"search": registry["shop"].uscc})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "110108"}, ["北京海淀商贸有限公司"]),
        ({"street": "110105002"}, ["北京朝外百货商店"]),
        ({"industry": "commerce"}, ["北京朝外百货商店", "北京海淀商贸有限公司"]),
        ({"scale": "above"}, ["北京朝阳螺栓厂"]),
        ({"status": "closed"}, ["北京已注销机械厂"]),
        (
            {"district": "110105", "industry": "machinery", "status": "active"},
            ["北京朝阳精密机械有限公司", "北京朝阳螺栓厂"],
        ),
    ],
)
def test_filters_narrow_the_list(api_for, cast, registry, params, expected):
    assert sorted(names(api_for(cast.city).get(URL, params))) == sorted(expected)


def test_ordering_by_employees_descending(api_for, cast, registry):
    found = names(api_for(cast.district).get(URL, {"ordering": "-employees", "scale": "above"}))
    assert found == ["北京朝阳螺栓厂"]
    found = names(api_for(cast.district).get(URL, {"ordering": "-employees"}))
    assert found[:3] == ["北京朝阳螺栓厂", "北京已注销机械厂", "北京朝外百货商店"]


def test_ordering_by_uscc(api_for, cast, registry):
    rows = api_for(cast.city).get(URL, {"ordering": "uscc"}).json()["results"]

    codes = [row["uscc"] for row in rows]
    assert codes == sorted(codes) and len(codes) == 5


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"ordering": "revenue"}, "ordering", "not a valid choice"),
        ({"scale": "huge"}, "scale", "not a valid choice"),
        ({"status": "gone"}, "status", "not a valid choice"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api_for, cast, params, field, fragment):
    response = api_for(cast.city).get(URL, params)

    assert response.status_code == 400
    assert fragment in response.json()[field][0]


def test_pagination_with_a_page_size(api_for, cast, registry):
    client = api_for(cast.city)

    first = client.get(URL, {"page_size": 2}).json()
    last = client.get(URL, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1 and last["next"] is None


def test_the_default_page_holds_fifty(api_for, cast):
    for serial in range(60):
        make_enterprise(f"北京企业{serial:02d}", cast.chaoyang, 100 + serial)

    body = api_for(cast.city).get(URL).json()

    assert body["count"] == 62
    assert len(body["results"]) == 50


def test_a_row_names_its_district_street_industry_and_group(api_for, cast):
    row = (
        api_for(cast.city, language="zh-hans").get(URL, {"district": "110105"}).json()["results"][0]
    )

    assert row["district"] == "110105" and row["district_name"] == "朝阳区"
    assert row["street"] == "110105001" and row["street_name"] == "建外街道"
    assert row["industry"] == "machinery" and row["industry_name"] == "机械"
    assert row["group"] == cast.ent.group_id
    assert row["group_name"] == "北京京城机电控股有限责任公司"


def test_the_list_takes_the_same_few_queries_whatever_the_page_size(
    api_for, cast, django_assert_max_num_queries
):
    groups = [cast.group.organisation]
    streets = [cast.chaoyang_street] + [
        Street.objects.create(
            region=cast.chaoyang, code=f"11010501{i}", name=f"街道{i}", kind=Street.Kind.SUBDISTRICT
        )
        for i in range(3)
    ]
    industries = list(Industry.objects.all()[:4])
    for serial in range(40):
        make_enterprise(
            f"北京企业{serial:02d}",
            cast.chaoyang,
            100 + serial,
            street=streets[serial % 4],
            industry=industries[serial % 4],
            group=groups[0] if serial % 2 else None,
        )
    client = api_for(cast.city)

    counts = []
    for page_size in (2, 40):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(URL, {"page_size": page_size}).json()["results"]) == page_size
        counts.append(len(queries))
    with django_assert_max_num_queries(10):
        client.get(URL, {"page_size": 40, "district": "110105", "search": "企业"})

    assert counts[0] == counts[1]

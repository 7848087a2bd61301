"""The registry list: search, filters, sorting, pagination, constant queries; edits."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from portal.models import AuditEvent, Industry
from tests.cast import make_enterprise


@pytest.fixture
def many(cast):
    commerce = Industry.objects.get(code="commerce")
    for i in range(60):
        make_enterprise(
            f"北京测试{i:03d}贸易有限公司",
            cast.chaoyang,
            1000 + i,
            industry=commerce,
            scale="small_micro",
            employees=i,
            street=cast.chaoyang_street if i % 2 else None,
        )
    return cast


def names(response):
    return [e.name for e in response.context["page"]]


def test_search_by_name_or_uscc(many, client_for):
    client = client_for(many.district)
    assert names(client.get(reverse("enterprises:list"), {"q": "测试007"})) == [
        "北京测试007贸易有限公司"
    ]
    code = Enterprise.objects.get(name="北京测试008贸易有限公司").uscc
    assert names(client.get(reverse("enterprises:list"), {"q": code.lower()})) == [
        "北京测试008贸易有限公司"
    ]


def test_filters_combine(many, client_for):
    client = client_for(many.city)
    response = client.get(
        reverse("enterprises:list"),
        {
            "district": "110105",
            "street": many.chaoyang_street.code,
            "industry": "commerce",
            "scale": "small_micro",
        },
    )
    assert response.context["page"].paginator.count == 30
    response = client.get(reverse("enterprises:list"), {"district": "110108"})
    assert names(response) == [many.other_ent.name]


def test_sorting_and_pagination(many, client_for):
    client = client_for(many.district)
    response = client.get(
        reverse("enterprises:list"), {"sort": "-employees", "industry": "commerce"}
    )
    assert names(response)[0] == "北京测试059贸易有限公司"
    assert response.context["page"].paginator.num_pages == 2
    second = client.get(
        reverse("enterprises:list"), {"sort": "-employees", "industry": "commerce", "page": 2}
    )
    assert names(second)[-1] == "北京测试000贸易有限公司"


def test_the_list_runs_a_constant_number_of_queries(
    many, client_for, django_assert_max_num_queries
):
    client = client_for(many.district)
    # 11: the page's ids, then its rows (enterprises/selectors.py registry_rows); the
    # filter's districts and industries only until a process has read them.
    with django_assert_max_num_queries(11):
        client.get(reverse("enterprises:list"), {"q": "测试", "district": "110105"})
    for i in range(60):
        make_enterprise(f"北京测试加{i:03d}有限公司", many.chaoyang, 5000 + i)
    with django_assert_max_num_queries(11):
        client.get(reverse("enterprises:list"), {"q": "测试", "district": "110105"})


def test_a_district_edits_its_enterprise_and_the_change_is_audited(cast, client_for):
    client = client_for(cast.district)
    url = reverse("enterprises:edit", args=[cast.ent.pk])
    form = client.get(url).context["form"]
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None
    }
    data.update({"employees": 321, "address": "北京市朝阳区建国路1号"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    cast.ent.refresh_from_db()
    assert cast.ent.employees == 321
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.after == {"employees": 321, "address": "北京市朝阳区建国路1号"}
    assert event.before == {"employees": None, "address": ""}


def test_an_invalid_uscc_on_edit_is_explained_and_nothing_changes(cast, client_for):
    client = client_for(cast.district)
    url = reverse("enterprises:edit", args=[cast.ent.pk])
    bad = cast.ent.uscc[:17] + ("0" if cast.ent.uscc[-1] != "0" else "1")
    response = client.post(
        url, {"name": "改名", "uscc": bad, "region": "110105", "status": "active"}
    )
    assert "should be" in str(response.context["form"].errors["uscc"]) or "应为" in str(
        response.context["form"].errors["uscc"]
    )
    cast.ent.refresh_from_db()
    assert cast.ent.name != "改名"
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_a_district_cannot_move_an_enterprise_to_another_district(cast, client_for):
    client = client_for(cast.district)
    response = client.post(
        reverse("enterprises:edit", args=[cast.ent.pk]),
        {"name": cast.ent.name, "uscc": cast.ent.uscc, "region": "110108", "status": "active"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    cast.ent.refresh_from_db()
    assert cast.ent.region_id == "110105"


def test_an_industry_needing_a_licence_requires_its_number(cast, client_for):
    client = client_for(cast.city)
    response = client.post(
        reverse("enterprises:new"),
        {
            "name": "北京燃气站",
            "uscc": "91110108551385082Q",
            "region": "110108",
            "industry": "gas",
            "status": "active",
        },
    )
    assert "safety licence" in str(
        response.context["form"].errors["safety_licence_no"]
    ) or "许可证" in str(response.context["form"].errors["safety_licence_no"])
    assert not Enterprise.objects.filter(uscc="91110108551385082Q").exists()


def test_streets_filter_follows_the_district(cast, client_for):
    # The cast's 朝阳区 has 建外街道 and 朝外街道; 海淀区's 万寿路街道 is not offered.
    response = client_for(cast.city).get(reverse("enterprises:list"), {"district": "110105"})
    assert {s.name for s in response.context["streets"]} == {"建外街道", "朝外街道"}

"""The registry API's list builds its rows without the serializer (enterprises/api_rows.py):
each enterprise in the list is exactly what its detail (the serializer) gives, field by
field, in both languages, whatever is missing or set."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from certification.models import Certificate
from enterprises.models import Enterprise
from portal.models import Industry, Organisation, OrganisationKind
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


@pytest.fixture
def varied(cast):
    """Enterprises of 朝阳区 with every optional value set, or missing, or odd."""
    certified = issue(cast, make_tiered_version())
    Certificate.objects.filter(pk=certified.pk).update(status=Certificate.Status.SUSPENDED)
    group = Organisation.objects.filter(kind=OrganisationKind.GROUP).first()
    full = make_enterprise(
        "北京全称精密机械有限公司",
        cast.chaoyang,
        21,
        street=cast.chaoyang_street,
        group=group,
        employees=4321,
        annual_revenue=Decimal("123456.78"),
        scale=Enterprise.Scale.SMALL_MICRO,  # the figures say otherwise: a warning
        legal_representative="张三",
        safety_principal="李四",
        contact_name="王五",
        contact_phone="010-12345678",
        address="建国路1号",
        industry=Industry.objects.get(code="gas"),
        safety_licence_no="（京）WH安许证字〔2026〕000001",
        safety_licence_expires=datetime.date(2028, 5, 31),
        dishonesty_listed_on=datetime.date(2026, 1, 15),
        dishonesty_source="信用中国",
        dishonesty_reason="瞒报事故",
    )
    bare = make_enterprise("北京无门类商店", cast.chaoyang, 22, industry=None, scale="")
    # A code issued outside Beijing (area 310101): the API names it.
    Enterprise.objects.filter(pk=bare.pk).update(uscc="91310101MA1FPX1X0X")
    return [certified.enterprise_id, full.pk, bare.pk]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_listed_enterprise_is_its_detail(cast, varied, client_for, language):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listed = {
        row["id"]: row
        for row in client.get(reverse("api-enterprise-list"), {"page_size": 100}).json()["results"]
    }
    assert set(varied) <= set(listed)
    for pk in listed:
        detail = client.get(reverse("api-enterprise-detail", args=[pk])).json()
        assert listed[pk] == detail, pk
    full, bare = listed[varied[1]], listed[varied[2]]
    # What the comparison covered: values set, values missing, warnings, a standing.
    assert listed[varied[0]]["standing"]["suspended"] is True
    assert full["annual_revenue"] and full["safety_licence_expires"] == "2028-05-31"
    assert full["group_name"] and full["street_name"] and full["scale_warning"]
    assert bare["industry"] is None and bare["street"] is None and bare["group"] is None
    assert bare["uscc_warning"] and bare["standing"] is None

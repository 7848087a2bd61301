"""The registry list's rows (enterprises/registry_html.py): each column, the
suspended badge, dashes for what is missing, escaping and the empty table."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from certification.models import Certificate
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


def row_of(html: str, name: str) -> str:
    return next(row for row in html.split("<tr>") if name in row)


def test_each_column_of_a_certified_and_a_bare_enterprise(cast, client_for):
    certified = issue(cast, make_tiered_version())
    Certificate.objects.filter(pk=certified.pk).update(status=Certificate.Status.SUSPENDED)
    cast.ent.employees = 1234
    cast.ent.save(update_fields=["employees"])
    bare = make_enterprise("北京<u>下划线</u>五金厂", cast.chaoyang, 7, industry=None, scale="")

    html = client_for(cast.district).get(reverse("enterprises:list")).content.decode()
    row = row_of(html, cast.ent.uscc)
    assert (
        f'<a href="{reverse("enterprises:detail", args=[cast.ent.pk])}">{cast.ent.name}</a>' in row
    )
    assert f"<td>{cast.chaoyang.display_name}</td>" in row
    assert '<td class="text-end">1234</td>' in row
    assert f"<td>{cast.chaoyang_street.name}</td>" in row
    assert f"<td>{cast.ent.get_scale_display()}</td>" in row
    assert 'data-testid="grade">三级 <span class="badge text-bg-warning">已暂停</span>' in row
    assert f'data-testid="valid-until">{certified.valid_until:%Y-%m-%d}<' in row
    assert f"<td>{cast.ent.get_status_display()}</td></tr>" in row

    row = row_of(html, bare.uscc)
    assert "北京&lt;u&gt;下划线&lt;/u&gt;五金厂" in row and "<u>" not in row
    assert row.count("<td>—</td>") == 3  # street, industry, scale
    assert '<td class="text-end">—</td>' in row  # employees
    assert 'data-testid="valid-until">—<' in row


def test_an_empty_registry_page_says_so(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("enterprises:list"), {"q": "没有这个企业"}).content.decode()
    assert "No enterprise matches these filters." in html


def test_rows_take_districts_and_industries_from_the_reference_lists(cast, client_for):
    """The page's rows are read without joining districts and industries; an industry
    added after the lists were read is still named (the lists are read again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Industry

    client = client_for(cast.district)
    client.get(reverse("enterprises:list"))  # the reference lists are read now
    added = Industry.objects.create(code="ropeways", name="索道", name_en="Ropeways")
    make_enterprise("北京新行业索道有限公司", cast.chaoyang, 31, industry=added)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("enterprises:list"), {"q": "新行业索道"}).content.decode()
    row = row_of(html, "北京新行业索道有限公司")
    assert "<td>索道</td>" in row and f"<td>{cast.chaoyang.display_name}</td>" in row
    rows_query = next(
        q["sql"]
        for q in captured.captured_queries
        if '"enterprises_enterprise"."address"' in q["sql"]
    )
    assert "portal_region" not in rows_query and "portal_industry" not in rows_query

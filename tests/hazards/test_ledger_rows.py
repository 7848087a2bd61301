"""The hazard ledger's rows (hazards/ledger_html.py): the number's link, the
enterprise column for officials only, the truncated and escaped description, the
major badge and the overdue mark."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import Truncator

from hazards.models import Hazard
from tests.hazards.factories import record


def row_of(html: str, number: str) -> str:
    return next(row for row in html.split("<tr") if number in row)


def test_an_official_sees_each_column_and_an_enterprise_not_its_own_name(cast, client_for):
    long = "冲床<光电>保护装置失效，" + "操作人员手部可能进入危险区域" * 5
    general = record(cast, description=long, location="一号车间<冲压线>")
    major = record(cast, grade=Hazard.Grade.MAJOR)
    past = timezone.localdate() - datetime.timedelta(days=1)
    Hazard.objects.filter(pk=general.pk).update(deadline=past)

    html = client_for(cast.district).get(reverse("hazards:list")).content.decode()
    row = row_of(html, general.number)
    detail = reverse("hazards:detail", args=[general.pk])
    assert f'<a href="{detail}">{general.number}</a>' in row
    assert f"<td>{cast.ent.name} " in row and f">{cast.chaoyang.display_name}</span>" in row
    assert "冲床&lt;光电&gt;保护装置失效" in row and "<光电>" not in row
    with translation.override("zh-hans"):  # 60 characters with the ellipsis of the language
        assert f"<td>{escape(Truncator(long).chars(60))}<div" in row
    assert "危险区域操作人员手部可能进入危险区域<" not in row  # the end is cut
    assert "一号车间&lt;冲压线&gt;" in row
    assert f'<td>{past:%Y-%m-%d} <span class="badge text-bg-danger" data-testid="overdue">' in row
    assert 'data-testid="overdue"' not in row_of(html, major.number)
    assert '<span class="badge text-bg-danger">重大' in row_of(html, major.number)

    # Closed past its deadline: no longer overdue.
    Hazard.objects.filter(pk=general.pk).update(status=Hazard.Status.CLOSED)
    html = client_for(cast.district).get(reverse("hazards:list")).content.decode()
    assert 'data-testid="overdue"' not in html

    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("hazards:list")).content.decode()
    assert f"<td>{cast.ent.name} " not in html
    assert '<span class="badge text-bg-danger">Major' in row_of(html, major.number)

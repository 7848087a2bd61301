"""The applications table's rows (certification/applications/table_html.py) as the
list and the queue show them: links, labels, due dates, escaping, both languages."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from certification.models import Application, Status
from tests.cast import make_enterprise
from tests.certification.test_pages import group_submitted, submitted, version  # noqa: F401


def rows_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_each_row_links_and_labels_its_application(cast, version, client_for):  # noqa: F811
    application = submitted(cast, version)
    for name in ("certification:list", "certification:queue"):
        rows = rows_of(client_for(cast.district).get(reverse(name)))
        assert rows.count('data-testid="application-row"') == 1
        assert f'href="{reverse("certification:detail", args=[application.pk])}"' in rows
        assert cast.ent.name in rows and cast.ent.uscc in rows
        assert ">三级<" in rows and f">{application.get_status_display()}<" in rows
        assert f">{cast.chaoyang.display_name}<" in rows
        assert f">{application.industry.display_name}<" in rows
        assert f">{application.receiver.name}<" in rows
        assert f'data-testid="due">{application.due_on:%Y-%m-%d}' in rows
        assert 'data-label="审核状态"' not in rows and 'data-label="状态"' in rows


def test_an_overdue_row_is_marked_and_a_missing_due_date_is_a_dash(cast, version, client_for):  # noqa: F811
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)):
        old = submitted(cast, version)
    rows = rows_of(client_for(cast.district).get(reverse("certification:list")))
    assert 'class="table-danger"' in rows and 'data-testid="overdue">已逾期<' in rows

    Application.objects.filter(pk=old.pk).update(due_on=None)
    rows = rows_of(client_for(cast.district).get(reverse("certification:list")))
    assert 'class="table-danger"' not in rows and '<span class="text-muted">—</span>' in rows


def test_names_are_escaped(cast, version, client_for):  # noqa: F811
    cast.ent.name = '北京<script>alert("x")</script>机械厂'
    cast.ent.save(update_fields=["name"])
    submitted(cast, version)
    rows = rows_of(client_for(cast.district).get(reverse("certification:list")))
    assert "<script>" not in rows
    assert "北京&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;机械厂" in rows


def test_english_labels_and_the_empty_table(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(client.get(reverse("certification:list")))
    assert "No application matches these filters." in rows
    rows = rows_of(client.get(reverse("certification:queue")))
    assert "Nothing awaits your organisation." in rows


def test_a_group_sees_its_members_rows_in_english(cast, version, client_for):  # noqa: F811
    member = make_enterprise("北京朝阳机械九厂", cast.chaoyang, 190, group=cast.group.organisation)
    group_submitted(cast, version, member)
    client = client_for(cast.group)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(client.get(reverse("certification:list")))
    assert "北京朝阳机械九厂" in rows
    with translation.override("en"):
        grade, status = str(Application.Tier("3").label), str(Status.SUBMITTED.label)
    assert grade != "三级" and f'data-label="Grade">{grade}<' in rows
    assert f'data-label="Status" data-testid="status">{status}<' in rows
    # The district and industry in their English names, from the reference tables.
    assert cast.chaoyang.name_en and f'data-label="District">{cast.chaoyang.name_en}<' in rows
    industry = member.industry
    assert industry.name_en and f'data-label="Industry">{industry.name_en}<' in rows

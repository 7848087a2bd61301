"""The self-assessment list's rows (reviews/views/list_html.py) as an enterprise and
an official see them: links, the live score of a draft, the submitted day in Beijing,
localised periods, escaping, both languages."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings

from reviews import services
from tests.reviews.test_assessment_pages import answer_all, make_version, start


def rows_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_an_enterprise_sees_its_draft_live_and_its_submitted_one(cast, client_for):
    version = make_version()
    draft = start(cast, version)
    submitted = start(cast, version, team_leader="张伟")
    answer_all(submitted)
    # 23:30 on 31 December in UTC is already 1 January in Beijing.
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        services.assessment_submit(actor=cast.enterprise, assessment=submitted)

    rows = rows_of(client_for(cast.enterprise).get("/assessments/"))
    assert rows.count('data-testid="assessment-item"') == 2
    assert cast.ent.uscc not in rows  # no enterprise column on its own list
    assert f'data-id="{draft.pk}"' in rows and f'data-id="{submitted.pk}"' in rows
    assert f'href="/assessments/{draft.pk}/">继续<' in rows
    assert f'href="/assessments/{submitted.pk}/">查看<' in rows
    assert f'href="/assessments/{submitted.pk}/print/"' in rows
    assert rows.count("(实时)") == 1  # the draft's score is live
    assert '<div class="small text-muted">2026-01-01</div>' in rows
    assert "2025年1月1日 – 2025年12月31日" in rows
    assert f">{version.standard} · {version.version}<" in rows


def test_an_official_sees_the_enterprise_escaped_and_english_labels(cast, client_for):
    version = make_version()
    cast.ent.name = "北京<b>粗体</b>机械厂"
    cast.ent.save(update_fields=["name"])
    submitted = start(cast, version, team_leader="张伟", period_start=None, period_end=None)
    answer_all(submitted)
    services.assessment_submit(actor=cast.enterprise, assessment=submitted)

    client = client_for(cast.district)
    rows = rows_of(client.get("/assessments/"))
    assert "北京&lt;b&gt;粗体&lt;/b&gt;机械厂" in rows and "<b>" not in rows
    assert cast.ent.uscc in rows
    assert "… – …" in rows  # no period given
    assert "(实时)" not in rows

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(client.get("/assessments/"))
    assert 'data-label="Score" data-testid="item-score">' in rows
    assert f'href="/assessments/{submitted.pk}/">Open<' in rows and ">Print<" in rows


def test_an_empty_list_says_so_for_each_kind_of_user(cast, client_for):
    rows = rows_of(client_for(cast.enterprise).get("/assessments/"))
    assert 'data-testid="no-assessments">暂无自评。<' in rows
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "No submitted self-assessment of an enterprise you oversee." in rows_of(
        client.get("/assessments/")
    )

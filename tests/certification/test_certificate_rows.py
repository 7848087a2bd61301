"""The certificate list's rows (certification/lifecycle/list_html.py): what each
column shows, the overseer's review flag, escaping, both languages."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from certification.models import Certificate
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


def rows_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_a_row_shows_the_certificate_and_the_overseer_its_flag(cast, client_for):
    certificate = issue(cast, make_tiered_version())
    Certificate.objects.filter(pk=certificate.pk).update(
        review_flagged_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    cast.ent.name = "北京<i>斜体</i>机械厂"
    cast.ent.save(update_fields=["name"])
    certificate.refresh_from_db()

    rows = rows_of(client_for(cast.district).get(reverse("certification:lifecycle_certificates")))
    detail = reverse("certification:lifecycle_certificate", args=[certificate.pk])
    assert f'<a href="{detail}">{certificate.number}</a>' in rows
    assert "北京&lt;i&gt;斜体&lt;/i&gt;机械厂" in rows and "<i>" not in rows
    assert f"<td>{cast.chaoyang.display_name}</td>" in rows
    assert f'<td class="text-nowrap">{certificate.valid_until:%Y-%m-%d}</td>' in rows
    assert "<td>三级</td>" in rows
    assert f"<td>{certificate.get_status_display()} " in rows and "text-bg-warning" in rows
    # Not rendered yet: a dash instead of links.
    assert (
        '<td class="text-nowrap" data-testid="certificate-files"><span class="text-muted">—' in rows
    )

    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(client.get(reverse("certification:lifecycle_certificates")))
    assert ">Flagged<" in rows and "<td>Level 3</td>" in rows
    assert cast.chaoyang.name_en and f"<td>{cast.chaoyang.name_en}</td>" in rows


def test_an_empty_list_says_so(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(client.get(reverse("certification:lifecycle_certificates")))
    assert "No certificate matches these filters." in rows

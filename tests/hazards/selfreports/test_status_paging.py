"""The filing status page counts per street and reads only the streets a page shows:
paging through it lists every obligated enterprise once, in the download's order
(district, street by code, enterprises without a street last, name), and its
counts are the API's and the lists'."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from hazards.selfreports import status_views
from tests.cast import make_enterprise
from tests.hazards.selfreports.world import D, at, submitted

STATUS = "/hazards/self-reports/status/?period_kind=quarter&year=2025&period=3"
ROW = re.compile(r'data-testid="status-row"><td>([^<]+?) <span')


def _world(cast) -> None:
    with at(D(2025, 10, 14)):
        submitted(cast)
    for i, street in enumerate(
        [cast.other_chaoyang_street, None, cast.chaoyang_street, None, cast.other_chaoyang_street]
    ):
        make_enterprise(f"朝阳分页{4 - i}", cast.chaoyang, 70 + i, street=street)


def _paged(client, url: str, count: int) -> list[str]:
    names: list[str] = []
    for number in range(1, -(-count // status_views.PER_PAGE) + 1):
        names += ROW.findall(client.get(f"{url}&page={number}").content.decode())
    return names


def _exported(client, url: str) -> list[str]:
    export = client.get(url.replace("status/?", "status/export/?"))
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_paging_through_the_status_lists_each_enterprise_once_in_order(
    cast, client_for, monkeypatch
):
    _world(cast)
    monkeypatch.setattr(status_views, "PER_PAGE", 2)
    client = client_for(cast.district)
    for state in ("", "missing", "filed"):
        url = STATUS + (f"&state={state}" if state else "")
        expected = _exported(client, url)
        assert _paged(client, url, len(expected)) == expected, state
    everyone = _exported(client, STATUS)
    assert len(everyone) == 6 and everyone[-2:] == ["朝阳分页1", "朝阳分页3"]  # no street: last


def test_the_counts_are_the_lists_and_the_apis(cast, client_for):
    _world(cast)
    client = client_for(cast.district)
    html = client.get(STATUS).content.decode()
    summary = client.get(
        "/api/v1/self-report-status/summary/?period_kind=quarter&year=2025&period=3"
    ).json()["counts"]
    assert summary["total"] == 6 and summary["missing"] == 5 and summary["awaiting"] == 1
    for state, n in summary.items():
        assert f'data-testid="count-{state}">{n}<' in html, state
        if state != "total":
            assert len(_exported(client, f"{STATUS}&state={state}")) == n, state


def test_a_closed_enterprises_form_and_other_streets_are_not_counted(cast, client_for):
    from enterprises.models import Enterprise

    _world(cast)
    Enterprise.objects.filter(pk=cast.ent.pk).update(status=Enterprise.Status.CLOSED)
    client = client_for(cast.district)
    html = client.get(STATUS).content.decode()
    assert 'count-total">5<' in html and 'count-filed">0<' in html and 'count-missing">5<' in html
    street = client.get(f"{STATUS}&street={cast.other_chaoyang_street.code}").content.decode()
    assert 'count-total">2<' in street and 'count-missing">2<' in street
    Enterprise.objects.filter(pk=cast.ent.pk).update(status=Enterprise.Status.ACTIVE)
    street = client.get(f"{STATUS}&street={cast.chaoyang_street.code}").content.decode()
    assert 'count-total">2<' in street and 'count-awaiting">1<' in street
    assert 'count-missing">1<' in street

"""The public pages (no login): the progress page from the last frozen period, and
the warning list. Neither shows personal data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reporting.models import MetricSnapshot

pytestmark = pytest.mark.django_db

PERSONAL = ("张三", "13900000000", "t-district", "车间机械伤害")


def snapshot(period_code, dimension="", key="", frozen=True, **figures):
    return MetricSnapshot.objects.create(
        scope_kind="city",
        scope_key="",
        dimension=dimension,
        key=key,
        period_kind="month",
        period_code=period_code,
        as_of=datetime.date(2026, 5, 31),
        frozen_at=timezone.now() if frozen else None,
        figures=figures,
    )


@pytest.fixture
def frozen(db):
    snapshot(
        "2026-04", **{"compliance.active": 10, "compliance.compliant": 1, "compliance.rate": 10.0}
    )
    snapshot(
        "2026-05",
        **{
            "compliance.active": 200,
            "compliance.compliant": 50,
            "compliance.rate": 25.0,
            "compliance.live_1": 2,
            "compliance.live_3": 40,
        },
    )
    snapshot(
        "2026-05",
        "district",
        "110105",
        **{"compliance.active": 120, "compliance.compliant": 42, "compliance.rate": 35.0},
    )
    snapshot(
        "2026-05",
        "industry",
        "machinery",
        **{"compliance.active": 80, "compliance.compliant": 8, "compliance.rate": 10.0},
    )
    # The open month is not published.
    snapshot("2026-06", frozen=False, **{"compliance.active": 999, "compliance.rate": 99.0})


def test_progress_shows_the_last_frozen_period(client, english, frozen):
    response = client.get("/public/progress/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-05" in page and "999" not in page
    assert "朝阳区" in page and "35.0" in page
    assert "机械" in page
    data = client.get("/api/v1/public/progress/").json()
    assert data["period"] == "2026-05" and data["total"]["rate"] == 25.0
    assert {g["grade"]: g["count"] for g in data["grades"]}["1"] == 2
    assert [row["key"] for row in data["districts"]] == ["110105"]
    assert client.get("/public/progress/?period=week").status_code == 400


def test_progress_before_the_first_frozen_period(client, english, db):
    assert "No period has been closed yet" in client.get("/public/progress/").content.decode()
    assert client.get("/api/v1/public/progress/").json()["period"] == ""


def test_the_public_warning_list_names_enterprises_not_people(client, nightly):
    page = client.get("/public/warnings/").content.decode()
    assert "撤销一" in page and nightly.revoked.uscc in page
    for text in PERSONAL:
        assert text not in page
    data = client.get("/api/v1/public/warnings/").json()
    assert {row["enterprise"] for row in data["results"]} >= {"撤销一", "死亡事故"}
    assert set(data["results"][0]) == {
        "enterprise",
        "uscc",
        "district",
        "rule",
        "rule_label",
        "reason",
        "opened_on",
        "closed_on",
    }
    for text in PERSONAL:
        assert text not in str(data)
    assert client.get("/public/warnings/?state=deleted").status_code == 400
    assert client.get("/api/v1/public/warnings/?district=999999").status_code == 400


def test_the_public_header_links_both_pages(client, db):
    page = client.get("/public/certified/").content.decode()
    assert 'href="/public/progress/"' in page and 'href="/public/warnings/"' in page

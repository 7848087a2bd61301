"""The filter form's districts, streets and industries come from the cache
(reporting/statistics/options.py): a change shows at once when it is saved, and
after at most the stated lifetime when it bypasses the saves; each office sees the
places of its scope only."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from portal.models import Industry, Street
from reporting.statistics import options

pytestmark = pytest.mark.django_db

PAGE = "/statistics/accidents/"


def offered(client, select: str, query: str = "") -> dict[str, str]:
    """value -> label of a filter's options (the "All" option left out)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    block = re.search(rf'<select[^>]* name="{select}">(.*?)</select>', html, re.S)
    assert block, select
    return {
        value: label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block[1])
        if value
    }


def test_a_new_street_is_offered_at_once(client, cast):
    client.force_login(cast.district)
    before = offered(client, "street")
    assert "110105001" in before and "110108001" not in before  # 朝阳区's, not 海淀区's
    Street.objects.create(
        region=cast.chaoyang, code="110105099", name="新街道", kind=Street.Kind.SUBDISTRICT
    )
    assert offered(client, "street")["110105099"] == "朝阳区 · 新街道"
    client.force_login(cast.city)
    assert "110105099" in offered(client, "street", "district=110105")
    assert "110105099" not in offered(client, "street", "district=110108")


def test_a_renamed_or_deleted_place_follows_at_once(client, cast):
    client.force_login(cast.city)
    assert offered(client, "industry")["machinery"] == "Machinery"
    industry = Industry.objects.get(code="machinery")
    industry.name_en = "Machine building"
    industry.save(update_fields=["name_en"])
    assert offered(client, "industry")["machinery"] == "Machine building"
    Street.objects.filter(code="110108001").get().delete()
    assert "110108001" not in offered(client, "street", "district=110108")


def test_the_street_office_is_offered_its_own_street(client, cast):
    client.force_login(cast.street)
    assert list(offered(client, "street")) == [cast.chaoyang_street.code]
    assert list(offered(client, "district")) == ["110105"]


def test_a_write_without_signals_shows_after_the_lifetime(client, cast):
    lifetime = getattr(settings, "STATISTICS_OPTIONS_CACHE_SECONDS", options.DEFAULT_SECONDS)
    assert lifetime == 300
    client.force_login(cast.city)
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        assert offered(client, "industry")["machinery"] == "Machinery"
        Industry.objects.filter(code="machinery").update(name_en="Machine building")
        assert offered(client, "industry")["machinery"] == "Machinery"  # kept
        clock.shift(datetime.timedelta(seconds=lifetime + 1))
        assert offered(client, "industry")["machinery"] == "Machine building"


def test_the_lists_are_kept_under_their_version(cast, django_assert_num_queries):
    options.bump()
    with django_assert_num_queries(3):  # districts, streets, industries
        first = options.lists()
    with django_assert_num_queries(0):
        assert options.lists() == first
    options.bump()  # a new version: read again
    with django_assert_num_queries(3):
        options.lists()

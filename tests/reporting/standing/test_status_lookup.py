"""The feed's status lookup: the best live certificate of an enterprise holding two,
a region-bound client never reads another district's enterprise, and the lookup
itself is one query on PostgreSQL however many codes are sent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.standing.feeds import clients, status
from reporting.standing.models import FeedClient

pytestmark = pytest.mark.django_db


def feed(cast, regions=()):
    client, _token = clients.create_client(
        actor=cast.city,
        name=f"征信{len(regions)}",
        kind=FeedClient.Kind.CREDIT,
        scopes=["status"],
        regions=list(regions),
        rate_limit="1000/min",
    )
    return FeedClient.objects.prefetch_related("regions").get(pk=client.pk)


def test_the_best_live_certificate_counts_and_a_district_client_reads_only_its_own(cast, nightly):
    # A level 3 certificate beside the level 1: the lookup says level 1.
    nightly.certificate(nightly.level_1, "3")
    city_wide = feed(cast)
    found = status.lookup(
        city_wide, [nightly.level_1.uscc, nightly.recertified.uscc, cast.other_ent.uscc]
    )
    rows = {row["uscc"]: row for row in found.rows}
    assert rows[nightly.level_1.uscc]["grade"] == "1"
    assert rows[nightly.recertified.uscc]["grade"] == "3"  # its level 2 was revoked
    assert rows[cast.other_ent.uscc]["district"] == cast.haidian.name
    assert rows[cast.other_ent.uscc]["warning_rules"] == ["fatal_accident"]

    haidian_only = feed(cast, [cast.haidian])
    found = status.lookup(haidian_only, [nightly.level_1.uscc, cast.other_ent.uscc])
    assert [row["uscc"] for row in found.rows] == [cast.other_ent.uscc]
    assert found.not_found == [nightly.level_1.uscc]


def test_a_thousand_codes_are_one_query_on_postgresql(cast, nightly):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads the same answer in three queries")
    city_wide = feed(cast)
    codes = [nightly.level_1.uscc, *(f"91110105ZZ{n:07d}X" for n in range(999))]
    with CaptureQueriesContext(connection) as queries:
        found = status.lookup(city_wide, codes)
    assert len(queries) == 1
    assert [row["uscc"] for row in found.rows] == [nightly.level_1.uscc]
    assert len(found.not_found) + len(found.invalid) == 999

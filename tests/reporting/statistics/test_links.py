"""Every cell of a table links to its records exactly as drill_url builds the link
(with_links builds them faster, per row)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from reporting.statistics import figures
from reporting.statistics.filters import parse_filters
from reporting.statistics.views import drill_url, with_links

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("table_name", list(figures.TABLES))
@pytest.mark.parametrize("query", ["", "dimension=industry&period=2026", "dimension=grade"])
def test_cell_links_are_drill_urls(cast, table_name, query):
    filters = parse_filters(cast.district, QueryDict(query), table=table_name)
    rows, total = figures.table(table_name, cast.district, filters)
    with_links(table_name, filters, rows, total)
    for row in (*rows, total):
        for measure in figures.TABLES[table_name]:
            count = None if measure.aggregate else row[measure.name]
            expected = drill_url(table_name, filters, measure.name, row["key"], count)
            assert row["links"][measure.name] == expected

"""The registry's name search: ``name__icontains``, served by an index at any length.

On PostgreSQL a fragment of three or more characters is a plain ``icontains``,
which the trigram index of migration 0003 serves. pg_trgm indexes nothing
shorter, so a fragment of one or two characters (a 字号 such as 华信) goes
through the grams index of migration 0013: ``enterprise_name_grams(UPPER(name))
@> ARRAY[UPPER(fragment)]``, which holds exactly when the name contains the
fragment, plus the same LIKE, so the rows are those ``icontains`` finds.

That index answers a rare fragment in a few pages, but a common one (北京 is in
every name) would make PostgreSQL read most of the table to sort it by name. For
those, walking the (name, id) index and testing each name with LIKE finds the
first page in a few thousand index entries, without the heap. PostgreSQL cannot
choose between the two by itself here: it multiplies the two conditions'
selectivities, 100 times too low. ``NameFragment`` chooses when the query is
compiled, from the fragment's frequency in the index's statistics and the rows the
query asks for (its LIMIT): it walks when that takes at most WALK_ROWS entries.

SQLite has neither index; the search is ``icontains`` there.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import connections
from django.db.models import BooleanField, F, Func, Q

# Index entries a walk along the name index may read for one query (a few ms).
WALK_ROWS = 10_000
# The fragments the grams index serves; longer ones have trigrams.
GRAM_MAX = 2
# How long a process trusts the frequencies it read (ANALYZE refreshes them).
STATS_SECONDS = 600

GRAMS_INDEX = "enterprise_name_grams_idx"
GRAMS_FUNCTION = "enterprise_name_grams"


def name_condition(search: str, using: str = "default", *, may_walk: bool = True) -> Q:
    """The rows whose name contains ``search`` (case-insensitive), as ``icontains``.
    ``may_walk=False`` when the condition is one side of an OR: a walk along the
    name index would have to read each row for the other side."""
    if connections[using].vendor != "postgresql" or len(search) > GRAM_MAX:
        return Q(name__icontains=search)
    return Q(NameFragment(F("name"), fragment=search, may_walk=may_walk))


class NameFragment(Func):
    """``name`` contains ``fragment`` (1–2 characters): through the grams index or a
    walk along the name index, whichever reads less for this query (PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, expression: Any, *, fragment: str, may_walk: bool = True) -> None:
        super().__init__(expression)
        self.fragment = fragment
        self.may_walk = may_walk

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def,override]
        column, params = compiler.compile(self.source_expressions[0])
        pattern = f"%{connection.ops.prep_for_like_query(self.fragment)}%"
        like = f"UPPER({column}::text) LIKE UPPER(%s)"
        if self.may_walk and _walks(compiler.query, connection.alias, self.fragment):
            return like, [*params, pattern]
        grams = f"{GRAMS_FUNCTION}(UPPER({column}::text)) @> ARRAY[UPPER(%s::text)]"
        return f"({grams} AND {like})", [*params, self.fragment, *params, pattern]


def _walks(query: Any, alias: str, fragment: str) -> bool:
    """Whether walking the name index finds the rows the query asks for within
    WALK_ROWS entries: the query is in name order (or in none) and limited."""
    if query.high_mark is None or not _in_name_order(query):
        return False
    frequency = gram_frequency(fragment.upper(), alias)
    return frequency > 0 and query.high_mark / frequency <= WALK_ROWS


def _in_name_order(query: Any) -> bool:
    order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not order:
        return True  # any order: the walk's is as good as another
    first = order[0]
    if isinstance(first, str):
        return first.lstrip("-") == "name"
    target = getattr(first, "expression", first)
    return getattr(target, "name", None) == "name"


# --- the grams' frequencies, from the index's statistics --------------------------------

_lock = threading.Lock()
_frequencies: dict[str, tuple[float, dict[str, float]]] = {}


def gram_frequency(gram: str, alias: str = "default") -> float:
    """The share of enterprises whose name has ``gram``, as ANALYZE last sampled it;
    0.0 when it is not among the common ones (or nothing was sampled yet)."""
    with _lock:
        loaded = _frequencies.get(alias)
        if loaded is None or time.monotonic() - loaded[0] > STATS_SECONDS:
            loaded = (time.monotonic(), _read_frequencies(alias))
            _frequencies[alias] = loaded
    return loaded[1].get(gram, 0.0)


def forget_frequencies() -> None:
    """Read the statistics again on next use (after an ANALYZE)."""
    with _lock:
        _frequencies.clear()


def _read_frequencies(alias: str) -> dict[str, float]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [GRAMS_INDEX, GRAMS_FUNCTION],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return {}
    grams, frequencies = row
    return dict(zip(grams, frequencies, strict=False))

"""The registry's name search: ``name__icontains``, served by an index at any length.

pg_trgm (migration 0003) indexes nothing under three characters, yet a 字号 such as
华信 is two. Migration 0013 indexes every name's one- and two-character pieces
(``enterprise_name_grams(UPPER(name))``, with the district, in one GIN index):
a name contains a fragment only if it has all the fragment's pieces, so
``grams @> ARRAY[the fragment's pieces]`` finds the candidates and the same LIKE as
``icontains`` keeps exactly its rows.

That index answers in a few pages when few names match. When many do (北京 is in
every name), PostgreSQL would read each of them to sort them by name; walking the
(name, id) index instead and testing each name finds a page of 50 in a few
thousand index entries, without the heap. PostgreSQL cannot choose well by itself:
it multiplies the two conditions' selectivities, or trusts a LIKE histogram that
misses the fragment. ``NameFragment`` chooses when the query is compiled:

- a fragment of one or two characters, in a query in name order (or in none) with
  a LIMIT: a walk when, by the fragment's frequency in the grams index's
  statistics, it finds the rows asked for within WALK_ROWS entries;
- a longer fragment in such a query: the plain LIKE, for which PostgreSQL's
  estimates hold and which it serves with the trigram index or a walk;
- otherwise (a count, a sort by another column, an export): the grams index.

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
# How long a process trusts the frequencies it read (ANALYZE refreshes them).
STATS_SECONDS = 600

GRAMS_INDEX = "enterprise_name_grams_idx"
GRAMS_FUNCTION = "enterprise_name_grams"


def name_condition(search: str, using: str = "default", *, may_walk: bool = True) -> Q:
    """The rows whose name contains ``search`` (case-insensitive), as ``icontains``.
    ``may_walk=False`` when the condition is one side of an OR: a walk along the
    name index would have to read each row for the other side."""
    if connections[using].vendor != "postgresql":
        return Q(name__icontains=search)
    return Q(NameFragment(F("name"), fragment=search, may_walk=may_walk))


def pieces(fragment: str) -> list[str]:
    """What the grams index is asked for: the fragment itself up to two characters,
    else its two-character pieces."""
    if len(fragment) <= 2:
        return [fragment]
    return list(dict.fromkeys(fragment[i : i + 2] for i in range(len(fragment) - 1)))


class NameFragment(Func):
    """``name`` contains ``fragment``, case-insensitively: through the grams index, a
    walk along the name index, or the trigram index, whichever reads least for the
    query being compiled (PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, expression: Any, *, fragment: str, may_walk: bool = True) -> None:
        super().__init__(expression)
        self.fragment = fragment
        self.may_walk = may_walk

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        name = f"UPPER({column}::text)"
        query, short = compiler.query, len(self.fragment) <= 2
        paged = query.high_mark is not None and _in_name_order(query)
        if paged and self.may_walk and short and _walk_is_short(query, connection, self.fragment):
            # STRPOS rather than LIKE: the same test, but PostgreSQL has no statistics
            # for it and assumes a third of the rows match, so it walks the name
            # index as told instead of trusting a histogram that misses the fragment.
            return f"STRPOS({name}, UPPER(%s::text)) > 0", [*params, self.fragment]
        pattern = f"%{connection.ops.prep_for_like_query(self.fragment)}%"
        like = f"{name} LIKE UPPER(%s)"
        if paged and not short:
            return like, [*params, pattern]
        wanted = pieces(self.fragment)
        array = ", ".join(["UPPER(%s::text)"] * len(wanted))
        grams = f"{GRAMS_FUNCTION}({name}) @> ARRAY[{array}]"
        return f"({grams} AND {like})", [*params, *wanted, *params, pattern]


def _walk_is_short(query: Any, connection: Any, fragment: str) -> bool:
    """Whether a walk along the name index finds the rows the query asks for (its
    LIMIT) within WALK_ROWS entries, by the fragment's frequency."""
    frequency = gram_frequency(fragment.upper(), connection.alias)
    return frequency > 0 and query.high_mark / frequency <= WALK_ROWS


def _in_name_order(query: Any) -> bool:
    """In name order, or in none (a count: any order serves)."""
    order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not order:
        return True
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

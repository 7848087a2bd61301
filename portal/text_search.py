"""``column icontains fragment`` for Chinese text, served by a grams index at any length.

pg_trgm indexes nothing under three characters, yet a 字号 such as 华信 or a word
such as 叉车 is two, and pg_bigm is not available. A ``grams(UPPER(column))`` GIN
index (``enterprise_name_grams``, enterprises migration 0013: a text's distinct one-
and two-character pieces) finds the candidates: a text contains a fragment only if
it has all the fragment's pieces, so ``grams @> ARRAY[pieces]`` and then the same
LIKE as ``icontains`` keeps exactly its rows.

That index answers in a few pages when few rows match. When many do (北京 is in
every name, 叉车 in many hazards), PostgreSQL would read each of them to sort them;
walking the list's order index instead and testing each row finds a page of 50 in a
few thousand entries. PostgreSQL cannot choose well by itself: it multiplies the
conditions' selectivities, or trusts a LIKE histogram that misses the fragment.
``TextFragment`` chooses when the query is compiled, from the fragment's frequency in
the grams index's statistics (its pieces' frequencies for a longer fragment: it is
at most as common as its rarest piece):

- a longer fragment in a page in the list's order, on a column that also has a
  trigram index: the plain LIKE, for which PostgreSQL's estimates hold and which it
  serves with that index or a walk;
- otherwise a query with a LIMIT in the list's order, or in none (a capped count),
  walks when the fragment is common enough to fill the LIMIT within WALK_ROWS entries;
- otherwise (a count, another order, an export): the grams index.

SQLite has neither index; the search is ``icontains`` there.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Func

# Index entries a walk along the list's order may read for one query (a few ms).
WALK_ROWS = 10_000
# How long a process trusts the frequencies it read (ANALYZE refreshes them).
STATS_SECONDS = 600

# The SQL function both grams indexes are built on (enterprises migration 0013).
GRAMS_FUNCTION = "enterprise_name_grams"


@dataclass(frozen=True)
class GramsIndex:
    """A GIN index on ``GRAMS_FUNCTION(UPPER(column))``, and how its list walks."""

    name: str  # the index, whose statistics hold the grams' frequencies
    order: str  # the field of the list's order a walk follows
    trigram: bool = False  # the column also has a pg_trgm index for 3+ characters


def pieces(fragment: str) -> list[str]:
    """What the grams index is asked for: the fragment itself up to two characters,
    else its two-character pieces."""
    if len(fragment) <= 2:
        return [fragment]
    return list(dict.fromkeys(fragment[i : i + 2] for i in range(len(fragment) - 1)))


class TextFragment(Func):
    """The column contains ``fragment``, case-insensitively: through the grams index,
    a walk along the list's order, or the trigram index, whichever reads least for the
    query being compiled (PostgreSQL)."""

    output_field = BooleanField()

    def __init__(
        self, expression: Any, *, fragment: str, index: GramsIndex, may_walk: bool = True
    ) -> None:
        super().__init__(expression)
        self.fragment = fragment
        self.index = index
        self.may_walk = may_walk

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        text = f"UPPER({column}::text)"
        query, short = compiler.query, len(self.fragment) <= 2
        order = _order(query)
        paged = query.high_mark is not None and (not order or _follows(order, self.index.order))
        wanted = pieces(self.fragment)
        # A longer fragment in a page on a column with a trigram index: PostgreSQL's
        # estimates. A capped count (no order) is chosen here: PostgreSQL walked a
        # district's names for it where the grams index read a tenth as much.
        # Not inside an OR: there a seq scan may test every row, and the plain LIKE is
        # the cheaper test.
        estimated = short or not self.index.trigram or (not order and self.may_walk)
        if paged and self.may_walk and estimated and self._walk_is_short(query, connection, wanted):
            # STRPOS rather than LIKE: the same test, but PostgreSQL has no statistics
            # for it and assumes a third of the rows match, so it walks the order's
            # index as told instead of trusting a histogram that misses the fragment.
            return f"STRPOS({text}, UPPER(%s::text)) > 0", [*params, self.fragment]
        pattern = f"%{connection.ops.prep_for_like_query(self.fragment)}%"
        like = f"{text} LIKE UPPER(%s)"
        if paged and not estimated:
            return like, [*params, pattern]
        array = ", ".join(["UPPER(%s::text)"] * len(wanted))
        grams = f"{GRAMS_FUNCTION}({text}) @> ARRAY[{array}]"
        # LIKE first: where a row is tested rather than found through the index (a scan
        # for the other side of an OR), the cheap test rules most rows out before the
        # grams are computed (about 25 µs a name).
        return f"({like} AND {grams})", [*params, pattern, *params, *wanted]

    def _walk_is_short(self, query: Any, connection: Any, wanted: list[str]) -> bool:
        """Whether a walk finds the rows the query asks for (its LIMIT) within
        WALK_ROWS entries, by the rarest piece's frequency."""
        frequency = min(
            gram_frequency(self.index.name, piece.upper(), connection.alias) for piece in wanted
        )
        return frequency > 0 and query.high_mark / frequency <= WALK_ROWS


# The grams prefixed by their row's place (hazards migration 0014).
PLACE_GRAMS_FUNCTION = "place_grams"


class PlaceFragment(Func):
    """The column contains ``fragment``, in the rows whose ``place`` expression equals
    ``place``: through a GIN index on ``PLACE_GRAMS_FUNCTION(place, UPPER(column))``,
    whose grams carry their row's place, so one place's candidates are read without
    the others' (PostgreSQL). For a count: the rows are found in no order."""

    output_field = BooleanField()

    def __init__(self, expression: Any, place_expression: Any, *, fragment: str, place: str):
        super().__init__(expression, place_expression)
        self.fragment = fragment
        self.place = place

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        place, place_params = compiler.compile(self.source_expressions[1])
        text = f"UPPER({column}::text)"
        wanted = pieces(self.fragment)
        pattern = f"%{connection.ops.prep_for_like_query(self.fragment)}%"
        array = ", ".join(["(%s || UPPER(%s::text))"] * len(wanted))
        keys = [value for piece in wanted for value in (f"{self.place}:", piece)]
        return (
            f"({text} LIKE UPPER(%s) AND {PLACE_GRAMS_FUNCTION}({place}, {text}) "
            f"@> ARRAY[{array}])",
            [*params, pattern, *place_params, *params, *keys],
        )


def _order(query: Any) -> tuple:
    """The query's order: its own, or its model's default; () for none (a count)."""
    return tuple(query.order_by or (query.get_meta().ordering if query.default_ordering else ()))


def _follows(order: tuple, field: str) -> bool:
    """Whether ``order`` starts with ``field`` (either way)."""
    first = order[0]
    if isinstance(first, str):
        return first.lstrip("-") == field
    target = getattr(first, "expression", first)
    return getattr(target, "name", None) == field


# --- the grams' frequencies, from the index's statistics --------------------------------

_lock = threading.Lock()
_frequencies: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def gram_frequency(index: str, gram: str, alias: str = "default") -> float:
    """The share of rows whose text has ``gram``, as ANALYZE last sampled it; 0.0
    when it is not among the common ones (or nothing was sampled yet)."""
    key = (alias, index)
    with _lock:
        loaded = _frequencies.get(key)
        if loaded is None or time.monotonic() - loaded[0] > STATS_SECONDS:
            loaded = (time.monotonic(), _read_frequencies(index, alias))
            _frequencies[key] = loaded
    return loaded[1].get(gram, 0.0)


def forget_frequencies() -> None:
    """Read the statistics again on next use (after an ANALYZE)."""
    with _lock:
        _frequencies.clear()


def _read_frequencies(index: str, alias: str) -> dict[str, float]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [index, GRAMS_FUNCTION],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return {}
    grams, frequencies = row
    return dict(zip(grams, frequencies, strict=False))

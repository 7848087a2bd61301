"""The registry's name search: ``name__icontains``, served by an index at any length.

Migration 0013 indexes every name's one- and two-character pieces with the district
(``enterprise_name_grams(UPPER(name))`` and ``region_id`` in one GIN index, so a
district's search intersects the two inside the index); migration 0003's trigram
index serves fragments of three characters or more. portal/text_search.py chooses,
per query, between them and a walk along the (name, id) index.

SQLite has neither index; the search is ``icontains`` there.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import F, Q

from portal.text_search import GramsIndex, TextFragment

NAME_GRAMS = GramsIndex(name="enterprise_name_grams_idx", order="name", trigram=True)


def name_condition(search: str, using: str = "default", *, may_walk: bool = True) -> Q:
    """The rows whose name contains ``search`` (case-insensitive), as ``icontains``.
    ``may_walk=False`` when the condition is one side of an OR: a walk along the
    name index would have to read each row for the other side."""
    if connections[using].vendor != "postgresql":
        return Q(name__icontains=search)
    return Q(TextFragment(F("name"), fragment=search, index=NAME_GRAMS, may_walk=may_walk))

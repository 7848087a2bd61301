"""The API's JSON parser: DRF's, refusing bodies nested deeper than MAX_JSON_DEPTH.

Python's json module recurses once per level: 100,000 "[" exhaust the stack
and DRF turns the RecursionError into a 500. No portal body nests more than a
few levels, so anything past the limit is a 400 saying so.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64


def _too_deep(data) -> bool:
    """Whether data nests lists and dicts more than MAX_JSON_DEPTH levels (iterative)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = _too_deep(data)
        if too_deep:
            raise ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.")
                % {"depth": MAX_JSON_DEPTH}
            )
        return data

"""A deeply nested JSON body is refused with a 400 naming the limit, never a 500."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import parsers
from rest_framework.views import APIView

from portal.parsers import MAX_JSON_DEPTH

TOKEN_URL = "/api/v1/auth/token/"


def deep(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("body", ["[" * 100_000, deep(100_000), '{"a":' * 50_000])
def test_a_deeply_nested_token_request_is_a_400(api, body):
    response = api.generic(
        "POST", TOKEN_URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert f"nested more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_a_deeply_nested_patch_is_a_400_and_changes_nothing(api_for, cast):
    before = cast.ent.name
    response = api_for(cast.district).generic(
        "PATCH",
        f"/api/v1/enterprises/{cast.ent.pk}/",
        '{"name": ' + deep(100_000) + "}",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    cast.ent.refresh_from_db()
    assert cast.ent.name == before


def test_just_over_the_limit_is_refused_and_at_the_limit_is_parsed(api):
    over = api.generic(
        "POST",
        TOKEN_URL,
        deep(MAX_JSON_DEPTH + 1),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert over.status_code == 400 and "nested" in over.json()["detail"]

    at_limit = api.generic(
        "POST",
        TOKEN_URL,
        deep(MAX_JSON_DEPTH),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # Parsed, then refused by the serializer as not an object: not the depth message.
    assert at_limit.status_code == 400
    assert "nested" not in str(at_limit.json())


def _api_views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if view is not None and issubclass(view, APIView):
                actions = getattr(pattern.callback, "actions", None) or {}
                yield view, [getattr(view, name, None) for name in actions.values()]


def test_every_api_endpoint_parses_json_with_the_depth_limit():
    """Keeps it so: a view or action that lists its own parsers uses portal's JSONParser."""
    unlimited = set()
    for view, handlers in _api_views():
        parser_lists = [view.parser_classes] + [
            handler.kwargs.get("parser_classes", [])
            for handler in handlers
            if handler is not None and hasattr(handler, "kwargs")
        ]
        for parser_list in parser_lists:
            if parsers.JSONParser in parser_list:
                unlimited.add(view.__name__)
    assert unlimited == set()

"""The bare-Django floor of a list page: what the same rows cost when a minimal view
renders them, through the same test client and middleware, in the same run.

A bench prints its page's time beside this floor and their ratio: on 2 shared
cores the absolute figures move with the load, the ratio much less. The floor
view runs one query (the rows, by primary key) and renders them with a template
of a few lines, as HTML or as JSON; the session and user lookups of the
middleware are in both figures.

    from bench._floor import Floor
    floor = Floor(lambda: Enterprise.objects.filter(pk__in=ids).values_list("name", "uscc"))
    median_ms, p95_ms = floor.measure(client, kind="html", requests=50, warmup=5)

The floor's URL exists only while ``measure`` runs (a URLconf of its own that
includes the project's, set with override_settings).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.test.utils import override_settings
from django.urls import include, path

FLOOR_URL = "/__bench_floor__/"

_TEMPLATE = """<!doctype html><title>floor</title><table>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>"""

# The rows of the floor being measured; set by Floor.measure.
_rows: Callable[[], Iterable[Sequence[Any]]] = list


def floor_view(request: HttpRequest, kind: str) -> HttpResponse:
    rows = [list(row) for row in _rows()]
    if kind == "json":
        return JsonResponse({"results": rows}, json_dumps_params={"default": str})
    template = engines["django"].from_string(_TEMPLATE)
    return HttpResponse(template.render({"rows": rows}, request))


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/<str:kind>/", floor_view),
    path("", include("portal.urls")),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def timed(client: Any, url: str, requests: int, warmup: int) -> list[float]:
    """Milliseconds of ``requests`` GETs of ``url`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


class Floor:
    """``rows()`` returns the rows to render (one query: a values_list by pk)."""

    def __init__(self, rows: Callable[[], Iterable[Sequence[Any]]]) -> None:
        self.rows = rows

    def measure(
        self, client: Any, *, kind: str = "html", requests: int = 50, warmup: int = 5
    ) -> tuple[float, float]:
        """(median ms, p95 ms) of the floor view through ``client``."""
        global _rows
        _rows = self.rows
        with override_settings(ROOT_URLCONF=__name__):
            response = client.get(f"{FLOOR_URL}{kind}/")
            assert response.status_code == 200, response.status_code
            timings = timed(client, f"{FLOOR_URL}{kind}/", requests, warmup)
        return statistics.median(timings), percentile(timings, 0.95)

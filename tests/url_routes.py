"""Every URL pattern of the portal, as the resolver sees it, and which of
them take an id: the keep-it-so guard of tests/portal/test_url_matrix.py.

A pattern "takes an id" when it has a parameter (a path converter or a
regex named group) that names an object: everything except the few
parameters listed in NOT_IDS, which choose among fixed words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Parameters that pick one of a fixed set of words, not an object.
NOT_IDS = {
    "format": "DRF's format suffix (.json, .api)",
    "transition": "a workflow move's name (certification/workflow.py)",
    "action": "a certificate change's name (suspend, revoke, ...)",
    "kind": "which certificate file (pdf, plaque)",
    "app_label": "a Django admin app's label",
    "url": "the Django admin's catch-all (redirects to its index)",
}


@dataclass(frozen=True)
class Route:
    """One pattern: its full route (prefixes of the includes joined), its
    name with namespaces ("certification:detail"), its parameters and view."""

    route: str
    name: str | None
    params: tuple[str, ...]
    callback: object = None

    @property
    def key(self) -> str:
        """How the matrix names it: the URL name, else the route."""
        return self.name or self.route

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NOT_IDS)


def _params(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.regex.groupindex)


def walk(
    patterns: Iterable | None = None,
    prefix: str = "",
    namespace: str = "",
    params: tuple[str, ...] = (),
) -> list[Route]:
    """Every URLPattern under ``patterns`` (default: ROOT_URLCONF),
    included resolvers and DRF routers' patterns included."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes = []
    for entry in patterns:
        here = (*params, *_params(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            routes += walk(entry.url_patterns, prefix + str(entry.pattern), inner, here)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            routes.append(Route(prefix + str(entry.pattern), name, here, entry.callback))
    return routes


def uncovered(
    routes: Iterable[Route], covered: Mapping | Iterable[str], prefixes: Iterable[str] = ()
) -> list[str]:
    """The routes that take an id and are neither in ``covered`` (keys) nor
    under one of ``prefixes`` (route prefixes checked as a whole, e.g. the
    Django admin): what the matrix is missing."""
    covered = set(covered)
    prefixes = tuple(prefixes)
    missing = {
        f"{route.key}  ({route.route}: {', '.join(route.ids)})"
        for route in routes
        if route.ids and route.key not in covered and not route.route.startswith(prefixes)
    }
    return sorted(missing)

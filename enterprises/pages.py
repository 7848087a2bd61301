"""Sections that apps above the registry add to an enterprise's page (certification
adds its certificates): each registers a function in its AppConfig.ready, so the
registry never imports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

# (request, enterprise) -> the section's HTML, or "" when it has nothing to show.
Section = Callable[[Any, Any], str]

_SECTIONS: list[Section] = []


def add_detail_section(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def detail_sections(request: Any, enterprise: Any) -> list[SafeString]:
    """The registered sections' HTML for this page, in registration order."""
    return [SafeString(html) for section in _SECTIONS if (html := section(request, enterprise))]


# The registry list's "standing" columns (grade and certificate validity) come from
# the app that issues certificates; it registers one provider in its AppConfig.ready.
class StandingProvider:
    """What certification tells the registry about enterprises: the grade choices,
    a condition selecting enterprises of a grade, and each listed enterprise's best
    live certificate."""

    def choices(self) -> list[tuple[str, str]]:
        return []

    def condition(self, grade: str) -> Any:  # a Q on enterprises, None if unknown
        return None

    def rows(self, enterprise_ids: list[int]) -> dict[int, dict[str, Any]]:
        return {}


_standing: list[StandingProvider] = [StandingProvider()]


def set_standing_provider(provider: StandingProvider) -> None:
    _standing[0] = provider


def standing() -> StandingProvider:
    return _standing[0]

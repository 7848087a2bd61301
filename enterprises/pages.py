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

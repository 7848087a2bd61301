"""The application preconditions' check list, for the pages of apps above the registry
(the application page) without their views computing it."""

from __future__ import annotations

from typing import Any

from django import template

from enterprises import preconditions

register = template.Library()


@register.inclusion_tag("enterprises/_preconditions.html")
def precondition_checklist(enterprise: Any, application: Any = None) -> dict[str, Any]:
    return {"preconditions": preconditions.checklist(enterprise), "application": application}

"""Pages of certification/publicity.py, and the data of its panel on the
application's detail page (templates/certification/_publicity_panel.html)."""

from __future__ import annotations

from certification.models import Application


def detail_context(request, application: Application) -> dict:
    """What the publicity panel of the detail page needs (keys prefixed publicity_)."""
    return {}

"""Pages of certification/onsite.py, and the data of its panel on the
application's detail page (templates/certification/_onsite_panel.html)."""

from __future__ import annotations

from certification.models import Application


def detail_context(request, application: Application) -> dict:
    """What the onsite panel of the detail page needs (keys prefixed onsite_)."""
    return {}

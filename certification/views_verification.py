"""Pages of certification/verification.py, and the data of its panel on the
application's detail page (templates/certification/_verification_panel.html)."""

from __future__ import annotations

from certification.models import Application


def detail_context(request, application: Application) -> dict:
    """What the verification panel of the detail page needs (keys prefixed verification_)."""
    return {}

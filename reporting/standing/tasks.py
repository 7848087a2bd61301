"""Celery tasks of reporting/standing/ (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from reporting.standing import tiers, warnings

__all__ = ["standing_nightly"]


@shared_task(name="reporting.standing_nightly")
def standing_nightly() -> dict[str, int]:
    """The warning list, then the tiers (which count the open entries); beat:
    portal/settings.py. Safe to run twice: the second run finds nothing to change."""
    listed = warnings.evaluate()
    computed = tiers.compute()
    return {
        "opened": listed.opened,
        "closed": listed.closed,
        "written": computed.written,
        "changes": computed.changes,
    }

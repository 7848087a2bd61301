"""What the hazard ledger offers the standardization review, through the registry so that
neither app imports the other (certification and hazards sit side by side):

- the review unit's pre-visit brief: the enterprise's open major hazards and the counts
  of its general ones;
- recording an on-site review finding as a hazard of the enterprise's ledger.

The hazards app registers both in its AppConfig.ready; certification calls them here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from portal.errors import ServiceError

# (user, enterprise) -> the brief (a dict of plain values), or None when the user may
# not see the enterprise's hazards.
BriefProvider = Callable[[Any, Any], dict[str, Any] | None]


# keyword arguments actor, enterprise, description, criterion_id, deadline, location,
# category -> (hazard id, hazard number); raises ServiceError and then writes nothing.
FindingRecorder = Callable[..., tuple[int, str]]

_providers: dict[str, Any] = {}


def provide_brief(provider: BriefProvider) -> None:
    _providers["brief"] = provider


def provide_finding_recorder(recorder: FindingRecorder) -> None:
    _providers["recorder"] = recorder


def pre_visit_brief(user: Any, enterprise: Any) -> dict[str, Any] | None:
    """The enterprise's hazards as the review unit should know them before its visit."""
    provider = _providers.get("brief")
    return provider(user, enterprise) if provider is not None else None


def record_finding(**kwargs: Any) -> tuple[int, str]:
    """Record a review finding in the enterprise's hazard ledger: (id, number)."""
    recorder = _providers.get("recorder")
    if recorder is None:
        raise ServiceError(_("The hazard ledger is not available."))
    result: tuple[int, str] = recorder(**kwargs)
    return result

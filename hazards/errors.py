"""The ledger's refusals beyond bad input (portal.errors.ServiceError, a 400)."""

from __future__ import annotations

from portal.errors import ServiceError


class HazardForbidden(ServiceError):
    """The user's organisation or role may not do this to the hazard (a 403)."""


class HazardConflict(ServiceError):
    """The hazard is no longer in a state the move starts from, typically because
    someone else acted first (a 409)."""

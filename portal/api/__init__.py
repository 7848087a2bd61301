"""REST API of the portal: token, current user, organisations, users, regions.

Conventions shared by every endpoint under /api/v1/ (enterprises/api.py
builds on them):

- Authentication: a token (``Authorization: Token <key>``, from
  ``POST /api/v1/auth/token/``) or the browser session. Without either the
  answer is **401** with ``WWW-Authenticate: Token`` (token authentication is
  listed first on purpose, so DRF answers 401 rather than 403).
- A user whose organisation is not active (pending, rejected, suspended)
  may fetch ``GET /api/v1/me/`` and nothing else: 403 everywhere else.
- Outside the user's scope (``visible_to``) an object is 404; inside it,
  without the right role, 403.
- A body with a field the endpoint does not declare is refused with 400
  naming the unknown fields, and nothing is written.
- Writes go through the services, which audit them.
"""

from portal.api.accounts import MeView, TokenView
from portal.api.base import PortalAPIMixin, RejectUnknownFieldsMixin, deny_unless, service_errors
from portal.api.organisations import OrganisationViewSet
from portal.api.reference import IndustryViewSet, RegionViewSet
from portal.api.users import UserViewSet

__all__ = [
    "IndustryViewSet",
    "MeView",
    "OrganisationViewSet",
    "PortalAPIMixin",
    "RegionViewSet",
    "RejectUnknownFieldsMixin",
    "TokenView",
    "UserViewSet",
    "deny_unless",
    "service_errors",
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # The scope rules of this app's models (portal/scoping.py).
        from portal import scopes, scoping

        scoping.register("portal.Organisation", scopes.organisations_visible_to)
        scoping.register("portal.User", scopes.users_visible_to)
        scoping.register("portal.AuditEvent", scopes.audit_events_visible_to)

        from portal import openapi  # noqa: F401  (registers the schema extensions)

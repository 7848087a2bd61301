from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        # The scope rules of this app's models (portal/scoping.py).
        from enterprises import selectors
        from portal import scoping

        scoping.register("enterprises.Enterprise", selectors.enterprises_visible_to)

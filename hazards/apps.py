from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazard self-inspection")

    def ready(self) -> None:
        # The scope rule of the ledger (portal/scoping.py).
        from hazards import selectors
        from portal import scoping

        scoping.register("hazards.Hazard", selectors.hazards_visible_to)

        # An open major hazard blocks a grading application (enterprises/preconditions.py).
        from enterprises import preconditions
        from hazards import standardization

        preconditions.add_application_blocker(standardization.application_blockers)

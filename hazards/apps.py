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

        from hazards.enforcement import selectors as enforcement
        from hazards.inspections import selectors as inspections
        from hazards.selfreports import selectors as selfreports
        from hazards.supervision import selectors as supervision

        scoping.register("hazards.InspectionPlan", inspections.plans_visible_to)
        scoping.register("hazards.InspectionRecord", inspections.records_visible_to)
        scoping.register("hazards.SupervisionListing", supervision.listings_visible_to)
        scoping.register("hazards.GovernmentInspection", enforcement.inspections_visible_to)
        scoping.register("hazards.TipOff", enforcement.tip_offs_visible_to)
        scoping.register("hazards.SelfReport", selfreports.self_reports_visible_to)
        scoping.register("hazards.QuarterlyTable", selfreports.tables_visible_to)

        # An open major hazard blocks a grading application (enterprises/preconditions.py).
        from enterprises import preconditions
        from hazards import standardization

        preconditions.add_application_blocker(standardization.application_blockers)

        # The review unit's pre-visit brief; its findings as hazards (enterprises/hazard_links.py).
        from enterprises import hazard_links
        from hazards.oversight import links

        hazard_links.provide_brief(links.pre_visit_brief)
        hazard_links.provide_finding_recorder(links.record_review_finding)

        # Open hazards follow their enterprise when the registry moves it.
        from enterprises.signals import enterprise_moved
        from hazards import registry_sync

        enterprise_moved.connect(registry_sync.follow_enterprise, dispatch_uid="hazards-follow")

"""URLs of the REST API, mounted at /api/v1/ (conventions: portal/api.py)."""

from django.urls import path
from rest_framework.routers import APIRootView as DefaultAPIRootView
from rest_framework.routers import DefaultRouter

from certification.applications.api import ApplicationViewSet, QueueViewSet
from certification.certificates import api as api_certificates
from certification.certificates import api_verify
from certification.lifecycle import api as api_lifecycle
from certification.onsite import api as api_onsite
from certification.publicity import api as api_publicity
from certification.verification import api as api_verification
from enterprises.api import EnterpriseViewSet
from hazards.api import CatalogueItemViewSet, HazardCatalogueViewSet
from hazards.enforcement import api as api_hazard_enforcement
from hazards.inspections import api as api_hazard_inspections
from hazards.ledger_api import HazardViewSet
from hazards.oversight import api as api_hazard_oversight
from hazards.selfreports import api as api_hazard_selfreports
from hazards.supervision import api as api_hazard_supervision
from portal import api
from portal.api.notifications import NotificationViewSet
from reporting.assessment import api as api_assessment
from reporting.dashboards import api as api_dashboards
from reporting.snapshots import api as api_snapshots
from reporting.standing import api as api_standing
from reporting.statistics import api as api_statistics
from reporting.targets import api as api_targets
from reporting.worklists import api as api_worklists
from reviews.api import AssessmentViewSet
from reviews.bodies.api import ConflictViewSet, ReviewerViewSet, ReviewUnitViewSet
from reviews.bodies.api_disqualification import DisqualificationProposalViewSet
from reviews.standards.api import StandardVersionViewSet, StandardViewSet


class APIRootView(DefaultAPIRootView):  # DefaultRouter.APIRootView
    """The endpoints of the portal's API (see /api/docs/)."""

    authentication_classes = api.PortalAPIMixin.authentication_classes
    permission_classes = api.PortalAPIMixin.permission_classes


class Router(DefaultRouter):
    APIRootView = APIRootView


router = Router()
router.register("organisations", api.OrganisationViewSet, basename="api-organisation")
router.register("users", api.UserViewSet, basename="api-user")
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("regions", api.RegionViewSet, basename="api-region")
router.register("industries", api.IndustryViewSet, basename="api-industry")
router.register("standards", StandardViewSet, basename="api-standard")
router.register("standard-versions", StandardVersionViewSet, basename="api-standard-version")
router.register("assessments", AssessmentViewSet, basename="api-assessment")
router.register("applications", ApplicationViewSet, basename="api-application")
router.register("queue", QueueViewSet, basename="api-queue")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("review-units", ReviewUnitViewSet, basename="api-review-unit")
router.register(
    "disqualification-proposals",
    DisqualificationProposalViewSet,
    basename="api-disqualification-proposal",
)
router.register("reviewers", ReviewerViewSet, basename="api-reviewer")
router.register("conflicts", ConflictViewSet, basename="api-conflict")
router.register("hazard-catalogues", HazardCatalogueViewSet, basename="api-hazard-catalogue")
router.register(
    "hazard-catalogue-items", CatalogueItemViewSet, basename="api-hazard-catalogue-item"
)
router.register("hazards", HazardViewSet, basename="api-hazard")
for module in (
    api_onsite,
    api_verification,
    api_publicity,
    api_verify,
    api_lifecycle,
    api_hazard_inspections,
    api_hazard_supervision,
    api_hazard_enforcement,
    api_hazard_selfreports,
    api_hazard_oversight,
    api_statistics,
    api_targets,
    api_snapshots,
    api_worklists,
    api_dashboards,
    api_standing,
    api_assessment,
):
    for prefix, viewset, basename in module.routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    *api_certificates.urlpatterns,
    path("me/", api.MeView.as_view(), name="api-me"),
    *api_onsite.urlpatterns,
    *api_verification.urlpatterns,
    *api_publicity.urlpatterns,
    *api_verify.urlpatterns,
    *api_lifecycle.urlpatterns,
    *api_standing.urlpatterns,
    *router.urls,
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Applications and certificates")

    def ready(self) -> None:
        # The scope rules of this app's models (portal/scoping.py).
        from certification import selectors
        from portal import scoping

        scoping.register("certification.Application", selectors.applications_visible_to)

        # Accidents recorded in the registry flag live certificates for review.
        from certification.lifecycle import rules as lifecycle
        from enterprises.signals import accident_flags_review

        accident_flags_review.connect(
            lifecycle.flag_for_accident, dispatch_uid="certification.flag_for_accident"
        )

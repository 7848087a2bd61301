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

        # Applications keep their enterprise's district and street (registry_sync.py)...
        from certification import registry_sync
        from enterprises.signals import enterprise_moved, enterprise_renamed

        enterprise_moved.connect(
            registry_sync.follow_enterprise, dispatch_uid="certification.follow_enterprise"
        )
        # ... and its name, which the list's search reads (enterprises/name_copy.py).
        enterprise_renamed.connect(
            registry_sync.follow_name, dispatch_uid="certification.follow_name"
        )
        # Accidents recorded in the registry flag live certificates for review.
        from certification.lifecycle import rules as lifecycle
        from enterprises.signals import accident_flags_review

        accident_flags_review.connect(
            lifecycle.flag_for_accident, dispatch_uid="certification.flag_for_accident"
        )
        # So does a major hazard left open past its deadline (hazards/standardization.py).
        from enterprises.signals import major_hazard_overdue

        major_hazard_overdue.connect(
            lifecycle.flag_for_overdue_hazard, dispatch_uid="certification.flag_for_overdue_hazard"
        )

        # What publicity and announcement tell the later steps (certification/signals.py).
        from certification import signals
        from certification.certificates import rendering

        signals.certificate_issued.connect(
            lifecycle.on_certificate_issued, dispatch_uid="certification.lifecycle.issued"
        )
        signals.announcement_made.connect(
            rendering.on_announcement_made, dispatch_uid="certification.certificates.announced"
        )

        # The enterprise page lists the enterprise's certificates (enterprises/pages.py).
        from certification.certificates import views as certificate_views
        from enterprises import pages

        pages.add_detail_section(certificate_views.enterprise_certificates_section)
        # The registry list's grade and validity columns and its grade filter.
        from certification.certificates.standing import CertificateStanding

        pages.set_standing_provider(CertificateStanding())

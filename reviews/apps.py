from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews and standards")

    def ready(self) -> None:
        # The scope rules of this app's models (portal/scoping.py).
        from portal import scoping
        from reviews import selectors

        scoping.register("reviews.Assessment", selectors.assessments_visible_to)

        # Self-assessments keep their enterprise's name for the list's search, and its
        # place for the officials' lists.
        from enterprises.signals import enterprise_moved, enterprise_renamed
        from reviews import registry_sync

        enterprise_renamed.connect(registry_sync.follow_name, dispatch_uid="reviews.follow_name")
        enterprise_moved.connect(
            registry_sync.follow_enterprise, dispatch_uid="reviews.follow_enterprise"
        )

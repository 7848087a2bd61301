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

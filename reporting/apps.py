from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portal.models import Industry, Region, Street
        from reporting.statistics import options

        # The statistics filters' cached option lists follow their sources.
        for model in (Region, Street, Industry):
            post_save.connect(options.bump, sender=model, dispatch_uid=f"options-{model.__name__}")
            post_delete.connect(
                options.bump, sender=model, dispatch_uid=f"options-del-{model.__name__}"
            )

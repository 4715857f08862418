from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Implementation monitoring")

    def ready(self):
        from auditlog.registry import auditlog

        from monitoring import models

        for model in (
            models.ReportingRound,
            models.ProgressReport,
            models.ReportResult,
            models.ReportSpending,
            models.ReportAttachment,
            models.Need,
        ):
            auditlog.register(model)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Action plans")

    def ready(self):
        from auditlog.registry import auditlog

        from plans.models import Direction, Measure, Participation, Plan

        for model in (Plan, Direction, Measure, Participation):
            auditlog.register(model)

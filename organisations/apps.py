from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from auditlog.registry import auditlog

        from organisations.models import Organisation, OrganisationAlias

        auditlog.register(Organisation)
        auditlog.register(OrganisationAlias)

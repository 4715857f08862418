from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = _("Prevention and publicity")

    def ready(self):
        from prevention import registers  # noqa: F401  (declares the registers)

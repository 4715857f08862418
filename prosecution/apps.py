from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProsecutionConfig(AppConfig):
    name = "prosecution"
    verbose_name = _("Criminal prosecution")

    def ready(self):
        from prosecution import registers  # noqa: F401  (declares the registers)

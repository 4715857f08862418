from django.apps import AppConfig


class CtimsConfig(AppConfig):
    name = "ctims"
    verbose_name = "CTIMS"

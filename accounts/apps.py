from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from accounts.middleware import start_idle_clock
        from accounts.models import User
        from accounts.signals import grant_sysadmin_permissions

        # Who changed whose roles and organisation matters; password hashes and login times do not.
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        # After every app, since the permissions of apps later in INSTALLED_APPS are created after ours.
        post_migrate.connect(grant_sysadmin_permissions, dispatch_uid="grant_sysadmin_permissions")
        user_logged_in.connect(start_idle_clock, dispatch_uid="start_idle_clock")

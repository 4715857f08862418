"""After each migrate, the sysadmin role gets exactly the admin-site permissions it needs, and nothing on cases."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.roles import Role

# (app label, model or None for all of the app's models, actions)
SYSADMIN_PERMISSIONS = [
    ("accounts", "user", ("add", "change", "view")),
    ("auth", "group", ("view",)),
    ("organisations", None, ("add", "change", "delete", "view")),
    ("plans", None, ("add", "change", "delete", "view")),
    ("axes", None, ("view", "delete")),
    ("auditlog", "logentry", ("view",)),
    ("audit", "auditevent", ("view",)),
    ("otp_totp", "totpdevice", ("view", "delete")),
]


def grant_sysadmin_permissions(sender, **kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=Role.SYSADMIN)
    query = Q(pk__in=[])
    for app_label, model, actions in SYSADMIN_PERMISSIONS:
        scope = Q(content_type__app_label=app_label) & Q(codename__regex=rf"^({'|'.join(actions)})_")
        if model:
            scope &= Q(content_type__model=model)
        query |= scope
    group.permissions.set(Permission.objects.filter(query))

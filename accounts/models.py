from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_DATA_ROLES, SECOND_FACTOR_ROLES, Role


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation; holds one or more roles (auth groups named by code)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active or not self.pk:
            return frozenset()
        roles = frozenset(self.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if Role.SYSADMIN in roles:
            # Administrators see no case content: with the sysadmin role, case-data roles do not count, even if
            # an administrator adds them to an account (the admin site refuses the combination too).
            roles -= CASE_DATA_ROLES
        return roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [Role(code).label for code in Role.values if code in self.roles]

    @property
    def handles_case_data(self) -> bool:
        """Victims', callers' or defendants' data: such a session ends when left idle (IDLE_TIMEOUT_MINUTES)."""
        return bool(self.roles & CASE_DATA_ROLES)

    @property
    def needs_second_factor(self) -> bool:
        return self.is_superuser or bool(self.roles & SECOND_FACTOR_ROLES)


def role_group(role: str) -> Group:
    """The auth group that stands for `role` (created by a migration; made again if someone deleted it)."""
    return Group.objects.get_or_create(name=role)[0]

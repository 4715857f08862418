"""The roles of design.md. A role is stored as an auth group whose name is the role's code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("National Coordinator (and staff)")
    FOCAL_POINT = "focal_point", _("Focal point of a body")
    CASE_WORKER = "case_worker", _("Case worker")
    IDENTIFICATION_OFFICER = "identification_officer", _("Identification officer")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    PROSECUTION_ANALYST = "prosecution_analyst", _("Prosecution analyst")
    OBSERVER = "observer", _("Observer")
    SYSADMIN = "sysadmin", _("System administrator")


# Roles that handle victims', callers' or defendants' data: a second factor, and signed out when idle.
CASE_DATA_ROLES = frozenset(
    {Role.CASE_WORKER, Role.IDENTIFICATION_OFFICER, Role.HOTLINE_OPERATOR, Role.PROSECUTION_ANALYST}
)
# Who must sign in with a second factor: the case-data roles, the National Coordinator (every case, pseudonymised;
# the restricted annual report) and system administrators (they manage accounts and devices, so one without a second
# factor could take over a case worker's account).
SECOND_FACTOR_ROLES = CASE_DATA_ROLES | {Role.COORDINATOR, Role.SYSADMIN}

"""Demo organisations and one user per role, so a new installation can be tried at once. Never for production."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User, role_group
from accounts.roles import Role
from organisations.models import Organisation
from plans.bodies import organisation_kind


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    organisation: str
    role: str


DEMO_ORGANISATIONS = [
    # (name, kind, part of)
    ("Main Department for Combating Trafficking in Human Beings", "service", "Ministry of Internal Affairs"),
    (
        "Assistance Centre for Victims of Trafficking (demo)",
        "service",
        "Ministry of Labor and Social Protection of Population",
    ),
    ("Hope Support Union (demo NGO)", "ngo", None),
    ("Clean Path Public Union (demo NGO)", "ngo", None),
    ("CTIMS administration", "other", None),
]

DEMO_USERS = [
    DemoUser("coordinator", "Aysel Mammadova", "National Coordinator", Role.COORDINATOR),
    DemoUser("focal.mia", "Rashad Aliyev", "Ministry of Internal Affairs", Role.FOCAL_POINT),
    DemoUser("caseworker", "Leyla Huseynova", "Hope Support Union (demo NGO)", Role.CASE_WORKER),
    DemoUser("caseworker2", "Nigar Guliyeva", "Clean Path Public Union (demo NGO)", Role.CASE_WORKER),
    DemoUser(
        "idofficer",
        "Elvin Hasanov",
        "Main Department for Combating Trafficking in Human Beings",
        Role.IDENTIFICATION_OFFICER,
    ),
    DemoUser(
        "hotline",
        "Sevda Ismayilova",
        "Main Department for Combating Trafficking in Human Beings",
        Role.HOTLINE_OPERATOR,
    ),
    DemoUser(
        "prosecution",
        "Tural Karimov",
        "General Prosecutor's Office of the Republic of Azerbaijan",
        Role.PROSECUTION_ANALYST,
    ),
    DemoUser(
        "observer", "Gunel Abbasova", "Human Rights Commissioner of Azerbaijan Republic (Ombudsman)", Role.OBSERVER
    ),
    DemoUser("admin", "System Administrator", "CTIMS administration", Role.SYSADMIN),
]


def _organisation(name: str, kind: str | None = None, parent: str | None = None) -> Organisation:
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    inferred_kind, is_class = organisation_kind(name)
    return Organisation.objects.create(
        name=name,
        kind=kind or inferred_kind,
        is_class=is_class,
        parent=_organisation(parent) if parent else None,
    )


@transaction.atomic
def demo_seed(*, password: str) -> list[tuple[DemoUser, bool]]:
    """Creates what is missing; returns each demo user with whether it was created now. Existing users are kept."""
    for name, kind, parent in DEMO_ORGANISATIONS:
        _organisation(name, kind, parent)
    results = []
    for demo in DEMO_USERS:
        first_name, last_name = demo.full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "organisation": _organisation(demo.organisation),
                "is_staff": demo.role == Role.SYSADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(role_group(demo.role))
        results.append((demo, created))
    return results

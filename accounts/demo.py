"""Demo organisations, one user per role and a focal point per reporting body, so a new installation can be tried
at once. Never for production."""

import functools
import re
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import User, role_group
from accounts.roles import Role
from organisations.models import Organisation
from plans.bodies import organisation_kind
from plans.models import Participation


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


# Names for the focal points of the bodies that carry out a plan's measures, given out in turn.
FOCAL_POINT_NAMES = [
    "Farid Mammadli",
    "Sabina Rzayeva",
    "Orkhan Jafarov",
    "Lala Mustafayeva",
    "Vusal Bagirov",
    "Aynur Safarova",
    "Emil Gasimov",
    "Konul Nabiyeva",
    "Ilgar Rahimov",
    "Narmin Aslanova",
    "Javid Valiyev",
    "Gulnar Ibrahimova",
    "Samir Huseynli",
    "Aida Ahmadova",
    "Ramil Khalilov",
    "Shahla Musayeva",
    "Anar Zeynalov",
    "Fidan Babayeva",
    "Elnur Sadigov",
    "Ulviyya Mirzayeva",
    "Ruslan Pashayev",
    "Zarifa Hajiyeva",
    "Teymur Kazimov",
    "Jamila Orujova",
]
_MINOR_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"}


@functools.cache
def _password_hash(password: str) -> str:
    """All demo users share the password: hash it once, not for each user (a slow hash is the point of a password
    hasher, and would take most of seed_demo's time)."""
    return make_password(password)


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
            user.password = _password_hash(password)
            user.save(update_fields=["password"])
            user.groups.add(role_group(demo.role))
        results.append((demo, created))
    return results


def focal_point_username(organisation_name: str) -> str:
    """A focal point's user name: "focal." and the initials of the body's name ("Ministry of Internal Affairs" →
    "focal.mia")."""
    words = [word for word in re.findall(r"[^\W\d_]+", organisation_name) if word.lower() not in _MINOR_WORDS]
    return "focal." + "".join(word[0] for word in words).lower()


def _free_username(base: str) -> str:
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    return next(name for name in (base, *(f"{base}{n}" for n in range(2, len(taken) + 3))) if name not in taken)


@transaction.atomic
def demo_focal_points(*, plan, password: str) -> list[tuple[User, bool]]:
    """A focal point for every body (not a class of bodies) that carries out measures of `plan`, most measures
    first: the existing one, or a new user made now. Returns each with whether it was created now."""
    executor = Q(participations__measure__plan=plan, participations__role=Participation.Role.EXECUTOR)
    bodies = list(
        Organisation.objects.filter(executor, is_class=False)
        .annotate(measure_count=Count("participations", filter=executor))
        .order_by("-measure_count", "name")
    )
    focal_points = User.objects.filter(groups__name=Role.FOCAL_POINT).order_by("pk")
    existing: dict[int, User] = {}
    for user in focal_points.filter(organisation__in=bodies):
        existing.setdefault(user.organisation_id, user)
    results = []
    for index, body in enumerate(bodies):
        if body.pk in existing:
            results.append((existing[body.pk], False))
            continue
        first_name, last_name = FOCAL_POINT_NAMES[index % len(FOCAL_POINT_NAMES)].split(" ", 1)
        user = User.objects.create(
            username=_free_username(focal_point_username(body.name)),
            first_name=first_name,
            last_name=last_name,
            organisation=body,
            password=_password_hash(password),
        )
        user.groups.add(role_group(Role.FOCAL_POINT))
        results.append((user, True))
    return results

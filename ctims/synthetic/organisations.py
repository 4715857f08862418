"""Plans, organisations, users and facilities: everything the cases, reports and registers are recorded by or for.

The demo cast of accounts.demo (coordinator, idofficer, hotline, … with the demo password) comes first, so a
synthetic database can be signed into with the logins the README gives. Synthetic organisations say "(synthetic)"
in their names. Users share one password hash, made once.
"""

import datetime
import itertools

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Max

from accounts.demo import FOCAL_POINT_NAMES, demo_seed, focal_point_username
from accounts.models import User, role_group
from accounts.roles import Role
from cases.models import Facility
from ctims.synthetic.world import PlanInfo, World
from organisations.models import Organisation
from plans.importers import BUNDLED_PLAN, import_plan_file
from plans.models import Direction, Measure, Participation, Plan

SUFFIX = " (synthetic)"
ASSISTANCE_CENTRE = "Assistance Centre for Victims of Trafficking (demo)"  # accounts.demo makes it
DEMO_NGOS = ("Hope Support Union (demo NGO)", "Clean Path Public Union (demo NGO)")
PROSECUTION = "General Prosecutor's Office of the Republic of Azerbaijan"

DISTRICTS = (
    "Absheron", "Agdash", "Agjabadi", "Agstafa", "Agsu", "Astara", "Balakan", "Barda", "Beylagan", "Bilasuvar",
    "Dashkasan", "Gabala", "Gakh", "Goranboy", "Goychay", "Hajigabul", "Imishli", "Ismayilli", "Jalilabad", "Kurdamir",
    "Lankaran", "Lerik", "Masally", "Neftchala", "Oghuz", "Gusar", "Saatly", "Sabirabad", "Salyan", "Samukh",
    "Shamakhi", "Shamkir", "Siyazan", "Tartar", "Tovuz", "Ujar", "Yardimli", "Zagatala", "Zardab", "Khachmaz",
)  # fmt: skip
CITIES = ("Baku", "Ganja", "Sumgayit", "Mingachevir", "Lankaran", "Shaki", "Shirvan", "Nakhchivan", "Guba", "Yevlakh")
NGO_STEMS = (
    "Bright Future", "Safe Home", "New Life", "Dignity", "Sunrise", "Open Door", "Harmony", "Lighthouse",
    "Youth Initiative", "Women's Rights", "Migrant Support", "Family Care", "Child Rights", "Solidarity", "Renewal",
)  # fmt: skip
NGO_KINDS = ("Public Union", "Support Union", "Foundation", "Association", "Centre")

CAST = ("coordinator", "idofficer", "hotline", "caseworker", "caseworker2")  # accounts.demo users the history uses
# How many of each kind of user, beyond one case worker list per owning organisation.
ID_OFFICERS, HOTLINE_OPERATORS, ANALYSTS = 4, 6, 3
SHELTER_SHARE = 0.6  # of the NGOs owning cases, those running a shelter


def plan_base() -> Plan:
    """The plan the history starts with: the earliest with measures, or the bundled one, imported now."""
    plan = Plan.objects.filter(measures__isnull=False).order_by("start_year", "pk").first()
    return plan or import_plan_file(BUNDLED_PLAN).plan


def organisations_generate(*, world: World, base: Plan, password: str) -> None:
    demo_seed(password=password)
    by_name = {name: pk for pk, name in Organisation.objects.values_list("pk", "name")}
    world.organisation_names = {pk: name for name, pk in by_name.items()}
    ngos = _create_organisations(_ngo_names(world.scale.ngos), Organisation.Kind.NGO, world)
    local_bodies = _create_organisations(_local_body_names(world.scale.local_bodies), Organisation.Kind.OTHER, world)
    _add_local_executors(base, local_bodies)
    world.plans = [_plan_info(base), *_successors(base, world)]
    world.identifying_organisation = by_name[settings.IDENTIFYING_ORGANISATIONS[0]]
    world.case_owners = [
        world.identifying_organisation,
        by_name[ASSISTANCE_CENTRE],
        *(by_name[name] for name in DEMO_NGOS),
        *ngos,
    ]
    _users_generate(world, by_name, password)
    _facilities_generate(world)


def _ngo_names(count: int) -> list[str]:
    names = (f"{stem} {kind} of {city}{SUFFIX}" for city, kind, stem in itertools.product(CITIES, NGO_KINDS, NGO_STEMS))
    return list(itertools.islice(names, count))


def _local_body_names(count: int) -> list[str]:
    def names():
        yield from (f"{district} District Executive Authority{SUFFIX}" for district in DISTRICTS)
        for number in itertools.count(1):
            yield from (f"{district} Municipality No. {number}{SUFFIX}" for district in DISTRICTS)

    return list(itertools.islice(names(), count))


def _create_organisations(names: list[str], kind: str, world: World) -> list[int]:
    created = Organisation.objects.bulk_create([Organisation(name=name, kind=kind) for name in names])
    world.organisation_names.update((organisation.pk, organisation.name) for organisation in created)
    return [organisation.pk for organisation in created]


def _add_local_executors(plan: Plan, local_bodies: list[int]) -> None:
    """Each local body carries out the measures the plan gives to local authorities as a class, as the districts'
    executive authorities do, and reports on them."""
    measures = list(
        Measure.objects.filter(
            plan=plan,
            participations__role=Participation.Role.EXECUTOR,
            participations__organisation__kind=Organisation.Kind.LOCAL_AUTHORITY_CLASS,
        )
        .distinct()
        .annotate(last=Max("participations__position"))
        .order_by("position")
    )
    Participation.objects.bulk_create(
        Participation(
            measure=measure, organisation_id=body, role=Participation.Role.EXECUTOR, position=measure.last + n
        )
        for measure in measures
        for n, body in enumerate(local_bodies, start=1)
    )


def _plan_info(plan: Plan) -> PlanInfo:
    measures = dict(Measure.objects.filter(plan=plan).values_list("number", "pk"))
    return PlanInfo(plan.pk, plan.start_year, plan.end_year, measures)


def _successors(base: Plan, world: World) -> list[PlanInfo]:
    """Plans last five years or so; ten years of reporting need the plans that follow. Each is a copy of the base
    plan shifted in time, as a successor plan that carries the work on would be."""
    span = base.end_year - base.start_year + 1
    last_year = world.start.year + world.years - 1
    successors, predecessor = [], base
    for start_year in range(base.end_year + 1, last_year + 1, span):
        predecessor = _copy_plan(base, predecessor, start_year - base.start_year)
        successors.append(_plan_info(predecessor))
    return successors


def _copy_plan(base: Plan, predecessor: Plan, shift: int) -> Plan:
    start, end = base.start_year + shift, base.end_year + shift
    plan = Plan.objects.create(
        title=f"National Action Plan {start}–{end} (synthetic successor of the {base.start_year}–{base.end_year} plan)",
        country=base.country,
        start_year=start,
        end_year=end,
        adopted=datetime.date(start, 1, 1) - datetime.timedelta(days=60),
        predecessor=predecessor,
    )
    directions = {
        direction.pk: Direction.objects.create(
            plan=plan, number=direction.number, title=direction.title, position=direction.position
        )
        for direction in base.directions.order_by("position")
    }
    old_measures = list(base.measures.order_by("position"))
    new_measures = Measure.objects.bulk_create(
        Measure(
            plan=plan,
            direction=directions[measure.direction_id],
            number=measure.number,
            text=measure.text,
            start_year=measure.start_year and measure.start_year + shift,
            end_year=measure.end_year and measure.end_year + shift,
            recurring=measure.recurring,
            position=measure.position,
        )
        for measure in old_measures
    )
    new_ids = {old.pk: new.pk for old, new in zip(old_measures, new_measures, strict=True)}
    Participation.objects.bulk_create(
        Participation(
            measure_id=new_ids[participation.measure_id],
            organisation_id=participation.organisation_id,
            role=participation.role,
            position=participation.position,
        )
        for participation in Participation.objects.filter(measure__plan=base).order_by("pk")
    )
    return plan


# Users ---------------------------------------------------------------------------------------------------------


def _users_generate(world: World, by_name: dict[str, int], password: str) -> None:
    cast = {user.username: user for user in User.objects.filter(username__in=CAST)}
    world.coordinator = cast["coordinator"].pk
    world.coordinator_organisation = cast["coordinator"].organisation_id
    people = _People(world, make_password(password))  # hashed once: a slow hash per user would take minutes
    executors = Participation.objects.filter(role=Participation.Role.EXECUTOR, organisation__is_class=False)
    bodies = sorted(set(executors.values_list("organisation_id", flat=True)))
    with_focal_point = dict(
        User.objects.filter(groups__name=Role.FOCAL_POINT, organisation__isnull=False)
        .order_by("-pk")
        .values_list("organisation_id", "pk")
    )
    for body in bodies:
        if body not in with_focal_point:
            people.add(body, Role.FOCAL_POINT, username=focal_point_username(world.organisation_names[body]))
    for owner in world.case_owners:
        for _ in range(world.scale.case_workers):
            people.add(owner, Role.CASE_WORKER)
    identifying = world.identifying_organisation
    for _ in range(ID_OFFICERS):
        people.add(identifying, Role.IDENTIFICATION_OFFICER)
    for organisation in (identifying, *world.case_owners[2:4]):
        for _ in range(HOTLINE_OPERATORS // 3):
            people.add(organisation, Role.HOTLINE_OPERATOR)
    for _ in range(ANALYSTS):
        people.add(by_name[PROSECUTION], Role.PROSECUTION_ANALYST)
    made = people.save()
    world.focal_points = with_focal_point | {org: users[0] for org, users in made[Role.FOCAL_POINT].items()}
    world.case_workers = made[Role.CASE_WORKER]
    for username in ("caseworker", "caseworker2"):
        world.case_workers[cast[username].organisation_id].insert(0, cast[username].pk)
    world.id_officers = [cast["idofficer"].pk, *made[Role.IDENTIFICATION_OFFICER][identifying]]
    world.case_workers[identifying] += world.id_officers  # the Main Department's officers work its cases too
    world.hotline_operators = made[Role.HOTLINE_OPERATOR]
    world.hotline_operators[identifying].insert(0, cast["hotline"].pk)
    world.analysts = made[Role.PROSECUTION_ANALYST]


class _People:
    """Users to make, each with one role, saved in two bulk inserts."""

    def __init__(self, world: World, password_hash: str):
        self.world = world
        self.password_hash = password_hash
        self.taken = set(User.objects.values_list("username", flat=True))
        self.planned: list[tuple[User, str]] = []
        self.numbers = itertools.count(1)

    def add(self, organisation: int, role: str, username: str = "") -> None:
        number = next(self.numbers)
        username = self._free(username or f"synthetic.{role.replace('_', '')}.{number}")
        given, family = FOCAL_POINT_NAMES[number % len(FOCAL_POINT_NAMES)].split(" ", 1)
        user = User(
            username=username,
            first_name=given,
            last_name=family,
            organisation_id=organisation,
            password=self.password_hash,
            date_joined=datetime.datetime.combine(self.world.start, datetime.time(6), tzinfo=datetime.UTC),
        )
        self.planned.append((user, role))

    def _free(self, base: str) -> str:
        candidates = itertools.chain([base], (f"{base}{n}" for n in itertools.count(2)))
        name = next(name for name in candidates if name not in self.taken)
        self.taken.add(name)
        return name

    def save(self) -> dict[str, dict[int, list[int]]]:
        """{role: {organisation id: user ids}} of the users made."""
        users = User.objects.bulk_create([user for user, _role in self.planned])
        groups = {role: role_group(role).pk for role in Role.values}
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=groups[role])
            for user, (_planned, role) in zip(users, self.planned, strict=True)
        )
        made: dict[str, dict[int, list[int]]] = {role: {} for role in Role.values}
        for user, (_planned, role) in zip(users, self.planned, strict=True):
            made[role].setdefault(user.organisation_id, []).append(user.pk)
        return made


# Facilities ----------------------------------------------------------------------------------------------------


def _facilities_generate(world: World) -> None:
    rng = world.rng("facilities")
    planned = [
        Facility(organisation_id=world.identifying_organisation, name=f"State shelter, Baku{SUFFIX}", region="Baku",
                 capacity=40),
        Facility(organisation_id=world.case_owners[1], kind=Facility.Kind.ASSISTANCE_CENTRE,
                 name=f"Assistance centre, Baku{SUFFIX}", region="Baku", capacity=30),
    ]  # fmt: skip
    for owner in world.case_owners[2:]:
        if rng.random() < SHELTER_SHARE:
            city = rng.choice(CITIES)
            planned.append(
                Facility(
                    organisation_id=owner, name=f"Shelter in {city}{SUFFIX}", region=city, capacity=rng.randint(8, 30)
                )
            )
    facilities = Facility.objects.bulk_create(planned)
    world.facilities = [(f.pk, f.organisation_id, f.capacity, f.kind) for f in facilities]

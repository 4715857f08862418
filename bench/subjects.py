"""Who and what the benchmark looks at, chosen the same way at every scale, and sessions to look as them.

The Coordinator reads the dashboard, the measure page and the report API; a case worker of the organisation that
owns the most cases reads the case list and that organisation's adult case with the most services. Sessions are made
directly in the database, with the second factor marked as passed, so that no sign-in flow is needed (or measured).
"""

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from cases.models import Case, ExploitationForm
from cases.views import CHILD_FILTER
from monitoring.models import ReportingRound
from plans.models import Measure

# The same key the case page uses to remember a case whose opening reason was given in this session.
READ_REASONS_SESSION_KEY = "cases_read_reasons"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Subjects:
    coordinator: User
    case_worker: User
    case: Case
    measure: Measure
    reporting_round: ReportingRound


@dataclass
class Page:
    name: str
    path: str
    user: User


def find_subjects() -> Subjects:
    coordinator = _users_with_role(Role.COORDINATOR).first()
    if coordinator is None:
        raise RuntimeError("no active user with the coordinator role")
    case_worker, case = case_worker_and_case()
    reporting_round = dashboard_round()
    # The measure with the most reports: the measure page at its heaviest.
    measure = (
        Measure.objects.filter(plan=reporting_round.plan_id)
        .annotate(report_count=Count("reports"))
        .order_by("-report_count", "position")
        .first()
    )
    return Subjects(coordinator, case_worker, case, measure, reporting_round)


def _users_with_role(role: str):
    return User.objects.filter(is_active=True, groups__name=role).order_by("pk")


def case_worker_and_case() -> tuple[User, Case]:
    owners = Case.objects.values_list("owner_id", flat=True).annotate(n=Count("pk")).order_by("-n", "owner_id")
    for owner_id in owners[:50]:
        worker = _users_with_role(Role.CASE_WORKER).filter(organisation_id=owner_id).first()
        if worker is None:
            continue
        return worker, _richest_adult_case(owner_id)
    raise RuntimeError("no case worker belongs to an organisation that owns cases")


def _richest_adult_case(owner_id: int) -> Case:
    """The organisation's case with the most services, among adults (a child's case page has more sections).

    The case page's query count must not grow with a case's services, referrals or history: the busiest case shows
    it, and comparing an adult's page with an adult's keeps the sections the same at both scales.
    """
    cases = Case.objects.filter(owner_id=owner_id).exclude(CHILD_FILTER)
    ranked = cases.annotate(services=Count("assistance_services")).order_by("-services", "-created_at", "pk")
    case = ranked.first() or Case.objects.filter(owner_id=owner_id).order_by("-created_at", "pk").first()
    return case


def dashboard_round() -> ReportingRound:
    """The round the dashboard shows without a choice: the latest open one, else the latest."""
    rounds = ReportingRound.objects.select_related("plan").order_by("-year", "-period_number")
    reporting_round = rounds.filter(state=ReportingRound.State.OPEN).first() or rounds.first()
    if reporting_round is None:
        raise RuntimeError("no reporting round")
    return reporting_round


def pages(subjects: Subjects) -> list[Page]:
    """The pages measured, in the order they are reported; the first is the floor."""
    coordinator, worker = subjects.coordinator, subjects.case_worker
    # A filter through a join (forms of exploitation) and a computed condition (children): the list's hard case.
    filtered = f"/cases/?form={ExploitationForm.Form.SEXUAL}&child=no"
    return [
        Page("floor (/ping/)", "/ping/", coordinator),
        Page("dashboard", "/monitoring/", coordinator),
        Page("case list", "/cases/", worker),
        Page("case list, filtered", filtered, worker),
        Page("case page", f"/cases/{subjects.case.uid}/", worker),
        Page("measure page", f"/measures/{subjects.measure.pk}/", coordinator),
        Page("report API", f"/api/reports/?round={subjects.reporting_round.pk}", coordinator),
    ]


def session_key(user: User, *, read_cases: list[str]) -> str:
    """A saved session signed in as `user`, second factor passed, the reason for opening `read_cases` given."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = MODEL_BACKEND
    session["_auth_user_hash"] = user.get_session_auth_hash()
    device = _device(user)
    if device is not None:
        session["otp_device_id"] = device.persistent_id
    session[READ_REASONS_SESSION_KEY] = read_cases
    session.create()
    return session.session_key


def _device(user: User) -> TOTPDevice | None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None and user.needs_second_factor:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    return device


def signed_in_pages() -> tuple[Subjects, list[dict]]:
    """The pages with a session cookie for each: [{"name", "path", "user", "cookie"}]."""
    subjects = find_subjects()
    read_cases = [subjects.case.reference]
    keys = {}
    result = []
    for page in pages(subjects):
        if page.user.pk not in keys:
            keys[page.user.pk] = session_key(page.user, read_cases=read_cases)
        cookie = f"{settings.SESSION_COOKIE_NAME}={keys[page.user.pk]}"
        result.append({"name": page.name, "path": page.path, "user": page.user.username, "cookie": cookie})
    return subjects, result


def run() -> dict:
    subjects, signed_in = signed_in_pages()
    return {"pages": signed_in, "case_owner": subjects.case_worker.organisation.name}

"""The permission table: for every page and API endpoint, who may use it and which objects it reaches.

Deny by default: a route that is not in `ROUTES` is a failing test (ctims/tests/test_permission_table.py walks the
URL configuration), and a role that is not listed for a route is refused it — 403, or 404 where even the existence of
an object must not show. The same test signs in as one user of every role, of the organisation that holds each object
and of another one, and checks every route against this table. docs/permissions.md is written from it
(`manage.py permission_table > docs/permissions.md`).

The views enforce these rules through the permissions they name (the apps' `rules.py`); this table states them in
one place, so that a change to either shows up as a difference.

A role maps to the scope of what it reaches:
- ANY: every object of the route (or the route is about no object).
- OWN: objects of the user's own organisation (for a referral: referrals *to* it).
- CASES: victim cases the user's organisation owns or accepted on referral (need-to-know, cases/rules.py).
- PSEUDONYMISED: every case, without the person's identifiers (the National Coordinator).
- ACCEPTED: progress reports the National Coordinator accepted (observers).
- PUBLIC_EDITION: issued annual reports, public edition only.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from accounts.roles import Role

ANY = "any"
OWN = "own organisation"
CASES = "need-to-know"
PSEUDONYMISED = "pseudonymised"
ACCEPTED = "accepted reports"
PUBLIC_EDITION = "public edition"

SCOPES = {
    ANY: "every object",
    OWN: "the user's organisation's",
    CASES: "cases the organisation owns or accepted on referral",
    PSEUDONYMISED: "every case, without identifiers",
    ACCEPTED: "accepted reports only",
    PUBLIC_EDITION: "public editions only",
}

C, FP, OB = Role.COORDINATOR, Role.FOCAL_POINT, Role.OBSERVER
CW, IO = Role.CASE_WORKER, Role.IDENTIFICATION_OFFICER
HO, PA, SA = Role.HOTLINE_OPERATOR, Role.PROSECUTION_ANALYST, Role.SYSADMIN


def _all(scope: str, *roles: str) -> dict[str, str]:
    return dict.fromkeys(roles, scope)


EVERY_ROLE = _all(ANY, *Role)
PLAN_READERS = _all(ANY, C, FP, OB)  # monitoring, prevention and partner registers
CASE_HANDLERS = _all(CASES, CW, IO)


@dataclass(frozen=True)
class Access:
    """`read`: GET; `write`: POST, PUT, PATCH, DELETE. Each maps a role to its scope."""

    read: dict[str, str] = field(default_factory=dict)
    write: dict[str, str] = field(default_factory=dict)
    # Open to anyone, signed in or not (signing in, choosing the language).
    anonymous: bool = False
    # Open to any signed-in user, whatever their roles (their own account, the API's description).
    signed_in: bool = False

    def __post_init__(self):
        object.__setattr__(self, "read", MappingProxyType(dict(self.read)))
        object.__setattr__(self, "write", MappingProxyType(dict(self.write)))


def _register(read: dict, create: dict, edit: dict) -> dict[str, Access]:
    """A register's list, new, entry and edit routes."""
    return {"list": Access(read), "create": Access(create, create), "detail": Access(read), "edit": Access(edit, edit)}


REGISTER_ROUTES = {
    # prevention/rules.py: readers read all; the Coordinator's staff and focal points record and edit their own.
    **{
        name: _register(PLAN_READERS, _all(ANY, C, FP), _all(OWN, C, FP))
        for name in ("trainings", "awareness", "research", "inspections", "media-findings")
    },
    # hotline/rules.py: operators only, their own organisation's calls.
    "calls": _register(_all(OWN, HO), _all(ANY, HO), _all(OWN, HO)),
    # prosecution/rules.py: analysts record and edit their own; the Coordinator reads.
    "criminal-cases": _register(_all(ANY, PA, C), _all(ANY, PA), _all(OWN, PA)),
    # partners/rules.py: donors and meetings are the Coordinator's; support and cooperation each body's own.
    "donors": _register(PLAN_READERS, _all(ANY, C), _all(ANY, C)),
    "meetings": _register(PLAN_READERS, _all(ANY, C), _all(ANY, C)),
    "donor-support": _register(PLAN_READERS, _all(ANY, C, FP), _all(OWN, C, FP)),
    "cooperation": _register(PLAN_READERS, _all(ANY, C, FP), _all(OWN, C, FP)),
}
REPORT_READERS = {C: ANY, FP: OWN, OB: ACCEPTED}
CASE_READERS = {**CASE_HANDLERS, C: PSEUDONYMISED}
ISSUED_READERS = {C: ANY, FP: PUBLIC_EDITION, OB: PUBLIC_EDITION}

ROUTES: dict[str, Access] = {
    # Signing in and one's own account.
    "accounts-login": Access(anonymous=True),
    "set_language": Access(anonymous=True),
    "health": Access(anonymous=True),  # "ok", and nothing else
    "accounts-logout": Access(signed_in=True),
    "accounts-password": Access(signed_in=True),
    "accounts-profile": Access(signed_in=True),
    "accounts-two-factor-setup": Access(signed_in=True),
    "accounts-verify": Access(signed_in=True),
    "home": Access(signed_in=True),
    "ping": Access(signed_in=True),
    # The plan and the bodies: a public document, read by every role.
    "plans-list": Access(EVERY_ROLE),
    "plans-detail": Access(EVERY_ROLE),
    "plans-export-xlsx": Access(EVERY_ROLE),
    "plans-export-csv": Access(EVERY_ROLE),
    "plans-measure": Access(EVERY_ROLE),
    "organisations-list": Access(EVERY_ROLE),
    "organisations-detail": Access(EVERY_ROLE),
    "registers": Access(EVERY_ROLE),
    # Monitoring (monitoring/rules.py).
    "monitoring-dashboard": Access(PLAN_READERS),
    "monitoring-compliance-export": Access(PLAN_READERS),
    "monitoring-rounds": Access(PLAN_READERS),
    "monitoring-round": Access(PLAN_READERS),
    "monitoring-status-export": Access(PLAN_READERS),
    "monitoring-round-create": Access(_all(ANY, C), _all(ANY, C)),
    "monitoring-round-close": Access(write=_all(ANY, C)),
    "monitoring-reports": Access(REPORT_READERS),
    "monitoring-report-create": Access(write=_all(ANY, FP)),
    "monitoring-report": Access(REPORT_READERS),
    "monitoring-report-edit": Access(_all(OWN, FP), _all(OWN, FP)),
    "monitoring-report-submit": Access(write=_all(OWN, FP)),
    "monitoring-report-review": Access(write=_all(ANY, C)),
    "monitoring-attachment-upload": Access(write=_all(OWN, FP)),
    "monitoring-attachment": Access(REPORT_READERS),
    "monitoring-attachment-delete": Access(write=_all(OWN, FP)),
    "monitoring-need-create": Access(write=_all(OWN, FP)),
    "monitoring-needs": Access({C: ANY, FP: OWN}),
    "monitoring-need": Access({C: ANY, FP: OWN}, _all(ANY, C)),
    # Victim cases (cases/rules.py).
    "cases-list": Access({**CASE_HANDLERS, C: ANY}),
    "cases-create": Access(CASE_HANDLERS, CASE_HANDLERS),
    "cases-referrals": Access(_all(OWN, CW, IO)),
    "cases-referral-answer": Access(write=_all(OWN, CW, IO)),
    "cases-facilities": Access({**CASE_HANDLERS, C: ANY}, _all(OWN, CW, IO)),
    "cases-detail": Access(CASE_READERS, CASE_READERS),  # POST: the reason for opening a case
    "cases-status": Access(write=CASE_HANDLERS),
    "cases-assess": Access(write=CASE_HANDLERS),
    "cases-consent": Access(write=CASE_HANDLERS),
    "cases-refer": Access(write=CASE_HANDLERS),
    "cases-period-extend": Access(write=CASE_HANDLERS),
    "cases-period-decide": Access(write=CASE_HANDLERS),
    "cases-care": Access(write=CASE_HANDLERS),
    # Registers (prevention, hotline, prosecution, partners): see REGISTER_ROUTES.
    **{f"{name}-{page}": access for name, pages in REGISTER_ROUTES.items() for page, access in pages.items()},
    "hotline-statistics": Access({C: ANY, HO: OWN}),
    "partners-follow-up": Access(PLAN_READERS),
    "donor-support-iati": Access(_all(ANY, C, OB)),
    # The annual report (reports/rules.py).
    "reports-index": Access(PLAN_READERS),
    "reports-preview": Access(_all(ANY, C)),
    "reports-draft": Access(_all(ANY, C)),
    "reports-issue": Access(write=_all(ANY, C)),
    "reports-issued": Access(ISSUED_READERS),
    "reports-issued-file": Access(ISSUED_READERS),
    # The API.
    "api-root": Access(signed_in=True),
    "api-schema": Access(signed_in=True),
    "api-docs": Access(signed_in=True),
    "api-dashboard": Access(PLAN_READERS),
    "plan-list": Access(EVERY_ROLE),
    "plan-detail": Access(EVERY_ROLE),
    "direction-list": Access(EVERY_ROLE),
    "direction-detail": Access(EVERY_ROLE),
    "measure-list": Access(EVERY_ROLE),
    "measure-detail": Access(EVERY_ROLE),
    "organisation-list": Access(EVERY_ROLE),
    "organisation-detail": Access(EVERY_ROLE),
    "round-list": Access(PLAN_READERS, _all(ANY, C)),
    "round-detail": Access(PLAN_READERS),
    "round-close": Access(write=_all(ANY, C)),
    "report-list": Access(REPORT_READERS, _all(ANY, FP)),
    "report-detail": Access(REPORT_READERS, _all(OWN, FP)),
    "report-submit": Access(write=_all(OWN, FP)),
    "report-accept": Access(write=_all(ANY, C)),
    "report-return": Access(write=_all(ANY, C)),
    "case-list": Access({**CASE_HANDLERS, C: ANY}, CASE_HANDLERS),
    "case-detail": Access(CASE_READERS),
    "case-status": Access(write=CASE_HANDLERS),
    "case-indicators": Access(write=CASE_HANDLERS),
    "case-consents": Access(write=CASE_HANDLERS),
    "case-referrals": Access(write=CASE_HANDLERS),
    "case-period-extend": Access(write=CASE_HANDLERS),
    "case-period-decide": Access(write=CASE_HANDLERS),
    "referral-list": Access(_all(OWN, CW, IO)),
    "referral-answer": Access(write=_all(OWN, CW, IO)),
    # /api/<register>/ lists and creates; /api/<register>/<uid>/ reads and updates (PUT, PATCH).
    **{
        f"api-{name}-list": Access(pages["list"].read, pages["create"].write) for name, pages in REGISTER_ROUTES.items()
    },
    **{
        f"api-{name}-detail": Access(pages["detail"].read, pages["edit"].write)
        for name, pages in REGISTER_ROUTES.items()
    },
}

# The Django admin site (every route under /admin/): system administrators only, and they see no case content.
ADMIN_SITE = Access(_all(ANY, SA), _all(ANY, SA))


def url_patterns(resolver=None, namespace: str = "", prefix: str = ""):
    """(name, route, pattern) of every route of the project; admin routes are named "admin:…", unnamed ones ""."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", route, pattern

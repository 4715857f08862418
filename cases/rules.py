"""Need-to-know (plan §2.3.7): who may see and change a case.

- Case workers and identification officers see the cases their organisation owns, and the cases referred to their
  organisation once it accepted the referral.
- Only an identification officer of the competent identifying body decides identified / not identified.
- The National Coordinator sees cases pseudonymised: reference code and facts, never an identifier.
- System administrators, and everyone else, see nothing: a case they may not see is not there (404).
"""

import rules
from django.conf import settings
from django.db.models import Q

from accounts.roles import Role
from accounts.rules import has_role

CASE_ROLES = (Role.CASE_WORKER, Role.IDENTIFICATION_OFFICER)

is_case_worker = has_role(*CASE_ROLES)
is_identification_officer = has_role(Role.IDENTIFICATION_OFFICER)
is_coordinator = has_role(Role.COORDINATOR)


def organisations_with_access(case) -> set[int]:
    """The owner, and every organisation that accepted a referral of the case."""
    accepted = case.referrals.filter(state="accepted").values_list("to_organisation_id", flat=True)
    return {case.owner_id, *accepted}


def cases_q_for_organisation(organisation_id: int) -> Q:
    """The same rule as a query: cases the organisation owns or accepted. The referrals are a subquery, not a join,
    so a list needs no DISTINCT and a count of 200,000 cases stays one pass."""
    from cases.models import Referral

    accepted = Referral.objects.filter(to_organisation_id=organisation_id, state="accepted").values("case_id")
    return Q(owner_id=organisation_id) | Q(pk__in=accepted)


@rules.predicate
def works_on_case(user, case) -> bool:
    return (
        case is not None
        and user.organisation_id is not None
        and user.organisation_id in organisations_with_access(case)
    )


@rules.predicate
def is_competent_body(user) -> bool:
    """The body that decides legal status (the MIA Main Department), named in settings.IDENTIFYING_ORGANISATIONS."""
    return user.organisation is not None and user.organisation.name in settings.IDENTIFYING_ORGANISATIONS


@rules.predicate
def can_override_consent(user) -> bool:
    return user.has_perm("cases.override_consent")


rules.add_perm("cases.list_cases", is_case_worker | is_coordinator)
rules.add_perm("cases.create_case", is_case_worker)
rules.add_perm("cases.view_case", is_case_worker & works_on_case)
rules.add_perm("cases.view_case_pseudonymised", is_coordinator | (is_case_worker & works_on_case))
rules.add_perm("cases.change_case", is_case_worker & works_on_case)
rules.add_perm("cases.decide_identification", is_identification_officer & is_competent_body & works_on_case)

"""Reading cases under need-to-know: one queryset per viewer, used by every list and count."""

from django.db.models import Q
from django.db.models.functions import ExtractYear

from cases.models import CHILD_AGE, Case
from cases.rules import CASE_ROLES, cases_q_for_organisation

# A child, for lists and statistics: handled as a child, or under 18 by estimated age or by year of birth when the
# case was registered. The date of birth is encrypted, so queries work with the year; the case page applies the
# exact date (Case.is_child).
CHILD_FILTER = (
    Q(presumed_child=True)
    | Q(person__estimated_age__lt=CHILD_AGE)
    | Q(person__year_of_birth__gt=ExtractYear("created_at") - CHILD_AGE)
)


def cases_visible_to(user):
    """Cases a case worker's organisation owns or accepted; none for anyone else (the Coordinator's pseudonymised
    view is built from `cases_pseudonymised`, which carries no identifier)."""
    if not (user.has_role(*CASE_ROLES) and user.organisation_id):
        return Case.objects.none()
    return Case.objects.filter(cases_q_for_organisation(user.organisation_id))


def cases_pseudonymised(user):
    """Cases the user may see without identifiers: all of them for the Coordinator, else the visible ones.

    `.only()` keeps the encrypted person fields from being loaded at all.
    """
    cases = Case.objects.all() if user.has_role("coordinator") else cases_visible_to(user)
    return cases.select_related("owner").only(
        "uid", "reference", "status", "source", "scope", "created_at", "presumed_at", "owner__name", "presumed_child"
    )

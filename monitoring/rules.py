"""Who may see and do what in monitoring.

- The National Coordinator sees every report, opens and closes rounds, reviews (returns or accepts) reports and
  tracks needs.
- A focal point sees and writes its own organisation's reports, raises needs on them, and follows those needs.
- An observer (Ombudsman, Parliament, donor) reads accepted reports only.
- The dashboard's figures are for the Coordinator, focal points and observers.
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role

is_coordinator = has_role(Role.COORDINATOR)
is_focal_point = has_role(Role.FOCAL_POINT)
is_observer = has_role(Role.OBSERVER)


@rules.predicate
def is_own_organisations(user, report) -> bool:
    return report is not None and user.organisation_id is not None and report.organisation_id == user.organisation_id


@rules.predicate
def has_organisation(user) -> bool:
    return user.organisation_id is not None


@rules.predicate
def is_accepted(user, report) -> bool:
    return report is not None and report.status == "accepted"


@rules.predicate
def is_submitted(user, report) -> bool:
    return report is not None and report.status == "submitted" and report.round.is_open


@rules.predicate
def is_in_open_round(user, report) -> bool:
    return report is not None and report.round.is_open


@rules.predicate
def is_own_need(user, need) -> bool:
    return need is not None and is_own_organisations(user, need.report)


rules.add_perm("monitoring.view_rounds", is_coordinator | is_focal_point | is_observer)
rules.add_perm("monitoring.manage_rounds", is_coordinator)
rules.add_perm("monitoring.view_dashboard", is_coordinator | is_focal_point | is_observer)
rules.add_perm("monitoring.list_reports", is_coordinator | is_focal_point | is_observer)
rules.add_perm(
    "monitoring.view_report",
    is_coordinator | (is_focal_point & is_own_organisations) | (is_observer & is_accepted),
)
# Writing is the focal point's; whether the report can still change (draft or returned, round open) is the
# workflow's business: services refuse with a message that says why.
rules.add_perm("monitoring.write_report", is_focal_point & is_own_organisations)
rules.add_perm("monitoring.review_report", is_coordinator & is_submitted)
rules.add_perm("monitoring.start_report", is_focal_point & has_organisation)
rules.add_perm("monitoring.raise_need", is_focal_point & is_own_organisations & is_in_open_round)
rules.add_perm("monitoring.list_needs", is_coordinator | is_focal_point)
rules.add_perm("monitoring.view_need", is_coordinator | (is_focal_point & is_own_need))
rules.add_perm("monitoring.manage_need", is_coordinator)

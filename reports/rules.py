"""Who may see and issue the annual report.

The National Coordinator (and staff) builds drafts from the current data, in either edition, and issues them; the
restricted edition of an issued report, with its exact figures and the data-quality notes naming cases, is theirs
alone. Observers (the Ombudsman, Parliament, donors) and focal points download the issued public editions. Case
workers, hotline operators, prosecution analysts and system administrators see neither: the report is not part of
their work, and the restricted edition is built from case data.
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role
from reports.models import Edition

coordinators = has_role(Role.COORDINATOR)
public_readers = has_role(Role.COORDINATOR, Role.OBSERVER, Role.FOCAL_POINT)


@rules.predicate
def is_public(user, issued) -> bool:
    return issued is None or issued.edition == Edition.PUBLIC


rules.add_perm("reports.preview_annual_report", coordinators)
rules.add_perm("reports.issue_annual_report", coordinators)
rules.add_perm("reports.list_issued_reports", public_readers)
rules.add_perm("reports.view_issued_report", coordinators | (public_readers & is_public))

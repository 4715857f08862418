"""Who may read and record hotline calls.

A call may carry what a frightened person said and, when the caller agreed, how to reach them again (plan §4.3 asks
for the confidentiality of the people using the lines). So only hotline operators read calls, and only those of their
own organisation: they record calls for it and edit only its calls. Every other role — the National Coordinator, focal
points, observers, case workers, identification officers, prosecution analysts and system administrators — is refused
every call page and API endpoint.

The National Coordinator needs the figures for monitoring and the annual report (table R3), not the calls: the
statistics page, with counts only, is open to the Coordinator (all organisations) and to operators (their own).
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role
from lib.registers import listing_or_owns_entry, owns_entry

operators = has_role(Role.HOTLINE_OPERATOR)

rules.add_perm("hotline.read", operators & listing_or_owns_entry)
rules.add_perm("hotline.record", operators)
rules.add_perm("hotline.edit", operators & owns_entry)
rules.add_perm("hotline.view_statistics", has_role(Role.COORDINATOR, Role.HOTLINE_OPERATOR))

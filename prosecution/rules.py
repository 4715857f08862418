"""Who may read and record criminal cases.

Prosecution analysts read every criminal case, record their own organisation's and edit only those. The National
Coordinator reads them all: the register holds no victim's identity, only the reference codes of the victims' cases,
and names no defendant. Everyone else (focal points, observers, case workers, hotline operators, system
administrators, users without a role) is refused: pages, downloads and the API answer 403.
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role
from lib.registers import owns_entry

analysts = has_role(Role.PROSECUTION_ANALYST)
readers = has_role(Role.PROSECUTION_ANALYST, Role.COORDINATOR)

rules.add_perm("prosecution.read", readers)
rules.add_perm("prosecution.record", analysts)
rules.add_perm("prosecution.edit", analysts & owns_entry)

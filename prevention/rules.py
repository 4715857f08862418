"""Who may read and record prevention activities.

Trainings, awareness activities, research, inspections and media findings are not about any person: the National
Coordinator, focal points and observers read them all. Focal points and the Coordinator's staff record their own
organisation's activities and edit only those.
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role
from lib.registers import owns_entry

readers = has_role(Role.COORDINATOR, Role.FOCAL_POINT, Role.OBSERVER)
recorders = has_role(Role.COORDINATOR, Role.FOCAL_POINT)

rules.add_perm("prevention.read", readers)
rules.add_perm("prevention.record", recorders)
rules.add_perm("prevention.edit", recorders & owns_entry)

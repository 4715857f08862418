"""Who may read and record partnership entries.

Donors, donor support, meetings and international cooperation are about organisations, not persons: the National
Coordinator, focal points and observers read all four registers. Donor support and cooperation are recorded by focal
points and the Coordinator's staff and edited only by the organisation that recorded them. The register of donors and
the meetings of the commission and the working group are the Coordinator's: only the Coordinator records and edits
them. The IATI file of donor support is published by the Coordinator and read by observers (donors among them).
Case workers, hotline operators, prosecution analysts, system administrators and users without a role see none of it.
"""

import rules

from accounts.roles import Role
from accounts.rules import has_role
from lib.registers import owns_entry

readers = has_role(Role.COORDINATOR, Role.FOCAL_POINT, Role.OBSERVER)
recorders = has_role(Role.COORDINATOR, Role.FOCAL_POINT)
coordinators = has_role(Role.COORDINATOR)

rules.add_perm("partners.read", readers)
rules.add_perm("partners.record", recorders)
rules.add_perm("partners.edit", recorders & owns_entry)
rules.add_perm("partners.coordinate", coordinators)
rules.add_perm("partners.export_iati", has_role(Role.COORDINATOR, Role.OBSERVER))

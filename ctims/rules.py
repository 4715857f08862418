import rules

from accounts.rules import has_any_role

# The index of registers lists only the registers the user may read (lib.registers); each register has its own rules.
rules.add_perm("ctims.view_registers", has_any_role)

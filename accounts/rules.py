"""Who may do what. Every view and API endpoint names one of these permissions."""

import rules

from accounts.roles import Role


@rules.predicate
def has_any_role(user) -> bool:
    return bool(getattr(user, "roles", None))


def has_role(*roles: str):
    @rules.predicate(name=f"has_role:{','.join(roles)}")
    def predicate(user) -> bool:
        return user.is_authenticated and user.has_role(*roles)

    return predicate


is_sysadmin = has_role(Role.SYSADMIN)

# Every signed-in user with a role may read the plan: it is a public document, shared by all participants.
rules.add_perm("plans.view_plan", has_any_role)
rules.add_perm("organisations.view_organisation", has_any_role)

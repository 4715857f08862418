"""Writes the permission table (ctims/access.py) as Markdown: docs/permissions.md is its output."""

import re

from django.core.management.base import BaseCommand

from accounts.roles import Role
from ctims import access

HEADER = """# Who may use what

Generated from `ctims/access.py` by `manage.py permission_table > docs/permissions.md`; a test fails when the two
differ. Deny by default: a role not listed for a route is refused it (403, or 404 where an object's existence must
not show). Reading is GET; writing is POST, PUT, PATCH or DELETE. The Django admin site (`/admin/`) is for system
administrators only, and shows them no case content.

Scopes: {scopes}.

| route | address | reads | writes |
|---|---|---|---|
"""


def _routes():
    """(name, address) of every route but the admin site's and the API's format-suffixed twins."""
    for name, route, _pattern in access.url_patterns():
        if name and not name.startswith("admin:") and "(?P<format>" not in route:
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)  # the API router's regular expressions
            yield name, "/" + route.replace("^", "").replace("$", "")


def _who(roles) -> str:
    return "; ".join(f"{Role(role).label}: {access.SCOPES[scope]}" for role, scope in roles.items()) or "—"


def table() -> str:
    scopes = "; ".join(f"*{access.SCOPES[scope]}* ({scope})" for scope in access.SCOPES)
    lines = [HEADER.format(scopes=scopes)]
    for name, path in sorted(dict(_routes()).items(), key=lambda item: item[1]):
        policy = access.ROUTES[name]
        if policy.anonymous:
            reads = writes = "anyone"
        elif policy.signed_in:
            reads = writes = "any signed-in user"
        else:
            reads, writes = _who(policy.read), _who(policy.write)
        lines.append(f"| `{name}` | `{path}` | {reads} | {writes} |\n")
    return "".join(lines)


class Command(BaseCommand):
    help = "Prints the permission table of every route as Markdown (docs/permissions.md)."

    def handle(self, *args, **options):
        self.stdout.write(table(), ending="")

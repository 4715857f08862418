"""Tampering with the trail behind the application's back, as someone with direct database access could.

The append-only triggers refuse every UPDATE and DELETE on audit_auditevent, so these helpers run raw SQL inside
audit.testing.triggers_disabled(), within the test's own transaction: SQLite's triggers are dropped and re-created,
PostgreSQL's disabled and enabled again (its docstring says how). Even a test that fails half-way gets its triggers
back from the rollback.
"""

from django.db import connection

from audit.testing import TABLE, triggers_disabled


def tamper(sql: str, params=()) -> int:
    """Runs `sql` on the trail with the triggers off; returns the number of rows it touched."""
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def delete_events(*sequences: int) -> None:
    placeholders = ", ".join(["%s"] * len(sequences))
    assert tamper(f"DELETE FROM {TABLE} WHERE sequence IN ({placeholders})", sequences) == len(sequences)

"""Test support for the audit trail, for this app's tests and other apps'. Never imported by the application itself.

The append-only triggers refuse every UPDATE and DELETE on audit_auditevent, tests included. Two kinds of test need
to get past them:

- tests that simulate tampering (triggers_disabled, inside the test's transaction);
- tests that run outside a transaction (TransactionTestCase, LiveServerTestCase, pytest's transactional_db and
  live_server) and record events: on SQLite, Django empties the tables after each of them with DELETE FROM, which
  the trigger refuses ("audit_auditevent is append-only: DELETE is not allowed"). Call trail_erase_for_flush first
  (AuditFlushMixin does for test classes). PostgreSQL empties them with TRUNCATE, which row triggers do not see.
"""

from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "audit_auditevent"
TRIGGERS = ("audit_auditevent_no_update", "audit_auditevent_no_delete")
NOT_A_TEST_DATABASE = "Refusing to erase the audit trail of {name}: this is for test databases only."


@contextmanager
def triggers_disabled(using: str = DEFAULT_DB_ALIAS):
    """Lets raw SQL update and delete audit events, as someone with direct database access could. Use it inside a
    transaction (every TestCase test is one): if anything fails half-way, the rollback brings the triggers back.

    SQLite cannot disable a trigger, so they are dropped, then created again from their own definitions (kept in
    sqlite_master). PostgreSQL disables and enables them with ALTER TABLE, which refuses to run while deferred
    foreign-key checks of rows inserted earlier in the transaction are pending, so those are run first.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with _postgresql_triggers_disabled(connection):
            yield
    else:
        with _sqlite_triggers_dropped(connection):
            yield


@contextmanager
def _postgresql_triggers_disabled(connection):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for trigger in TRIGGERS:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares its foreign keys


@contextmanager
def _sqlite_triggers_dropped(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        definitions = cursor.fetchall()
        found = sorted(name for name, _ in definitions)
        if found != sorted(TRIGGERS):
            raise AssertionError(f"expected the triggers {sorted(TRIGGERS)} on {TABLE}, found {found}")
        for name, _ in definitions:
            cursor.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, sql in definitions:
                cursor.execute(sql)


def trail_erase_for_flush(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empties the trail of a SQLite test database so that Django's flush after a transactional test can run.

    Does nothing on other databases, whose flush the triggers do not stop. The triggers are back when it returns.
    """
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    if not (in_memory or Path(name).name.startswith("test")):
        raise RuntimeError(NOT_A_TEST_DATABASE.format(name=name))
    if connection.vendor != "sqlite":
        return
    with transaction.atomic(using=using), triggers_disabled(using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # the head row needs no help: nothing stops its deletion


class AuditFlushMixin:
    """For TransactionTestCase and LiveServerTestCase classes whose tests record audit events (put it first)."""

    def _fixture_teardown(self):
        for alias in self._databases_names(include_mirrors=False):
            trail_erase_for_flush(alias)
        super()._fixture_teardown()

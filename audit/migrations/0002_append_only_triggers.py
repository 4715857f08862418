"""Database triggers that reject UPDATE and DELETE on the audit trail, whatever writes to it, not only the ORM.

The SQL is written out here, not imported, so this migration keeps doing what it did when the app changes later.
On SQLite, a later migration that alters a column of audit_auditevent rebuilds the table and silently loses these
triggers: such a migration must create them again (the trigger tests in audit/tests/test_append_only.py fail
until it does).
"""

from django.db import migrations

SQL = {
    "sqlite": {
        "forwards": [
            """
            CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE is not allowed'); END
            """,
            """
            CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE is not allowed'); END
            """,
        ],
        "backwards": [
            "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
            "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
        ],
    },
    "postgresql": {
        "forwards": [
            # restrict_violation (SQLSTATE 23001) arrives in Django as an IntegrityError, as SQLite's RAISE(ABORT) does.
            """
            CREATE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION USING
                    MESSAGE = 'audit_auditevent is append-only: ' || TG_OP || ' is not allowed',
                    ERRCODE = 'restrict_violation';
            END
            $$
            """,
            """
            CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
            FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
            """,
            """
            CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
            FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
            """,
        ],
        "backwards": [
            "DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent",
            "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent",
            "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
        ],
    },
}


def _run(direction):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in SQL:
            raise NotImplementedError(f"The audit trail's append-only triggers exist for {sorted(SQL)}, not {vendor}.")
        # As RunSQL does: no parameters (None), so the SQL reaches the database exactly as written.
        for statement in SQL[vendor][direction]:
            schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_run("forwards"), _run("backwards"), elidable=False)]

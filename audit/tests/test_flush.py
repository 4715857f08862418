"""Transactional tests that record events can still be cleaned up after: see audit.testing."""

from unittest import mock

from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase, TransactionTestCase

from audit.models import AuditEvent
from audit.services import event_record
from audit.testing import AuditFlushMixin, trail_erase_for_flush


class TransactionalTestsRecordingEventsTests(AuditFlushMixin, TransactionTestCase):
    """Each test leaves events behind; without AuditFlushMixin, the flush after it fails on SQLite."""

    def test_a_transactional_test_may_leave_events_behind(self):
        event_record(actor=None, action="job.run", object_id="1")
        self.assertEqual(AuditEvent.objects.count(), 1)

    def test_after_erasing_the_trail_the_triggers_still_refuse_changes(self):
        event_record(actor=None, action="job.run", object_id="1")
        trail_erase_for_flush()
        self.assertEqual(AuditEvent.objects.count(), 0 if connection.vendor == "sqlite" else 1)
        event_record(actor=None, action="job.run", object_id="2")
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent")


class EraseGuardTests(SimpleTestCase):
    def test_a_database_that_is_not_a_test_database_is_never_erased(self):
        with (
            mock.patch.dict(connection.settings_dict, {"NAME": "/srv/ctims/var/ctims.sqlite3"}),
            mock.patch.object(connection, "is_in_memory_db", return_value=False, create=True),
            self.assertRaisesMessage(RuntimeError, "for test databases only"),
        ):
            trail_erase_for_flush()

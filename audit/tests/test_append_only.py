"""Append-only: the ORM refuses to change or delete an event, and so does the database itself."""

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from audit.models import AppendOnlyError, AuditEvent
from audit.services import event_record
from audit.verify import verify_chain
from ctims.testing import BaseTestCase


class AppendOnlyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.event = event_record(actor=cls.carol, action="case.read", object_type="cases.case", object_id="1")
        event_record(actor=cls.carol, action="case.read", object_type="cases.case", object_id="2")

    def assertTrailUntouched(self):
        stored = AuditEvent.objects.get(sequence=1)
        self.assertEqual((stored.reason, stored.hash), ("", self.event.hash))
        self.assertEqual(AuditEvent.objects.count(), 2)
        self.assertTrue(verify_chain().ok)

    def test_saving_an_event_again_is_refused(self):
        for event in (self.event, AuditEvent.objects.get(sequence=1)):
            event.reason = "edited"
            with self.subTest(event=event), self.assertRaisesMessage(AppendOnlyError, "cannot be changed"):
                event.save()
        with self.assertRaisesMessage(AppendOnlyError, "cannot be changed"):
            self.event.save(update_fields=["reason"])
        self.assertTrailUntouched()

    def test_a_new_event_with_an_existing_number_cannot_overwrite_it(self):
        forged = AuditEvent(**{**self.event.hashed_values(), "at": self.event.at, "reason": "edited"})
        with self.assertRaises(IntegrityError), transaction.atomic():
            forged.save()
        self.assertTrailUntouched()

    def test_deleting_an_event_is_refused(self):
        with self.assertRaisesMessage(AppendOnlyError, "cannot be deleted"):
            self.event.delete()
        self.assertTrailUntouched()

    def test_updating_events_through_a_queryset_is_refused(self):
        with self.assertRaisesMessage(AppendOnlyError, "cannot be changed"):
            AuditEvent.objects.filter(sequence=1).update(reason="edited")
        with self.assertRaisesMessage(AppendOnlyError, "cannot be changed"):
            AuditEvent.objects.bulk_update([self.event], ["reason"])
        with self.assertRaisesMessage(AppendOnlyError, "cannot be changed"):
            self.carol.audit_events.update(reason="edited")
        self.assertTrailUntouched()

    def test_deleting_events_through_a_queryset_is_refused(self):
        with self.assertRaisesMessage(AppendOnlyError, "cannot be deleted"):
            AuditEvent.objects.all().delete()
        with self.assertRaisesMessage(AppendOnlyError, "cannot be deleted"):
            self.carol.audit_events.all().delete()
        self.assertTrailUntouched()

    def test_events_cannot_be_bulk_created_around_the_chain(self):
        with self.assertRaisesMessage(AppendOnlyError, "through audit.services.event_record"):
            AuditEvent.objects.bulk_create([AuditEvent(sequence=3)])
        self.assertTrailUntouched()

    def test_a_user_who_has_acted_cannot_be_deleted(self):
        with self.assertRaises(ProtectedError):
            self.carol.delete()
        self.assertTrailUntouched()

    def test_the_database_refuses_an_update_in_raw_sql(self):
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["edited", 1])
        self.assertTrailUntouched()

    def test_the_database_refuses_a_delete_in_raw_sql(self):
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
        self.assertTrailUntouched()

    def test_the_database_refuses_to_empty_the_table(self):
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent")
        self.assertTrailUntouched()

"""event_record: who, when, what and why, numbered and chained, inside the caller's transaction."""

from datetime import UTC, date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import ZERO_HASH, AuditEvent, AuditHead
from audit.services import event_record
from audit.verify import verify_chain
from ctims.testing import BaseTestCase


class EventRecordTests(BaseTestCase):
    def read(self, user=None, **kwargs) -> AuditEvent:
        kwargs.setdefault("object_type", "cases.case")
        kwargs.setdefault("object_id", "17")
        return event_record(actor=user or self.carol, action="case.read", **kwargs)

    def test_the_first_event_is_number_1_and_chains_to_64_zeros(self):
        event = self.read()
        self.assertEqual(event.sequence, 1)
        self.assertEqual(event.previous_hash, ZERO_HASH)
        self.assertEqual(event.hash, event.compute_hash())

    def test_each_event_chains_to_the_hash_of_the_one_before(self):
        first, second, third = self.read(), self.read(self.dan), self.read(self.alice)
        self.assertEqual(second.previous_hash, first.hash)
        self.assertEqual(third.previous_hash, second.hash)
        self.assertEqual([first.sequence, second.sequence, third.sequence], [1, 2, 3])
        self.assertEqual(len({first.hash, second.hash, third.hash}), 3)

    def test_the_head_remembers_the_last_event(self):
        self.read()
        last = self.read()
        head = AuditHead.objects.get()
        self.assertEqual((head.sequence, head.hash), (last.sequence, last.hash))

    def test_an_event_says_who_when_what_and_why(self):
        before = timezone.now()
        event = event_record(
            actor=self.carol,
            action="case.read",
            obj=self.other_ngo,
            reason="  Covering for Dan while he is on leave.  ",
        )
        stored = AuditEvent.objects.get(sequence=event.sequence)
        self.assertEqual(stored.actor, self.carol)
        self.assertEqual(stored.actor_username, "carol")
        self.assertEqual(stored.organisation_id, self.ngo.pk)
        self.assertEqual(stored.action, "case.read")
        self.assertEqual((stored.object_type, stored.object_id), ("organisations.organisation", str(self.other_ngo.pk)))
        self.assertEqual(stored.reason, "Covering for Dan while he is on leave.")
        self.assertEqual(stored.at.utcoffset(), timedelta(0))
        self.assertTrue(before <= stored.at <= timezone.now())

    def test_times_never_go_backwards_along_the_chain(self):
        events = [self.read() for _ in range(5)]
        self.assertEqual([e.at for e in events], sorted(e.at for e in events))

    def test_a_system_job_has_no_actor(self):
        event = event_record(actor=None, action="case.retention_purge", object_type="cases.case", object_id=9)
        self.assertIsNone(event.actor)
        self.assertEqual((event.actor_username, event.organisation_id, event.object_id), ("", None, "9"))
        self.assertTrue(verify_chain().ok)

    def test_the_trail_keeps_the_name_and_organisation_the_user_had_then(self):
        event = self.read()
        self.carol.username, self.carol.organisation = "carol.new", self.other_ngo
        self.carol.save()
        stored = AuditEvent.objects.get(sequence=event.sequence)
        self.assertEqual((stored.actor_username, stored.organisation_id), ("carol", self.ngo.pk))
        self.assertTrue(verify_chain().ok)

    def test_an_event_about_a_change_rolled_back_is_rolled_back_too_and_the_chain_goes_on(self):
        first = self.read()
        with self.assertRaisesMessage(RuntimeError, "the change failed"), transaction.atomic():
            event_record(actor=self.carol, action="case.update", object_type="cases.case", object_id="17")
            raise RuntimeError("the change failed")
        self.assertEqual(list(AuditEvent.objects.values_list("sequence", flat=True)), [1])
        self.assertEqual(AuditHead.objects.get().sequence, 1)
        after = self.read()
        self.assertEqual((after.sequence, after.previous_hash), (2, first.hash))
        self.assertTrue(verify_chain().ok)

    def test_details_come_back_from_the_database_as_stored_and_the_hash_still_matches(self):
        details = {
            "fields": ["status", "risk_level", "notes"],
            "status": {"old": "open", "new": "referred"},
            "risk_level": {"old": 2, "new": 3},
            "closed": {"old": None, "new": False},
            "review_on": {"old": date(2026, 1, 31), "new": date(2026, 3, 1)},
            "amount": {"old": Decimal("12.50"), "new": Decimal("0.10")},
            "note": "Şəki — Шеки ✓",
            "big": 2**62,
            1: "an integer key",
        }
        event = event_record(
            actor=self.carol, action="case.update", object_type="cases.case", object_id="5", details=details
        )
        stored = AuditEvent.objects.get(sequence=event.sequence)
        self.assertEqual(stored.details, event.details)
        self.assertEqual(stored.details["review_on"], {"old": "2026-01-31", "new": "2026-03-01"})
        self.assertEqual(stored.details["amount"], {"old": "12.50", "new": "0.10"})
        self.assertEqual(stored.details["1"], "an integer key")
        self.assertEqual(stored.compute_hash(), stored.hash)
        self.assertEqual(stored.at, event.at)

    def test_floats_in_details_are_refused_because_they_may_not_come_back_exactly(self):
        with self.assertRaisesMessage(ValueError, "give 1e+16 as a string or a Decimal"):
            self.read(details={"score": {"old": 3, "new": 1e16}})
        self.assertFalse(AuditEvent.objects.exists())

    def test_details_must_be_a_dict(self):
        with self.assertRaisesMessage(TypeError, "details must be a dict"):
            self.read(details=["status"])

    def test_an_action_must_be_a_dotted_lower_case_code(self):
        for action in ("read", "Case.Read", "case read", "case.", ".read", ""):
            with self.subTest(action=action), self.assertRaisesMessage(ValueError, "dotted lower-case code"):
                event_record(actor=self.carol, action=action)
        self.assertFalse(AuditEvent.objects.exists())

    def test_an_object_is_given_once_and_must_be_saved(self):
        with self.assertRaisesMessage(ValueError, "either obj, or object_type and object_id"):
            event_record(actor=self.carol, action="case.read", obj=self.ngo, object_type="cases.case")
        with self.assertRaisesMessage(ValueError, "not saved yet"):
            event_record(actor=self.carol, action="case.read", obj=type(self.ngo)(name="Unsaved"))
        self.assertFalse(AuditEvent.objects.exists())

    def test_the_actor_must_be_a_saved_user(self):
        with self.assertRaisesMessage(ValueError, "saved user, or None"):
            event_record(actor=type(self.carol)(username="ghost"), action="case.read")

    def test_a_field_too_long_is_refused_before_anything_is_written(self):
        with self.assertRaises(ValidationError):
            self.read(object_id="9" * 256)
        self.assertFalse(AuditEvent.objects.exists())
        self.assertFalse(AuditHead.objects.exists())

    def test_a_lost_head_row_is_rebuilt_from_the_last_event_so_the_chain_goes_on(self):
        first = self.read()
        AuditHead.objects.all().delete()
        with self.assertLogs("audit.services", "ERROR"):
            second = self.read()
        self.assertEqual((second.sequence, second.previous_hash), (2, first.hash))
        self.assertTrue(verify_chain().ok)

    def test_the_time_is_stored_in_utc(self):
        event = self.read()
        self.assertEqual(AuditEvent.objects.get().at.tzinfo, UTC)
        self.assertEqual(event.hashed_values()["at"][-6:], "+00:00")

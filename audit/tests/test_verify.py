"""verify_chain: an intact trail passes; an altered, deleted or truncated one is reported, event by event.

Tampering goes through audit/tests/tampering.py, which turns the append-only triggers off inside the test's
transaction (see its docstring for how, on SQLite and on PostgreSQL).
"""

from unittest import mock

from django.db.models.query import QuerySet

from audit.models import AuditEvent, AuditHead
from audit.services import event_record
from audit.tests.tampering import delete_events, tamper
from audit.verify import verify_chain
from ctims.testing import BaseTestCase


class VerifyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for number in range(1, 6):
            event_record(actor=cls.carol, action="case.read", object_type="cases.case", object_id=str(number))

    def assertProblems(self, *expected: str):
        result = verify_chain()
        self.assertEqual(result.problems, list(expected))
        self.assertFalse(result.ok)
        return result

    def test_an_intact_trail_passes(self):
        result = verify_chain()
        self.assertTrue(result.ok)
        self.assertEqual((result.checked, result.problems), (5, []))
        self.assertEqual((result.last_sequence, result.last_hash), (5, AuditHead.objects.get().hash))

    def test_an_empty_trail_passes(self):
        delete_events(1, 2, 3, 4, 5)
        AuditHead.objects.all().delete()
        result = verify_chain()
        self.assertTrue(result.ok)
        self.assertEqual(result.checked, 0)

    def test_an_altered_event_is_reported(self):
        self.assertEqual(tamper("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["edited", 3]), 1)
        result = self.assertProblems("event 3 was altered (hash does not match its content)")
        self.assertEqual(result.checked, 5)

    def test_an_altered_event_whose_hash_was_recomputed_breaks_the_link_to_the_next(self):
        event = AuditEvent.objects.get(sequence=3)
        event.actor_username = "dan"
        tamper(
            "UPDATE audit_auditevent SET actor_username = %s, hash = %s WHERE sequence = %s",
            ["dan", event.compute_hash(), 3],
        )
        self.assertProblems("event 4's previous hash does not match event 3")

    def test_an_event_deleted_from_the_middle_is_reported(self):
        delete_events(3)
        self.assertProblems("event 4 does not follow event 2: event 3 is missing or was deleted")

    def test_several_events_deleted_from_the_middle_are_reported_as_one_gap(self):
        delete_events(2, 3, 4)
        self.assertProblems("event 5 does not follow event 1: events 2 to 4 are missing or were deleted")

    def test_a_deleted_first_event_is_reported(self):
        delete_events(1)
        self.assertProblems("the trail starts at event 2: event 1 is missing or was deleted")

    def test_a_first_event_that_does_not_start_from_zeros_is_reported(self):
        event = AuditEvent.objects.get(sequence=1)
        event.previous_hash = "a" * 64
        tamper(
            "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE sequence = 1",
            [event.previous_hash, event.compute_hash()],
        )
        self.assertProblems(
            "event 1's previous hash is not 64 zeros, as the first event's must be",
            "event 2's previous hash does not match event 1",
        )

    def test_a_deleted_last_event_leaves_the_chain_intact_but_not_the_head(self):
        delete_events(5)
        result = self.assertProblems(
            "the trail ends at event 4 but the head record says it ends at event 5: event 5 is missing or was deleted"
        )
        self.assertEqual(result.checked, 4)

    def test_a_truncated_tail_is_reported(self):
        delete_events(3, 4, 5)
        self.assertProblems(
            "the trail ends at event 2 but the head record says it ends at event 5: "
            "events 3 to 5 are missing or were deleted"
        )

    def test_a_trail_emptied_behind_the_head_is_reported(self):
        delete_events(1, 2, 3, 4, 5)
        self.assertProblems(
            "the trail is empty but the head record says it ends at event 5: events 1 to 5 are missing or were deleted"
        )

    def test_a_last_event_rewritten_with_its_hash_recomputed_no_longer_matches_the_head(self):
        event = AuditEvent.objects.get(sequence=5)
        event.reason = "edited"
        tamper(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE sequence = 5", ["edited", event.compute_hash()]
        )
        self.assertProblems("the head record's hash does not match event 5's hash")

    def test_a_missing_head_is_reported(self):
        AuditHead.objects.all().delete()
        self.assertProblems(
            "the head record is missing, so events deleted from the end of the trail cannot be detected"
        )

    def test_events_appended_after_the_head_was_read_are_checked_without_a_false_alarm(self):
        head = AuditHead.objects.get()
        event_record(actor=self.dan, action="case.read", object_type="cases.case", object_id="6")
        # What verify sees when event 6 is committed between its reading the head and its reading the events.
        AuditHead.objects.update(sequence=head.sequence, hash=head.hash)
        result = verify_chain()
        self.assertEqual((result.ok, result.checked), (True, 6))

    def test_the_trail_is_read_in_chunks_and_every_chunk_is_checked(self):
        tamper("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["edited", 5])
        with mock.patch.object(QuerySet, "iterator", autospec=True, side_effect=QuerySet.iterator) as iterator:
            result = verify_chain(chunk_size=2)
        iterator.assert_called_once_with(mock.ANY, chunk_size=2)
        self.assertEqual(result.checked, 5)
        self.assertEqual(result.problems, ["event 5 was altered (hash does not match its content)"])

    def test_too_many_problems_are_counted_not_all_listed(self):
        tamper("UPDATE audit_auditevent SET reason = %s", ["edited"])
        result = verify_chain(max_problems=2)
        self.assertEqual(
            result.problems,
            [
                "event 1 was altered (hash does not match its content)",
                "event 2 was altered (hash does not match its content)",
                "… and 3 more problems",
            ],
        )
        self.assertEqual(result.problem_count, 5)

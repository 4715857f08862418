"""The hash: SHA-256 over a canonical JSON of every other field, so that no field can change unnoticed."""

import copy
import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from audit.models import HASHED_FIELDS, ZERO_HASH, AuditEvent


def sample_event() -> AuditEvent:
    return AuditEvent(
        sequence=7,
        at=datetime(2026, 1, 31, 9, 15, 0, 123456, tzinfo=UTC),
        actor_id=3,
        actor_username="carol",
        organisation_id=4,
        action="case.update",
        object_type="cases.case",
        object_id="42",
        reason="Şəki",
        details={"fields": ["status"], "status": {"old": "open", "new": "referred"}},
        previous_hash=ZERO_HASH,
    )


# One different value per field, to show each one is covered.
CHANGES = {
    "sequence": 8,
    "at": datetime(2026, 1, 31, 9, 15, 0, 123457, tzinfo=UTC),
    "actor_id": 5,
    "actor_username": "dan",
    "organisation_id": None,
    "action": "case.read",
    "object_type": "cases.referral",
    "object_id": "43",
    "reason": "Şəki.",
    "details": {"fields": ["status"], "status": {"old": "open", "new": "closed"}},
    "previous_hash": "f" * 64,
}


class HashTests(SimpleTestCase):
    def test_every_column_but_the_hash_itself_is_hashed(self):
        columns = {f.attname for f in AuditEvent._meta.concrete_fields}
        self.assertEqual(set(HASHED_FIELDS), columns - {"hash"})
        self.assertEqual(set(CHANGES), set(HASHED_FIELDS))

    def test_changing_any_field_changes_the_hash(self):
        original = sample_event().compute_hash()
        for name, value in CHANGES.items():
            with self.subTest(field=name):
                changed = copy.copy(sample_event())
                setattr(changed, name, value)
                self.assertNotEqual(changed.compute_hash(), original)

    def test_moving_text_from_one_field_to_another_changes_the_hash(self):
        event, moved = sample_event(), sample_event()
        event.object_id, event.reason = "42", ""
        moved.object_id, moved.reason = "", "42"
        self.assertNotEqual(event.compute_hash(), moved.compute_hash())

    def test_the_same_moment_in_another_time_zone_gives_the_same_hash(self):
        baku = sample_event()
        baku.at = baku.at.astimezone(ZoneInfo("Asia/Baku"))
        self.assertEqual(baku.compute_hash(), sample_event().compute_hash())
        self.assertNotEqual(baku.at.utcoffset(), timedelta(0))

    def test_the_hash_is_sha256_of_the_documented_canonical_json(self):
        # Written out by hand: if this test fails, every trail already recorded would stop verifying.
        canonical = (
            '{"action":"case.update","actor_id":3,"actor_username":"carol","at":"2026-01-31T09:15:00.123456+00:00",'
            '"details":{"fields":["status"],"status":{"new":"referred","old":"open"}},"object_id":"42",'
            '"object_type":"cases.case","organisation_id":4,'
            '"previous_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
            '"reason":"\\u015e\\u0259ki","sequence":7}'
        )
        self.assertEqual(sample_event().compute_hash(), hashlib.sha256(canonical.encode()).hexdigest())

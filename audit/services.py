"""Appending to the audit trail. event_record is the only way in: it numbers, times, hashes and chains each event."""

import json
import logging
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import HEAD_ID, ZERO_HASH, AuditEvent, AuditHead

logger = logging.getLogger(__name__)

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")
INVALID_ACTION = "An action is a dotted lower-case code such as 'case.read', not {action!r}."
OBJECT_TWICE = "Give either obj, or object_type and object_id, not both."
UNSAVED_OBJECT = "An object that is not saved yet cannot be audited: it has no id."
UNSAVED_ACTOR = "The actor must be a saved user, or None for a system job."
DETAILS_NOT_A_DICT = "details must be a dict (what changed, by field name), not {kind}."
DETAILS_FLOAT = (
    "details cannot hold floating-point numbers, which do not come back from every database exactly as given "
    "(and the hash must match): give {value} as a string or a Decimal."
)
HEAD_REBUILT = "The audit trail's head record was missing while events exist; it was rebuilt from event %s."


@transaction.atomic
def event_record(
    *, actor, action: str, obj=None, object_type=None, object_id=None, reason: str = "", details=None
) -> AuditEvent:
    """Appends one event to the trail, chained to the last one, and returns it.

    `actor` is the user (None for a system job); `obj` the model instance concerned, or give `object_type`
    ("cases.case") and `object_id` instead. `details` says what changed: field names and, for fields that identify
    nobody, old and new values. Dates, Decimals and UUIDs become strings; floats are refused.

    Inside the caller's transaction this is a savepoint, so an event about a change that is rolled back goes with it.
    The trail's head row stays locked until that transaction ends, so record the event as the transaction's last step:
    other writers wait for it.
    """
    object_type, object_id = _object_reference(obj, object_type, object_id)
    event = AuditEvent(
        actor=_saved_actor(actor),
        actor_username=actor.get_username() if actor else "",
        organisation_id=getattr(actor, "organisation_id", None),
        action=_checked_action(action),
        object_type=object_type,
        object_id=object_id,
        reason=reason.strip(),
        details=_normalised_details(details),
    )
    # Checked before the lock is taken, so a bad call never holds up other writers.
    event.clean_fields(exclude=["actor", "sequence", "at", "previous_hash", "hash"])
    head = _locked_head()
    event.sequence = head.sequence + 1
    event.at = timezone.now()  # taken under the lock, so times never go backwards along the chain
    event.previous_hash = head.hash
    event.hash = event.compute_hash()
    event.save()
    AuditHead.objects.filter(pk=HEAD_ID).update(sequence=event.sequence, hash=event.hash)
    return event


def _object_reference(obj, object_type, object_id) -> tuple[str, str]:
    if obj is None:
        return object_type or "", "" if object_id is None else str(object_id)
    if object_type is not None or object_id is not None:
        raise ValueError(OBJECT_TWICE)
    if obj.pk is None:
        raise ValueError(UNSAVED_OBJECT)
    return obj._meta.label_lower, str(obj.pk)


def _saved_actor(actor):
    if actor is not None and actor.pk is None:
        raise ValueError(UNSAVED_ACTOR)
    return actor


def _checked_action(action: str) -> str:
    if not isinstance(action, str) or not ACTION_PATTERN.match(action):
        raise ValueError(INVALID_ACTION.format(action=action))
    return action


def _refuse_float(text: str):
    raise ValueError(DETAILS_FLOAT.format(value=text))


def _normalised_details(details) -> dict:
    """`details` exactly as the database will give it back, so the hash computed now still matches when verified."""
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError(DETAILS_NOT_A_DICT.format(kind=type(details).__name__))
    # PostgreSQL's jsonb rewrites some floats (1e16 comes back as the integer 10000000000000000, -0.0 as 0.0), which
    # would change the hash, so floats are refused rather than stored approximately.
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder, allow_nan=False), parse_float=_refuse_float)


def _locked_head() -> AuditHead:
    """The head row, locked until the transaction ends, so two writers never chain to the same event.

    An UPDATE comes first, before anything is read: it takes PostgreSQL's row lock (like SELECT … FOR UPDATE) and
    SQLite's write lock (where FOR UPDATE is ignored), so both databases take the same path.
    """
    if not AuditHead.objects.filter(pk=HEAD_ID).update(sequence=F("sequence")):
        _create_head()
        AuditHead.objects.filter(pk=HEAD_ID).update(sequence=F("sequence"))
    return AuditHead.objects.get(pk=HEAD_ID)


def _create_head() -> None:
    """Made with the first event; made again if the row was deleted (a test database flush does that)."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    if last:
        logger.error(HEAD_REBUILT, last[0])
    sequence, hash_ = last or (0, ZERO_HASH)
    # get_or_create: a concurrent first writer may create it at the same moment; then that row is used.
    AuditHead.objects.get_or_create(pk=HEAD_ID, defaults={"sequence": sequence, "hash": hash_})

"""Checking the audit trail: every event's hash against its content, every link of the chain, and its end."""

from dataclasses import dataclass, field

from audit.models import HEAD_ID, ZERO_HASH, AuditEvent, AuditHead

CHUNK_SIZE = 2000
MAX_PROBLEMS = 1000

ALTERED = "event {sequence} was altered (hash does not match its content)"
GAP = "event {sequence} does not follow event {previous}: {missing}"
STARTS_LATE = "the trail starts at event {sequence}: {missing}"
LINK_BROKEN = "event {sequence}'s previous hash does not match event {previous}"
FIRST_LINK_BROKEN = "event {sequence}'s previous hash is not 64 zeros, as the first event's must be"
TAIL_MISSING = "the trail ends at event {last} but the head record says it ends at event {head}: {missing}"
TRAIL_EMPTY = "the trail is empty but the head record says it ends at event {head}: {missing}"
HEAD_MISMATCH = "the head record's hash does not match event {head}'s hash"
HEAD_MISSING = "the head record is missing, so events deleted from the end of the trail cannot be detected"
MORE_PROBLEMS = "… and {count} more problems"


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"event {first} is missing or was deleted"
    return f"events {first} to {last} are missing or were deleted"


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0  # more than len(problems) when there were too many to list
    last_sequence: int = 0
    last_hash: str = ZERO_HASH

    @property
    def ok(self) -> bool:
        return not self.problems


class _Problems:
    """The problems found, listing the first `limit` and counting the rest, so a wrecked trail cannot fill memory."""

    def __init__(self, limit: int):
        self.limit, self.listed, self.unlisted = limit, [], 0

    def add(self, text: str) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(text)
        else:
            self.unlisted += 1

    def sentences(self) -> list[str]:
        return self.listed + ([MORE_PROBLEMS.format(count=self.unlisted)] if self.unlisted else [])


def verify_chain(*, chunk_size: int = CHUNK_SIZE, max_problems: int = MAX_PROBLEMS) -> VerifyResult:
    """Reads the whole trail in order, a chunk at a time, and says what is wrong with it (nothing, ideally)."""
    # The head is read first: events appended while the trail is read come after it and are checked like the rest,
    # while every event up to the head was committed with it, so a busy system gives no false alarm.
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    result, problems = VerifyResult(), _Problems(max_problems)
    head_event_hash = None
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        _check_event(event, result, problems)
        result.checked += 1
        result.last_sequence, result.last_hash = event.sequence, event.hash
        if head and event.sequence == head.sequence:
            head_event_hash = event.hash
    _check_end(head, head_event_hash, result, problems)
    result.problems, result.problem_count = problems.sentences(), len(problems.listed) + problems.unlisted
    return result


def _check_event(event: AuditEvent, result: VerifyResult, problems: _Problems) -> None:
    """`result` still describes the events before this one."""
    if event.hash != event.compute_hash():
        problems.add(ALTERED.format(sequence=event.sequence))
    previous = result.last_sequence
    if event.sequence != previous + 1:
        # The link cannot be checked across a gap: the gap is the problem.
        missing = _missing(previous + 1, event.sequence - 1)
        template = GAP if result.checked else STARTS_LATE
        problems.add(template.format(sequence=event.sequence, previous=previous, missing=missing))
    elif event.previous_hash != result.last_hash:
        template = LINK_BROKEN if result.checked else FIRST_LINK_BROKEN
        problems.add(template.format(sequence=event.sequence, previous=previous))


def _check_end(head: AuditHead | None, head_event_hash: str | None, result: VerifyResult, problems: _Problems) -> None:
    if head is None:
        if result.checked:
            problems.add(HEAD_MISSING)
        return
    if result.last_sequence < head.sequence:
        missing = _missing(result.last_sequence + 1, head.sequence)
        template = TAIL_MISSING if result.checked else TRAIL_EMPTY
        problems.add(template.format(last=result.last_sequence, head=head.sequence, missing=missing))
    elif head.sequence and head_event_hash is not None and head_event_hash != head.hash:
        problems.add(HEAD_MISMATCH.format(head=head.sequence))

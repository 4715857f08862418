"""The rule that rolls the executors' accepted reports up into one status per measure and round.

1. Only accepted reports of the measure's executive bodies count (involved and recommended bodies inform, but do
   not decide).
2. No accepted report from any executor: "no evidence".
3. Otherwise the least advanced executor decides: not started < limited < substantial < complete (ongoing for a
   regular measure).
4. "Complete" (or "ongoing") only when every executor has an accepted report saying so; until then the measure is
   at most "substantial".
5. A dated measure that was complete in an earlier round stays complete.
6. A dated measure is overdue in a round of a year after its end year while it is not complete.
"""

from dataclasses import dataclass

from monitoring.models import MeasureStatus, Progress

RANK = {
    Progress.NOT_STARTED: 0,
    Progress.LIMITED: 1,
    Progress.SUBSTANTIAL: 2,
    Progress.COMPLETE: 3,
    Progress.ONGOING: 3,
}


@dataclass(frozen=True)
class StatusInfo:
    status: str
    overdue: bool
    reported: int  # executors with an accepted report
    executors: int

    @property
    def label(self) -> str:
        return MeasureStatus(self.status).label


def roll_up(*, executors: int, accepted: list[str], complete_before: bool = False) -> str:
    """The measure's status from its executors' accepted progress values (rules 2–5)."""
    if complete_before:
        return MeasureStatus.COMPLETE
    if not accepted:
        return MeasureStatus.NO_EVIDENCE
    least = min(accepted, key=RANK.__getitem__)
    if RANK[least] == RANK[Progress.COMPLETE] and len(accepted) < executors:
        return MeasureStatus.SUBSTANTIAL
    return least


def is_overdue(*, recurring: bool, end_year: int | None, round_year: int, status: str) -> bool:
    """Rule 6."""
    return not recurring and end_year is not None and end_year < round_year and status != MeasureStatus.COMPLETE

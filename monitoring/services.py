"""Changing monitoring data. Each function runs in one transaction and checks what the workflow allows."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.registers import entries_for_measure, evidence_key
from monitoring.attachments import check_upload
from monitoring.models import (
    Need,
    ProgressReport,
    ReportAttachment,
    ReportEvidence,
    ReportingRound,
    ReportTransition,
)
from monitoring.selectors import expected_pairs
from plans.models import Participation

Status = ProgressReport.Status

ROUND_CLOSED = _("This reporting round is closed: reports can no longer be changed or submitted.")
ROUND_ALREADY_CLOSED = _("This reporting round is already closed.")
MEASURE_NOT_IN_PLAN = _("Measure {measure} is not part of this round's plan.")
NOT_A_PARTICIPANT = _("{organisation} does not take part in measure {measure}, so it cannot report on it.")
REPORT_EXISTS = _("{organisation} already has a report on measure {measure} in this round.")
NOT_EDITABLE = _("Only a draft or a returned report can be changed; this one is {status}.")
SUBMIT_NEEDS_NARRATIVE = _("Describe what was done before submitting.")
SUBMIT_NEEDS_PROGRESS = _("Choose how far the measure has progressed before submitting.")
NOT_SUBMITTED = _("Only a submitted report can be reviewed; this one is {status}.")
EVIDENCE_NOT_ELIGIBLE = _(
    "Only entries of your organisation's registers that are linked to measure {measure} can be given as evidence."
)
RETURN_NEEDS_COMMENT = _("Say what should be changed: a returned report needs a comment.")


def _transition(report: ProgressReport, to_status: str, actor, comment: str = "") -> None:
    ReportTransition.objects.create(
        report=report, from_status=report.status, to_status=to_status, actor=actor, comment=comment
    )
    report.status = to_status


@transaction.atomic
def round_open(*, plan, period_type: str, year: int, period_number: int, opens_on, due_on, actor) -> ReportingRound:
    """Opens a round and creates the expected reports: one per executor of every measure active in the period."""
    reporting_round = ReportingRound(
        plan=plan,
        period_type=period_type,
        year=year,
        period_number=period_number,
        opens_on=opens_on,
        due_on=due_on,
        opened_by=actor,
    )
    reporting_round.full_clean()
    reporting_round.save()
    ProgressReport.objects.bulk_create(
        ProgressReport(round=reporting_round, measure_id=measure_id, organisation_id=organisation_id, expected=True)
        for measure_id, organisation_id in expected_pairs(reporting_round)
    )
    return reporting_round


@transaction.atomic
def round_close(*, reporting_round: ReportingRound, actor) -> ReportingRound:
    if not reporting_round.is_open:
        raise ValidationError(ROUND_ALREADY_CLOSED)
    reporting_round.state = ReportingRound.State.CLOSED
    reporting_round.closed_at = timezone.now()
    reporting_round.save(update_fields=["state", "closed_at"])
    return reporting_round


@transaction.atomic
def report_start(*, reporting_round: ReportingRound, measure, organisation, actor) -> ProgressReport:
    """A report that no one expected: an involved or recommended body reporting on its own initiative."""
    if not reporting_round.is_open:
        raise ValidationError(ROUND_CLOSED)
    if measure.plan_id != reporting_round.plan_id:
        raise ValidationError({"measure": MEASURE_NOT_IN_PLAN.format(measure=measure.number)})
    if not Participation.objects.filter(measure=measure, organisation=organisation).exists():
        raise ValidationError(NOT_A_PARTICIPANT.format(organisation=organisation, measure=measure.number))
    if ProgressReport.objects.filter(round=reporting_round, measure=measure, organisation=organisation).exists():
        raise ValidationError(REPORT_EXISTS.format(organisation=organisation, measure=measure.number))
    report = ProgressReport(round=reporting_round, measure=measure, organisation=organisation)
    report.full_clean()
    report.save()
    return report


WORKFLOW_FIELDS = ["status", "first_submitted_at", "submitted_at", "accepted_at", "late"]


def _lock(report: ProgressReport) -> None:
    """Locks the report's row and reloads its workflow state, so a check is never made on a stale copy.

    Two requests at once (a double click, the page and the API) must not both pass a check and then undo each
    other; PostgreSQL waits on the lock, SQLite serialises writers on its own.
    """
    ProgressReport.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True).first()
    report.refresh_from_db(fields=WORKFLOW_FIELDS)
    report.round.refresh_from_db(fields=["state"])


def why_not_editable(report: ProgressReport) -> ValidationError | None:
    """The reason a report can no longer change, or None when it can."""
    if not report.round.is_open:
        return ValidationError(ROUND_CLOSED)
    if report.status not in (Status.DRAFT, Status.RETURNED):
        return ValidationError(NOT_EDITABLE.format(status=report.get_status_display().lower()))
    return None


def _check_editable(report: ProgressReport) -> None:
    error = why_not_editable(report)
    if error:
        raise error


@transaction.atomic
def report_update(*, report: ProgressReport, actor, progress: str, narrative: str) -> ProgressReport:
    _lock(report)
    _check_editable(report)
    report.progress = progress
    report.narrative = narrative
    report.full_clean()
    report.save(update_fields=["progress", "narrative", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, report: ProgressReport, actor) -> ProgressReport:
    """Draft or returned → submitted. A first submission after the due date is marked late."""
    _lock(report)
    _check_editable(report)
    errors = {}
    if not report.narrative.strip():
        errors["narrative"] = SUBMIT_NEEDS_NARRATIVE
    if not report.progress:
        errors["progress"] = SUBMIT_NEEDS_PROGRESS
    if errors:
        raise ValidationError(errors)
    report.full_clean()
    now = timezone.now()
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.late = timezone.localdate(now) > report.round.due_on
    report.submitted_at = now
    _transition(report, Status.SUBMITTED, actor)
    report.save(update_fields=[*WORKFLOW_FIELDS, "updated_at"])
    return report


def why_not_reviewable(report: ProgressReport) -> ValidationError | None:
    """The reason the Coordinator cannot return or accept the report now, or None when it can."""
    if not report.round.is_open:
        return ValidationError(ROUND_CLOSED)
    if report.status != Status.SUBMITTED:
        return ValidationError(NOT_SUBMITTED.format(status=report.get_status_display().lower()))
    return None


def _check_submitted(report: ProgressReport) -> None:
    error = why_not_reviewable(report)
    if error:
        raise error


@transaction.atomic
def report_return(*, report: ProgressReport, actor, comment: str) -> ProgressReport:
    _lock(report)
    _check_submitted(report)
    if not comment.strip():
        raise ValidationError({"comment": RETURN_NEEDS_COMMENT})
    _transition(report, Status.RETURNED, actor, comment.strip())
    report.save(update_fields=["status", "updated_at"])
    return report


@transaction.atomic
def report_accept(*, report: ProgressReport, actor, comment: str = "") -> ProgressReport:
    """Submitted → accepted. An accepted report is locked for good."""
    _lock(report)
    _check_submitted(report)
    report.accepted_at = timezone.now()
    _transition(report, Status.ACCEPTED, actor, comment.strip())
    report.save(update_fields=["status", "accepted_at", "updated_at"])
    return report


@transaction.atomic
def attachment_add(*, report: ProgressReport, upload, actor) -> ReportAttachment:
    _lock(report)
    _check_editable(report)
    content_type = check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    attachment = ReportAttachment(
        report=report,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no file left behind without its row
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: ReportAttachment, actor) -> None:
    _lock(attachment.report)
    _check_editable(attachment.report)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes only once the row is gone for good, so a failed delete never leaves a row without its file.
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def need_raise(*, report: ProgressReport, actor, kind: str, description: str) -> Need:
    if not report.round.is_open:
        raise ValidationError(ROUND_CLOSED)
    need = Need(report=report, kind=kind, description=description.strip(), raised_by=actor)
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def need_update(*, need: Need, actor, state: str, response: str) -> Need:
    need.state = state
    need.response = response.strip()
    need.resolved_at = timezone.now() if need.is_closed else None
    need.full_clean()
    need.save()
    return need


def evidence_candidates(*, report: ProgressReport, actor) -> dict:
    """{key: (register, entry)}: the register entries `actor` may read that the report's organisation recorded for
    the report's measure, in registers that may be cited — what the report can cite as evidence."""
    linked = entries_for_measure(actor, report.measure, organisation=report.organisation, limit=500, citable=True)
    return {evidence_key(item.register, entry): (item.register, entry) for item in linked for entry in item.entries}


@transaction.atomic
def report_evidence_set(*, report: ProgressReport, actor, keys: list[str]) -> None:
    """Makes `keys` the entries the report cites, as far as `actor` can see: each new key must be a candidate
    (evidence_candidates); a key cited before stays valid; citations `actor` cannot see (another author's, or an
    entry since unlinked) are kept, since this editor could neither see nor untick them."""
    _lock(report)
    _check_editable(report)
    keys = list(dict.fromkeys(keys))
    candidates = evidence_candidates(report=report, actor=actor)
    cited = set(report.evidence.values_list("key", flat=True))
    if set(keys) - set(candidates) - cited:
        raise ValidationError(EVIDENCE_NOT_ELIGIBLE.format(measure=report.measure.number))
    unseen = cited - set(candidates)
    report.evidence.exclude(key__in=[*keys, *unseen]).delete()
    ReportEvidence.objects.bulk_create(ReportEvidence(report=report, key=key) for key in keys if key not in cited)

"""Monitoring the plan: reporting rounds, the bodies' progress reports, their review, and the needs they raise."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROUND_DUE_BEFORE_OPENING = _("The due date cannot be before the opening date.")
ROUND_PERIOD_NUMBER_INVALID = _("A {type} has periods 1 to {count}.")
ROUND_YEAR_OUTSIDE_PLAN = _("The period must lie within the plan's years ({start}–{end}) or the year after.")
PROGRESS_NOT_FOR_RECURRING = _("A regular measure is reported as ongoing, not complete.")
PROGRESS_ONLY_FOR_RECURRING = _("Only a regular measure can be reported as ongoing.")


class PeriodType(models.TextChoices):
    YEAR = "year", _("year")
    HALF_YEAR = "half", _("half-year")
    QUARTER = "quarter", _("quarter")


PERIODS_PER_YEAR = {PeriodType.YEAR: 1, PeriodType.HALF_YEAR: 2, PeriodType.QUARTER: 4}


class Progress(models.TextChoices):
    """How far a body has carried out a measure (the OGP/IRM completion scale, plus "ongoing")."""

    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")
    ONGOING = "ongoing", _("Ongoing")


class MeasureStatus(models.TextChoices):
    """A measure's standing in a round, rolled up from its executors' accepted reports (see monitoring.status)."""

    NO_EVIDENCE = "no_evidence", _("No evidence")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")
    ONGOING = "ongoing", _("Ongoing")


class ReportingRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="rounds")
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR)
    year = models.PositiveSmallIntegerField(_("year"))
    period_number = models.PositiveSmallIntegerField(
        _("period"), default=1, help_text=_("1 for a year; 1–2 for a half-year; 1–4 for a quarter.")
    )
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("reports due on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-year", "-period_number"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint("plan", "period_type", "year", "period_number", name="round_period_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title[:40]}… {self.label}" if len(self.plan.title) > 40 else f"{self.plan} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring-round", args=[self.pk])

    @property
    def label(self) -> str:
        if self.period_type == PeriodType.HALF_YEAR:
            return f"{self.year} H{self.period_number}"
        if self.period_type == PeriodType.QUARTER:
            return f"{self.year} Q{self.period_number}"
        return str(self.year)

    @property
    def period_start(self) -> datetime.date:
        months = 12 // PERIODS_PER_YEAR[self.period_type]
        return datetime.date(self.year, 1 + months * (self.period_number - 1), 1)

    @property
    def period_end(self) -> datetime.date:
        months = 12 // PERIODS_PER_YEAR[self.period_type]
        last_month = months * self.period_number
        if last_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last_month + 1, 1) - datetime.timedelta(days=1)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_past_due(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.due_on

    def clean(self) -> None:
        count = PERIODS_PER_YEAR.get(self.period_type, 1)
        if not 1 <= (self.period_number or 0) <= count:
            raise ValidationError(
                {"period_number": ROUND_PERIOD_NUMBER_INVALID.format(type=self.get_period_type_display(), count=count)}
            )
        if self.opens_on and self.due_on and self.due_on < self.opens_on:
            raise ValidationError({"due_on": ROUND_DUE_BEFORE_OPENING})
        plan = getattr(self, "plan", None)
        if plan and self.year is not None and not plan.start_year <= self.year <= plan.end_year + 1:
            raise ValidationError({"year": ROUND_YEAR_OUTSIDE_PLAN.format(start=plan.start_year, end=plan.end_year)})


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="reports")
    measure = models.ForeignKey("plans.Measure", on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="reports")
    # Expected of the body (an executor of a measure active in the period), not volunteered by an involved one.
    expected = models.BooleanField(_("expected"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices, blank=True)
    narrative = models.TextField(_("what was done"), blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("late"), default=False, help_text=_("First submitted after the due date."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "measure__position", "organisation__name"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint("round", "measure", "organisation", name="report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} · {self.organisation} · {self.round.label}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring-report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED) and self.round.is_open

    def progress_choices(self) -> list[tuple[str, str]]:
        excluded = Progress.COMPLETE if self.measure.recurring else Progress.ONGOING
        return [choice for choice in Progress.choices if choice[0] != excluded]

    def clean(self) -> None:
        if not self.progress or not hasattr(self, "measure"):
            return
        if self.measure.recurring and self.progress == Progress.COMPLETE:
            raise ValidationError({"progress": PROGRESS_NOT_FOR_RECURRING})
        if not self.measure.recurring and self.progress == Progress.ONGOING:
            raise ValidationError({"progress": PROGRESS_ONLY_FOR_RECURRING})


class ReportTransition(models.Model):
    """One step of a report's workflow, kept for its visible history."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=ProgressReport.Status.choices)
    to_status = models.CharField(max_length=10, choices=ProgressReport.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.from_status} → {self.to_status}"


class ReportResult(models.Model):
    """A quantitative result: e.g. "officials trained", "people", 120."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="results")
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} {self.unit}".strip()


class FundingSource(models.TextChoices):
    """The sources §12 of the plan names."""

    STATE_BUDGET = "state_budget", _("State budget")
    EXTRA_BUDGETARY = "extra_budgetary", _("Extra-budgetary funds")
    GRANTS = "grants", _("Grants")
    OTHER = "other", _("Other sources")


class Currency(models.TextChoices):
    AZN = "AZN", "AZN"
    USD = "USD", "USD"
    EUR = "EUR", "EUR"


class ReportSpending(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="spending")
    source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.AZN)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="spending_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount} {self.currency}"


def attachment_path(instance: "ReportAttachment", filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path (names may identify people).
    return f"reports/{instance.report_id}/{instance.token}"


def private_storage():
    """Files outside the web root, served only through views that check who asks (see settings.STORAGES)."""
    from django.core.files.storage import storages

    return storages["private"]


def new_token() -> str:
    return secrets.token_hex(16)


class ReportAttachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    # Random, and what the download URL carries (never the sequential pk).
    token = models.CharField(max_length=32, editable=False, default=new_token, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("monitoring-attachment", args=[self.token])


class ReportEvidence(models.Model):
    """A register entry (a training held, a grant disbursed…) a report gives as evidence, named by register and uid
    (lib.registers.evidence_key), so any register can be cited without a foreign key to each."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    key = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_evidence_once")]

    def __str__(self) -> str:
        return self.key


class Need(models.Model):
    """A demand the plan's execution raises (§9.2), tracked by the Coordinator until it is resolved."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Funding")
        STAFF = "staff", _("Staff")
        LEGAL = "legal", _("Legal change")
        COOPERATION = "cooperation", _("Cooperation")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Being addressed")
        RESOLVED = "resolved", _("Resolved")
        DECLINED = "declined", _("Declined")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("kind of need"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what is needed"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    response = models.TextField(_("response"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring-need", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state in (self.State.RESOLVED, self.State.DECLINED)


class Reminder(models.Model):
    """A reminder that was sent; its key makes sure the same one is never sent twice."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key

"""The action plan: its directions (13.1 …), measures (13.1.1 …) and the bodies that take part in each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MEASURE_YEARS_OUTSIDE_PLAN = _("The measure's years must lie within the plan's years ({start}–{end}).")
MEASURE_NEEDS_YEARS_OR_RECURRING = _("A measure is either regular (recurring) or has a start and an end year.")
MEASURE_END_BEFORE_START = _("The end year cannot be before the start year.")


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=500)
    country = models.CharField(_("country"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    adopted = models.DateField(_("adopted on"), null=True, blank=True)
    predecessor = models.ForeignKey(
        "self", verbose_name=_("predecessor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [models.UniqueConstraint("title", "start_year", name="plan_title_start_year_unique")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans-detail", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Direction(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="directions")
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [models.UniqueConstraint("plan", "number", name="direction_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Measure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="measures")
    number = models.CharField(_("number"), max_length=20)
    text = models.TextField(_("activity"))
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    recurring = models.BooleanField(_("regular"), default=False, help_text=_("Carried out every year of the plan."))
    position = models.PositiveIntegerField(default=0)
    organisations = models.ManyToManyField(
        "organisations.Organisation", through="Participation", related_name="measures"
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint("plan", "number", name="measure_number_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(recurring=True, start_year__isnull=True, end_year__isnull=True)
                    | models.Q(recurring=False, start_year__isnull=False, end_year__isnull=False)
                ),
                name="measure_recurring_or_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.short_text}"

    def get_absolute_url(self) -> str:
        return reverse("plans-measure", args=[self.pk])

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 160 else self.text[:157].rsplit(" ", 1)[0] + " …"

    @property
    def duration(self) -> str:
        if self.recurring:
            return str(_("regular"))
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    def clean(self) -> None:
        if self.recurring == (self.start_year is not None or self.end_year is not None):
            raise ValidationError(MEASURE_NEEDS_YEARS_OR_RECURRING)
        if self.recurring:
            return
        if self.start_year is None or self.end_year is None:
            raise ValidationError(MEASURE_NEEDS_YEARS_OR_RECURRING)
        if self.end_year < self.start_year:
            raise ValidationError(MEASURE_END_BEFORE_START)
        plan = self.plan
        if self.start_year < plan.start_year or self.end_year > plan.end_year:
            raise ValidationError(MEASURE_YEARS_OUTSIDE_PLAN.format(start=plan.start_year, end=plan.end_year))


class Participation(models.Model):
    class Role(models.TextChoices):
        EXECUTOR = "executor", _("Executive body")
        INVOLVED = "involved", _("Involved")
        RECOMMENDED = "recommended", _("Recommended to take part")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["measure", "position"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint("measure", "organisation", "role", name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.organisation} ({self.get_role_display()})"

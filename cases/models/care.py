"""Care of the person: services delivered, shelters and their placements, schooling, and reintegration after closure.

A facility's occupancy is never stored: it is the number of its open placements (`Facility.occupancy`, or
`Facility.objects.with_occupancy()` for a list). Free-text notes about the person's life after closure are encrypted,
like every identifier.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedTextField

__all__ = [
    "AssistanceService",
    "Facility",
    "Placement",
    "SchoolEnrolment",
    "ReintegrationOutcome",
    "FollowUp",
]

ENDS_BEFORE_START = _("The end date cannot come before the start date.")
AMOUNT_ONLY_FOR_AID = _("Only a one-time allowance or financial aid has an amount.")
AMOUNT_REQUIRED = _("Give the amount of the allowance or aid.")
ABROAD_ONLY_FOR_RETURNS = _("Only a repatriation or a family reunification takes place abroad.")
DISCHARGE_BEFORE_PLACEMENT = _("A discharge cannot come before the placement.")
NEXT_DUE_NOT_LATER = _("The next follow-up must be due after this one.")


def _check_dates(start: datetime.date | None, end: datetime.date | None, field: str = "ends_on") -> None:
    if start and end and end < start:
        raise ValidationError({field: ENDS_BEFORE_START})


class AssistanceService(models.Model):
    """A service delivered to the person by a provider, with its dates and outcome."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Shelter")
        MEDICAL = "medical", _("Medical assistance")
        PSYCHOLOGICAL = "psychological", _("Psychological assistance")
        LEGAL = "legal", _("Legal assistance")
        SOCIAL = "social", _("Social assistance")
        EDUCATION = "education", _("Education")
        VOCATIONAL = "vocational_training", _("Vocational training")
        EMPLOYMENT = "employment", _("Employment")
        FINANCIAL_AID = "financial_aid", _("One-time allowance or financial aid")
        ID_DOCUMENTS = "id_documents", _("Identity documents")
        FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
        REPATRIATION = "repatriation", _("Repatriation")
        INTERPRETATION = "interpretation", _("Interpretation")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        PARTLY = "partly_completed", _("Partly completed")
        INTERRUPTED = "interrupted", _("Interrupted")
        REFUSED = "refused", _("Refused by the person")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assistance_services")
    kind = models.CharField(_("service"), max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="AZN", help_text=_("ISO 4217 code."))
    # A family reunification abroad is a return, and for a child it needs a safe risk and best-interest assessment.
    abroad = models.BooleanField(_("abroad"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="service_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"

    def clean(self) -> None:
        _check_dates(self.starts_on, self.ends_on)
        if self.kind == self.Kind.FINANCIAL_AID and self.amount is None:
            raise ValidationError({"amount": AMOUNT_REQUIRED})
        if self.kind != self.Kind.FINANCIAL_AID and self.amount is not None:
            raise ValidationError({"amount": AMOUNT_ONLY_FOR_AID})
        if self.abroad and self.kind not in {self.Kind.REPATRIATION, self.Kind.FAMILY_REUNIFICATION}:
            raise ValidationError({"abroad": ABROAD_ONLY_FOR_RETURNS})

    @property
    def is_return(self) -> bool:
        """A repatriation, or a family reunification abroad: barred for a child until it is assessed as safe."""
        return self.kind == self.Kind.REPATRIATION or (self.kind == self.Kind.FAMILY_REUNIFICATION and self.abroad)


class FacilityQuerySet(models.QuerySet):
    def with_occupancy(self):
        """Each facility with its open placements counted in the same query (for lists)."""
        return self.annotate(
            open_placements=Count("placements", filter=Q(placements__discharged_on__isnull=True), distinct=True)
        )


class Facility(models.Model):
    """A shelter or an assistance centre run by an organisation."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Shelter")
        ASSISTANCE_CENTRE = "assistance_centre", _("Assistance centre")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SHELTER)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint("organisation", "name", name="facility_name_unique_per_organisation"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="facility_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def occupancy(self) -> int:
        """The open placements: counted, never stored (annotated by `with_occupancy()` when listed)."""
        annotated = self.__dict__.get("open_placements")
        if annotated is not None:
            return annotated
        return self.placements.filter(discharged_on__isnull=True).count()

    @property
    def places_free(self) -> int:
        return max(self.capacity - self.occupancy, 0)


class Placement(models.Model):
    """A stay of the person in a facility, open until the discharge. A person has at most one open placement."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="placements")
    placed_on = models.DateField(_("placed on"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    discharge_reason = models.TextField(_("reason for the discharge"), blank=True)

    class Meta:
        ordering = ["placed_on", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            # A case is one person (Case.person is one-to-one), so this is "one open placement per person".
            models.UniqueConstraint(
                "case", condition=Q(discharged_on__isnull=True), name="placement_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.facility}"

    def clean(self) -> None:
        if self.placed_on and self.discharged_on and self.discharged_on < self.placed_on:
            raise ValidationError({"discharged_on": DISCHARGE_BEFORE_PLACEMENT})

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class SchoolEnrolment(models.Model):
    """Education continuity of a child: where (kind of school and region, never its name) and whether it goes on."""

    class SchoolKind(models.TextChoices):
        PRESCHOOL = "preschool", _("Preschool")
        GENERAL = "general", _("General education school")
        VOCATIONAL = "vocational", _("Vocational school")
        SPECIAL = "special", _("Special or inclusive education")
        NON_FORMAL = "non_formal", _("Non-formal or catch-up education")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        INTERRUPTED = "interrupted", _("Interrupted")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="school_enrolments")
    enrolled_on = models.DateField(_("enrolled on"))
    school_kind = models.CharField(_("kind of school"), max_length=20, choices=SchoolKind.choices)
    region = models.CharField(_("region"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ATTENDING)
    status_on = models.DateField(_("status since"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enrolled_on", "pk"]
        verbose_name = _("school enrolment")
        verbose_name_plural = _("school enrolments")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_school_kind_display()} ({self.get_status_display()})"

    def clean(self) -> None:
        _check_dates(self.enrolled_on, self.status_on, field="status_on")


class ReintegrationOutcome(models.Model):
    """Where the person stands at closure in one area of life (one record per area, updated as it changes)."""

    class Area(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        HOUSING = "housing", _("Housing")
        EDUCATION = "education", _("Education")
        FAMILY = "family", _("Family")

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly_achieved", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reintegration_outcomes")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_on = models.DateField(_("recorded on"), default=datetime.date.today)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area"]
        verbose_name = _("reintegration outcome")
        verbose_name_plural = _("reintegration outcomes")
        constraints = [models.UniqueConstraint("case", "area", name="reintegration_outcome_unique_per_area")]

    def __str__(self) -> str:
        return f"{self.case}: {self.area} {self.status}"


class FollowUp(models.Model):
    """A contact with the person after the case was closed, and when the next one is due."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("note"), blank=True)
    next_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.case}: follow-up {self.on}"

    def clean(self) -> None:
        if self.on and self.next_due and self.next_due <= self.on:
            raise ValidationError({"next_due": NEXT_DUE_NOT_LATER})

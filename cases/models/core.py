"""The National Referral Mechanism's case record: a person, the case, its legal status and its history.

Aligned with IOM's Human Trafficking Case Data Standard (HTCDS) where it has a field. Identifiers (names, date of
birth, documents, address, phone) are encrypted at rest; everything else is pseudonymous, and a case is shown
everywhere by its reference code, never by a name.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

__all__ = [
    "CHILD_AGE",
    "Sex",
    "Person",
    "Case",
    "ExploitationForm",
    "StatusChange",
    "IndicatorAssessment",
    "ReflectionPeriod",
    "PeriodExtension",
    "Consent",
    "Referral",
]

CHILD_AGE = 18


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Person(models.Model):
    """The presumed victim. Identifiers are encrypted; the rest is what statistics may use."""

    given_name = EncryptedCharField(_("given name"), max_length=100, blank=True)
    family_name = EncryptedCharField(_("family name"), max_length=100, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    documents = EncryptedTextField(_("identity documents"), blank=True, help_text=_("Kind and number of each."))
    address = EncryptedTextField(_("address"), blank=True)
    phone = EncryptedCharField(_("phone"), max_length=50, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age"), null=True, blank=True, help_text=_("When the date of birth is not known.")
    )
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166 country code."))
    languages = models.CharField(_("languages"), max_length=100, blank=True, help_text=_("ISO 639 codes, e.g. az, ru."))
    region = models.CharField(_("region of residence"), max_length=100, blank=True)
    # Set when the retention period ended and the identifiers above were erased (cases.retention).
    identifiers_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"Person {self.pk}"  # never a name: this string ends up in logs and admin pages

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.year_of_birth:
            return day.year - self.year_of_birth
        return self.estimated_age


class Case(models.Model):
    class Status(models.TextChoices):
        POTENTIAL = "potential", _("Potential victim")
        PRESUMED = "presumed", _("Presumed victim")
        IDENTIFIED = "identified", _("Identified victim")
        NOT_IDENTIFIED = "not_identified", _("Not identified")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        POLICE = "police", _("Police")
        NGO = "ngo", _("NGO")
        HOTLINE = "hotline", _("Hotline")
        CONSULATE = "consulate", _("Consulate")
        SELF = "self", _("Self-referral")
        OTHER = "other", _("Other")

    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        TRANSNATIONAL = "transnational", _("Transnational")
        UNKNOWN = "unknown", _("Not known yet")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    # What URLs and the API use: the reference is a sequence, so anyone could walk it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="case")
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owning organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(_("legal status"), max_length=20, choices=Status.choices, default=Status.POTENTIAL)
    source = models.CharField(_("identified through"), max_length=20, choices=Source.choices)
    scope = models.CharField(
        _("internal or transnational"), max_length=20, choices=Scope.choices, default=Scope.UNKNOWN
    )
    recruitment_countries = models.CharField(_("countries of recruitment"), max_length=100, blank=True)
    transit_countries = models.CharField(_("countries of transit"), max_length=100, blank=True)
    exploitation_countries = models.CharField(_("countries of exploitation"), max_length=100, blank=True)
    exploitation_region = models.CharField(_("region of exploitation"), max_length=100, blank=True)
    recruitment_method = models.CharField(_("recruitment method"), max_length=200, blank=True)
    means_of_control = models.TextField(_("means of control"), blank=True)
    vulnerabilities = models.TextField(_("vulnerabilities"), blank=True)
    # A person whose age is uncertain but who may be a child is handled as a child until the age is verified
    # (Council of Europe Convention, Art. 10(3)).
    presumed_child = models.BooleanField(_("handled as a child until the age is verified"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    presumed_at = models.DateTimeField(null=True, blank=True)
    referred_to_mia_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        # The case list: newest first, for everyone (the Coordinator) or for one owning organisation.
        indexes = [
            models.Index(fields=["-created_at", "id"], name="case_newest"),
            models.Index(fields=["owner", "-created_at", "id"], name="case_owner_newest"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [("override_consent", "May refer a case without recorded consent, giving a reason")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases-detail", args=[self.uid])

    @property
    def is_child(self) -> bool:
        """Under 18 when the case was opened, or presumed so while the age is uncertain."""
        age = self.person.age_on(timezone.localdate(self.created_at))
        return self.presumed_child or (age is not None and age < CHILD_AGE)

    @property
    def referral_due_at(self) -> datetime.datetime | None:
        """A presumed victim must be referred to the MIA Main Department within 24 hours."""
        return self.presumed_at + datetime.timedelta(hours=24) if self.presumed_at else None

    def referral_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Presumed for more than 24 hours and not referred to the MIA (its own cases need no referral)."""
        due = self.referral_due_at
        if not due or self.status != self.Status.PRESUMED or self.referred_to_mia_at is not None:
            return False
        return self.owner.name not in settings.IDENTIFYING_ORGANISATIONS and (now or timezone.now()) > due


class ExploitationForm(models.Model):
    """One form of exploitation of a case (several are allowed)."""

    class Form(models.TextChoices):
        SEXUAL = "sexual", _("Sexual exploitation")
        FORCED_LABOUR = "forced_labour", _("Forced labour")
        BEGGING = "begging", _("Forced begging")
        CRIMINALITY = "forced_criminality", _("Forced criminality")
        MARRIAGE = "forced_marriage", _("Forced marriage")
        ORGAN_REMOVAL = "organ_removal", _("Organ removal")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_forms")
    form = models.CharField(_("form of exploitation"), max_length=30, choices=Form.choices)

    class Meta:
        constraints = [models.UniqueConstraint("case", "form", name="case_exploitation_form_unique")]
        indexes = [models.Index(fields=["form", "case"], name="exploitation_form_cases")]

    def __str__(self) -> str:
        return self.get_form_display()


class StatusChange(models.Model):
    """Who changed a case's legal status, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status.choices)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"


class IndicatorAssessment(models.Model):
    """A run of the ILO/EC indicators (cases.indicators): kept with its data version, it informs the decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicator_assessments")
    version = models.CharField(max_length=40)
    profile = models.CharField(max_length=30)
    indicators = models.JSONField(default=list)
    act_documented = models.BooleanField(default=False)
    victim_rule_met = models.BooleanField()
    conclusion = models.CharField(max_length=100)
    dimensions = models.JSONField(default=list, help_text="Each dimension: positive or not, and why.")
    explanation = models.JSONField(default=list)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.profile} ({self.version})"


class ReflectionPeriod(models.Model):
    """The recovery and reflection period (plan 13.1.7; CoE Convention Art. 13): at least 30 days, no removal."""

    class Decision(models.TextChoices):
        COOPERATES = "cooperates", _("Cooperates with the authorities")
        DOES_NOT = "does_not_cooperate", _("Does not cooperate")
        RETURNED = "returned_home", _("Returned home")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reflection_periods")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    no_removal = models.BooleanField(_("no removal from the country"), default=True)
    end_decision = models.CharField(_("decision at the end"), max_length=30, choices=Decision.choices, blank=True)
    end_note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.starts_on} – {self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class PeriodExtension(models.Model):
    period = models.ForeignKey(ReflectionPeriod, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField()
    new_end = models.DateField()
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.period.case}: until {self.new_end}"


class Consent(models.Model):
    """Informed consent, recorded per purpose."""

    class Purpose(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance")
        DATA_SHARING = "data_sharing", _("Sharing of data")
        REFERRAL = "referral", _("Referral to another organisation")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("consent given"))
    given_on = models.DateField(_("date"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.case}: {self.purpose} {'yes' if self.given else 'no'}"


class Referral(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    services = models.CharField(_("services requested"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True)
    # A referral without recorded consent needs a user with the override right and a reason.
    consent_override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        # Need-to-know: the cases an organisation accepted (cases.rules.cases_q_for_organisation).
        indexes = [models.Index(fields=["to_organisation", "state", "case"], name="referral_accepted_by")]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation}"

    @property
    def time_to_answer(self) -> datetime.timedelta | None:
        return self.answered_at - self.sent_at if self.answered_at else None

"""Protection of the person (plan §8) and of a child (§7), and the hand-over of a case between organisations.

Risk assessments are kept over time; one still marked active blocks the closure of the case. A child's case records
its guardian or legal representative (name and contact encrypted: they identify someone), the notifications of the
guardianship authority and of the commission on minors, the verification of an uncertain age, and the risk and
best-interest assessments without which no return is allowed (Council of Europe Convention, Art. 16(7)).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.core import CHILD_AGE
from lib.fields import EncryptedCharField, EncryptedTextField

__all__ = [
    "RiskLevel",
    "RiskAssessment",
    "ProtectionMeasure",
    "Guardian",
    "AuthorityNotification",
    "BestInterestAssessment",
    "AgeVerification",
    "HandOver",
]

MEASURE_ENDS_BEFORE_START = _("A measure cannot end before it starts.")
GUARDIANSHIP_ENDS_BEFORE_START = _("A guardianship cannot end before the appointment.")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskAssessment(models.Model):
    """A risk assessment at a point in time. It stays active until someone marks it inactive, giving a reason."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="risk_assessments")
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    active = models.BooleanField(_("risk active"), default=True)
    assessed_on = models.DateField(_("assessed on"))
    next_review_on = models.DateField(
        _("review due on"), null=True, blank=True, help_text=_("case_alerts reminds the case workers when it passes.")
    )
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField(_("summary"), blank=True, help_text=_("Encrypted: it may name people or places."))
    recorded_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    deactivation_reason = models.TextField(_("why the risk is no longer active"), blank=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.case}: {self.level} risk ({self.assessed_on})"


class ProtectionMeasure(models.Model):
    """A measure protecting the person, taken by a body, from a date until it ends."""

    class Kind(models.TextChoices):
        POLICE_PROTECTION = "police_protection", _("Police protection")
        PROTECTION_ORDER = "protection_order", _("Protection or restraining order")
        WITNESS_PROTECTION = "witness_protection", _("Witness protection programme")
        SAFE_ACCOMMODATION = "safe_accommodation", _("Safe accommodation or relocation")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality of identity in proceedings")
        ESCORT = "escort", _("Escort")
        OTHER = "other", _("Other")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="protection_measures")
    kind = models.CharField(_("measure"), max_length=30, choices=Kind.choices)
    body = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("protection measure")
        verbose_name_plural = _("protection measures")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": MEASURE_ENDS_BEFORE_START})


class Guardian(models.Model):
    """A child's guardian or legal representative. Name and contact identify someone: encrypted, never searched."""

    class Kind(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        TEMPORARY_GUARDIAN = "temporary_guardian", _("Temporary guardian")
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="guardians")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = EncryptedCharField(_("name"), max_length=200)
    contact = EncryptedTextField(_("contact"), blank=True)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appointed_on", "pk"]
        verbose_name = _("guardian or legal representative")
        verbose_name_plural = _("guardians and legal representatives")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"  # never the name

    def clean(self) -> None:
        if self.appointed_on and self.ended_on and self.ended_on < self.appointed_on:
            raise ValidationError({"ended_on": GUARDIANSHIP_ENDS_BEFORE_START})


class AuthorityNotification(models.Model):
    """The notification of a body that must know of a child victim: when, and by whom."""

    class Authority(models.TextChoices):
        GUARDIANSHIP = "guardianship_authority", _("Guardianship and custody authority")
        COMMISSION_ON_MINORS = "commission_on_minors", _("Commission on minors' affairs and protection of their rights")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="authority_notifications")
    authority = models.CharField(_("authority"), max_length=30, choices=Authority.choices)
    notified_on = models.DateField(_("notified on"))
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["notified_on", "pk"]
        verbose_name = _("notification of an authority")
        verbose_name_plural = _("notifications of authorities")

    def __str__(self) -> str:
        return f"{self.case}: {self.authority} {self.notified_on}"


class BestInterestAssessment(models.Model):
    """A risk and best-interest assessment of a child: the latest one decides whether a return may go ahead."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="best_interest_assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    return_safe = models.BooleanField(_("a return is safe and in the child's best interests"))
    summary = EncryptedTextField(_("summary"), blank=True, help_text=_("Encrypted: it may name people or places."))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-pk"]
        verbose_name = _("risk and best-interest assessment")
        verbose_name_plural = _("risk and best-interest assessments")

    def __str__(self) -> str:
        return f"{self.case}: best interests {self.assessed_on}"


class AgeVerification(models.Model):
    """The verification of an uncertain age, which ends the presumption that the person is a child."""

    class Method(models.TextChoices):
        DOCUMENTS = "documents", _("Documents")
        MULTIDISCIPLINARY = "multidisciplinary", _("Multidisciplinary age assessment")
        MEDICAL = "medical", _("Medical examination")
        OTHER = "other", _("Other")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="age_verifications")
    verified_on = models.DateField(_("verified on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    age = models.PositiveSmallIntegerField(_("age when identified, as verified"))
    reason = models.TextField(_("reason"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["verified_on", "pk"]
        verbose_name = _("age verification")
        verbose_name_plural = _("age verifications")

    def __str__(self) -> str:
        return f"{self.case}: age verified {self.verified_on}"

    @property
    def child(self) -> bool:
        return self.age < CHILD_AGE


class HandOver(models.Model):
    """A change of the case's owner (a consulate handing the case over on the person's return, say)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hand_overs")
    from_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self) -> str:
        return f"{self.case}: {self.from_organisation} → {self.to_organisation}"

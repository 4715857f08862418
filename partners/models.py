"""Partnership and resources (plan §9.3–9.4, §10, 13.7, 13.8): donors and the support they give, meetings of the
inter-organisational commission and of the legislative working group with their follow-up actions, and international
cooperation. Every entry is a register entry (lib.registers)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.registers import Entry, refuse_repeats
from monitoring.models import Currency, FundingSource

END_BEFORE_START = _("The end date cannot be before the start date.")
ORG_REF_FORBIDDEN = _("An IATI identifier cannot contain /, &, | or ? or spaces.")
ORG_REF_FORM = _(
    "Write the IATI organisation identifier as agency, then number, e.g. XM-DAC-41301 or GB-GOV-1 "
    "(a country or XM/XI code, the agency, and the organisation's number)."
)
NO_SUPPORT_TYPE = _("Choose at least one type of support.")
UNKNOWN_SUPPORT_TYPE = _("Choose the types of support from the list.")
DISBURSED_OVER_COMMITTED = _("The amount disbursed cannot be more than the amount committed.")
TRANSACTIONS_OVER_AMOUNT = _(
    "The %(kind)s transactions in %(currency)s add up to %(total)s, more than the amount given here."
)
DATE_IN_FUTURE = _("The date cannot be in the future.")
DONE_WITHOUT_DATE = _("Give the date the action was done.")
DATE_WITHOUT_DONE = _("Leave the date done empty until the action is done.")
DONE_BEFORE_MEETING = _("The action cannot be done before the meeting that decided it.")

# Registration agency (two letters, e.g. GB, XM, XI, then the agency code) and the organisation's number in it.
# IATI forbids / & | ? in identifiers, which are used in URLs.
ORG_REF_PATTERN = re.compile(r"^[A-Z]{2}-[A-Za-z0-9]+-[A-Za-z0-9._:-]+$")
ORG_REF_FORBIDDEN_CHARS = re.compile(r"[/&|?\s]")


def validate_org_ref(value: str) -> None:
    if ORG_REF_FORBIDDEN_CHARS.search(value):
        raise ValidationError(ORG_REF_FORBIDDEN, code="forbidden")
    if not ORG_REF_PATTERN.match(value):
        raise ValidationError(ORG_REF_FORM, code="form")


class Donor(Entry):
    """An organisation that supports the plan (9.3–9.4), as IATI names organisations."""

    class OrgType(models.TextChoices):
        """IATI OrganisationType code list (the codes an action-plan donor can have)."""

        GOVERNMENT = "10", _("Government")
        LOCAL_GOVERNMENT = "11", _("Local government")
        OTHER_PUBLIC = "15", _("Other public sector")
        INTERNATIONAL_NGO = "21", _("International NGO")
        NATIONAL_NGO = "22", _("National NGO")
        REGIONAL_NGO = "23", _("Regional NGO")
        PARTNER_COUNTRY_NGO = "24", _("Partner country based NGO")
        PUBLIC_PRIVATE = "30", _("Public private partnership")
        MULTILATERAL = "40", _("Multilateral")
        FOUNDATION = "60", _("Foundation")
        PRIVATE_SECTOR = "70", _("Private sector")
        ACADEMIC = "80", _("Academic, training and research")
        OTHER = "90", _("Other")

    name = models.CharField(_("name"), max_length=300, unique=True)
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        validators=[validate_org_ref],
        help_text=_("As registered with IATI, e.g. XM-DAC-47066 for IOM. Leave blank when it has none."),
    )
    org_type = models.CharField(_("organisation type"), max_length=2, choices=OrgType.choices)
    country = models.CharField(
        _("country"), max_length=100, blank=True, help_text=_("Leave blank for international organisations.")
    )

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupportType(models.TextChoices):
    """The kinds of donor support §9.3 of the plan names."""

    INFORMATION = "information", _("Information")
    METHODIC = "methodic", _("Methodic")
    ORGANISATIONAL = "organisational", _("Organisational")
    MATERIAL = "material", _("Material")
    CONSULTATIVE = "consultative", _("Consultative")
    FINANCIAL = "financial", _("Financial")


def validate_support_types(value) -> None:
    refuse_repeats(value)
    if not value:
        raise ValidationError(NO_SUPPORT_TYPE, code="required")
    if not isinstance(value, list) or any(item not in SupportType.values for item in value):
        raise ValidationError(UNKNOWN_SUPPORT_TYPE, code="invalid_choice")


class ChoiceList(list):
    """Choice codes that print as their labels, so the entry page reads "Information, Material"."""

    def __str__(self):
        labels = dict(SupportType.choices)
        return ", ".join(str(labels.get(code, code)) for code in self)


class SupportTypesField(models.JSONField):
    """A JSON list of SupportType codes."""

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return ChoiceList(value) if isinstance(value, list) else value


class DonorSupport(Entry):
    """Support a donor gives to an organisation taking part in the plan (9.3, 13.7.2–13.7.3)."""

    class Status(models.TextChoices):
        """IATI ActivityStatus, whose codes are 1–6 in this order."""

        PIPELINE = "pipeline", _("Pipeline or identification")
        IMPLEMENTATION = "implementation", _("Implementation")
        FINALISATION = "finalisation", _("Finalisation")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")
        SUSPENDED = "suspended", _("Suspended")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="supports", verbose_name=_("donor"))
    implementing_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("implementing organisation"),
    )
    support_types = SupportTypesField(_("types of support"), default=list, validators=[validate_support_types])
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, default=FundingSource.GRANTS
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IMPLEMENTATION)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.AZN)
    amount_pledged = models.DecimalField(
        _("amount pledged"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    amount_committed = models.DecimalField(
        _("amount committed"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    amount_disbursed = models.DecimalField(
        _("amount disbursed"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("donor support")
        verbose_name_plural = _("donor support")
        ordering = ["-start_on", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.end_on and self.start_on and self.end_on < self.start_on:
            errors["end_on"] = END_BEFORE_START
        committed, disbursed = self.amount_committed, self.amount_disbursed
        if committed is not None and disbursed is not None and disbursed > committed:
            errors["amount_disbursed"] = DISBURSED_OVER_COMMITTED
        if errors:
            raise ValidationError(errors)


class Transaction(models.Model):
    """A commitment, disbursement or expenditure of a donor support, as IATI reports transactions."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        DISBURSEMENT = "disbursement", _("Disbursement")
        EXPENDITURE = "expenditure", _("Expenditure")

    support = models.ForeignKey(DonorSupport, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.AZN)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.value} {self.currency}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": DATE_IN_FUTURE})


# The amount of a support that the transactions of a kind detail: they cannot add up to more than it.
AMOUNT_OF_KIND = {Transaction.Kind.COMMITMENT: "amount_committed", Transaction.Kind.DISBURSEMENT: "amount_disbursed"}


def support_check_transactions(support: DonorSupport) -> None:
    """The register's cross-row rule. Transactions in another currency are not compared: the system holds no
    exchange rates."""
    errors = {}
    for kind, field in AMOUNT_OF_KIND.items():
        amount = getattr(support, field)
        if amount is None:
            continue
        rows = support.transactions.filter(kind=kind, currency=support.currency)
        total = sum((row.value for row in rows), start=0)
        if total > amount:
            errors[field] = TRANSACTIONS_OVER_AMOUNT % {
                "kind": Transaction.Kind(kind).label.lower(),
                "currency": support.currency,
                "total": total,
            }
    if errors:
        raise ValidationError(errors)


class Meeting(Entry):
    """A meeting of the inter-organisational commission (10.2), of the legislative working group (10.3), or another
    coordination meeting, with what it decided."""

    class Body(models.TextChoices):
        COMMISSION = "commission", _("Inter-organisational commission")
        WORKING_GROUP = "working_group", _("Legislative working group")
        OTHER = "other", _("Other coordination meeting")

    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    held_on = models.DateField(_("date held"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("participating organisations")
    )
    agenda = models.TextField(_("agenda"))
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_body_display()}"


class FollowUpAction(models.Model):
    """An action a meeting decided, who carries it out and by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    PENDING = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField(_("action"))
    responsible = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan measure"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("date done"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.action[:80]

    def is_overdue(self, today=None) -> bool:
        return self.status in self.PENDING and self.due_on < (today or timezone.localdate())

    def clean(self):
        if self.status == self.Status.DONE and not self.done_on:
            raise ValidationError({"done_on": DONE_WITHOUT_DATE})
        if self.status != self.Status.DONE and self.done_on:
            raise ValidationError({"done_on": DATE_WITHOUT_DONE})
        meeting = self._meeting()
        if self.done_on and meeting is not None and meeting.held_on and self.done_on < meeting.held_on:
            raise ValidationError({"done_on": DONE_BEFORE_MEETING})

    def _meeting(self) -> Meeting | None:
        """The meeting, also while its form is validated before it is saved (the formset gives it unsaved)."""
        try:
            return self.meeting
        except Meeting.DoesNotExist:
            return None


class Cooperation(Entry):
    """International cooperation (§10.1, 13.8): agreements, memoranda, joint events, meetings and visits."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        JOINT_EVENT = "joint_event", _("Joint event")
        MEETING = "meeting", _("International meeting")
        STUDY_VISIT = "study_visit", _("Study visit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("In force or done")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    partner = models.CharField(_("partner"), max_length=300, help_text=_("The country or organisation."))
    date = models.DateField(_("date signed or held"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("international cooperation")
        verbose_name_plural = _("international cooperation")
        ordering = ["-date", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_on and self.date and self.ends_on < self.date:
            raise ValidationError({"ends_on": END_BEFORE_START})

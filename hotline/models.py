"""The hotline (plan §4.3, 13.2.1): calls and messages received, what they were about and what was done.

A call is a register entry (lib.registers) of the operator's organisation. Callers are anonymous by default; when a
caller agrees to give details, they are encrypted at rest (lib.fields) and only hotline operators ever read them.
The summary is free text read in statistics work, so it must never hold a name or an identifier.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedCharField, EncryptedTextField
from lib.registers import Entry, refuse_repeats

CASE_REQUIRED = _("Give the reference of the case opened.")
CASE_ONLY_WHEN_OPENED = _("Link a case only when the action is “case opened”.")
REFERRAL_NEEDS_ORGANISATION = _("Choose the organisation the call was referred to.")
NO_ACTION_NEEDS_REASON = _("Say why no action was taken.")
RECEIVED_IN_FUTURE = _("The call cannot be received in the future.")
ANONYMOUS_WITH_IDENTIFIERS = _("An anonymous caller has no details: clear this field, or untick “anonymous caller”.")
UNKNOWN_INDICATOR = _("Choose indicators from the list.")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")


class Language(models.TextChoices):
    AZ = "az", _("Azerbaijani")
    RU = "ru", _("Russian")
    EN = "en", _("English")
    OTHER = "other", _("Other")


class CallerType(models.TextChoices):
    POTENTIAL_VICTIM = "potential_victim", _("Potential victim")
    FAMILY = "family", _("Family member")
    THIRD_PARTY = "third_party", _("Third party")
    PROFESSIONAL = "professional", _("Professional")
    ANONYMOUS = "anonymous", _("Anonymous")


class SignalType(models.TextChoices):
    TIP = "tip", _("Tip")
    HELP = "help", _("Request for help")
    INFORMATION = "information", _("Information request")
    OTHER = "other", _("Other")


class Action(models.TextChoices):
    POLICE = "police", _("Referred to the police")
    NGO = "ngo", _("Referred to an NGO")
    CONSULATE = "consulate", _("Referred to a consulate")
    CASE_OPENED = "case_opened", _("Case opened")
    INFORMATION = "information", _("Information given")
    NONE = "none", _("No action")


# The actions that hand the call to another body: they need the body, and the annual report counts them as referred.
REFERRAL_ACTIONS = frozenset({Action.POLICE, Action.NGO, Action.CONSULATE})


class Indicator(models.TextChoices):
    """General trafficking indicators an operator may notice in a call (not the full ILO list used for cases)."""

    DECEPTION = "deception", _("Deception about the work or its conditions")
    DOCUMENTS = "documents", _("Identity or travel documents withheld")
    MOVEMENT = "movement", _("Movement restricted")
    DEBT = "debt", _("Debt bondage")
    THREATS = "threats", _("Threats or violence")
    NO_PAY = "no_pay", _("No pay or wages withheld")
    CHILD = "child", _("A child involved")
    SEXUAL = "sexual", _("Signs of sexual exploitation")


def validate_indicators(value) -> None:
    refuse_repeats(value)
    if not isinstance(value, list) or any(code not in Indicator.values for code in value):
        raise ValidationError(UNKNOWN_INDICATOR, code="invalid_indicator")


class Indicators(list):
    """The indicator codes of a call; shown (on the entry page) as their labels."""

    def __str__(self) -> str:
        labels = dict(Indicator.choices)
        return ", ".join(str(labels.get(code, code)) for code in self)


class IndicatorsField(models.JSONField):
    """A JSON list of Indicator codes, edited as checkboxes."""

    default_validators = [validate_indicators]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        codes = super().from_db_value(value, expression, connection)
        return Indicators(codes) if isinstance(codes, list) else codes

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": Indicator.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name.capitalize(),
            "help_text": self.help_text,
        }
        # models.Field.formfield would pass JSONField's encoder/decoder arguments on; MultipleChoiceField takes none.
        form_class = defaults.pop("form_class")
        return form_class(**{**defaults, **kwargs})


IDENTIFIERS = ("caller_name", "caller_phone", "caller_email", "caller_notes")


class Call(Entry):
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.AZ)
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Where the caller or the situation is, if known.")
    )
    caller_type = models.CharField(_("caller type"), max_length=20, choices=CallerType.choices)
    signal_type = models.CharField(_("signal type"), max_length=20, choices=SignalType.choices)
    summary = models.TextField(
        _("summary"),
        help_text=_(
            "What the call was about. Do not write names, phone numbers, addresses or any other detail that "
            "identifies a person here: use the caller fields below, which are encrypted."
        ),
    )
    indicators = IndicatorsField(_("indicators noticed"))
    thb_relevant = models.BooleanField(
        _("concerns trafficking"),
        default=False,
        help_text=_("Tick when the call concerns trafficking in human beings at all."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    referred_to = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a referral: the body the call was passed to."),
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For “case opened”: the case reference, e.g. NRM-2016-00012."),
    )
    no_action_reason = models.TextField(_("reason for no action"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous caller"), default=True, help_text=_("Untick only when the caller agreed to give details.")
    )
    # None (NULL), not an encrypted empty string, when the caller gave nothing: see clean().
    caller_name = EncryptedCharField(_("caller's name"), max_length=200, null=True, blank=True)
    caller_phone = EncryptedCharField(_("caller's phone"), max_length=50, null=True, blank=True)
    caller_email = EncryptedCharField(_("caller's e-mail"), max_length=200, null=True, blank=True)
    caller_notes = EncryptedTextField(
        _("notes on the caller"),
        null=True,
        blank=True,
        help_text=_("How to reach the caller again, and anything else that identifies them."),
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at", "pk"]
        # The list and the statistics look at one organisation's calls over a period.
        indexes = [models.Index(fields=["organisation", "received_at"], name="hotline_call_org_received")]

    def __str__(self):
        # Never the summary or a caller detail: this string is the page title and appears in messages and logs.
        received = timezone.localtime(self.received_at) if self.received_at else None
        return _("Call of %(when)s") % {"when": f"{received:%Y-%m-%d %H:%M}" if received else "—"}

    @property
    def referred(self) -> bool:
        return self.action in REFERRAL_ACTIONS

    def clean(self):
        for name in IDENTIFIERS:
            if not getattr(self, name):
                setattr(self, name, None)
        errors = {**self._action_errors()}
        if self.received_at and self.received_at > timezone.now():
            errors["received_at"] = RECEIVED_IN_FUTURE
        if self.anonymous:
            errors.update({name: ANONYMOUS_WITH_IDENTIFIERS for name in IDENTIFIERS if getattr(self, name)})
        if errors:
            raise ValidationError(errors)

    def _action_errors(self) -> dict:
        errors = {}
        if self.action == Action.CASE_OPENED and self.case_id is None:
            errors["case"] = CASE_REQUIRED
        if self.case_id is not None and self.action != Action.CASE_OPENED:
            errors["case"] = CASE_ONLY_WHEN_OPENED
        if self.action in REFERRAL_ACTIONS and self.referred_to_id is None:
            errors["referred_to"] = REFERRAL_NEEDS_ORGANISATION
        if self.action == Action.NONE and not self.no_action_reason.strip():
            errors["no_action_reason"] = NO_ACTION_NEEDS_REASON
        return errors

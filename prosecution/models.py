"""Criminal prosecution (plan §5, 13.3): criminal cases of trafficking and related crimes, their defendants and
outcomes, the assets seized and confiscated, and the international requests made or received.

A criminal case is a register entry (lib.registers). It holds no identity: defendants are counted, not named, and
victims are linked by the reference code of their case in the referral mechanism only.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.registers import Entry, refuse_repeats
from monitoring.models import Currency

# Articles of the Criminal Code of the Republic of Azerbaijan under which trafficking and related crimes are
# prosecuted. Sources:
# - 144-1, 144-2, 144-3, 243 and 244: the MIA Main Department for Combating Trafficking in Human Beings,
#   insanalveri.gov.az/?preview/en/news/view/101/ ("Articles 144-1, 144-2 and 144-3 … articles 243 and 244").
# - 144-3 wording: ILO CEACR direct request on Convention No. 29 (2015): a new section 144-3 "Illegal documentation
#   for the purpose of human trafficking" (Law No. 314-IVQD of 7 March 2012).
# - 106 (slavery): antislaverylaw.ac.uk/country/azerbaijan/ (text of Art. 106).
# - 171 (involving minors in prostitution) and 173 (trade in minors): legislationline.org, summary of the CEELI
#   survey of 2003; that numbering predates the 2005 and 2012 amendments, so check it against the current Code.
# - 193-1 (legalisation of property obtained by crime, i.e. money laundering): recalled, not found in a source
#   during this work; check it.
ARTICLES = [
    ("144-1", _("Art. 144-1: trafficking in human beings")),
    ("144-2", _("Art. 144-2: forced labour")),
    ("144-3", _("Art. 144-3: illegal actions with identity documents for the purpose of trafficking")),
    ("106", _("Art. 106: slavery")),
    ("171", _("Art. 171: involving minors in prostitution")),
    ("173", _("Art. 173: trade in minors")),
    ("193-1", _("Art. 193-1: legalisation of property obtained by crime (money laundering)")),
    ("243", _("Art. 243: involving in prostitution")),
    ("244", _("Art. 244: keeping brothels")),
]
ARTICLE_LABELS = dict(ARTICLES)
MONEY_LAUNDERING = "193-1"
NATIONAL = "AZ"  # citizenship code of the country's own nationals (ISO 3166 alpha-2)

NO_ARTICLES = _("Choose at least one article of the Criminal Code.")
UNKNOWN_ARTICLES = _("Unknown articles of the Criminal Code: %(codes)s.")
DUPLICATE_NUMBER = _("Your organisation has already recorded a criminal case with this number.")
DATE_TOO_EARLY = _("This date cannot be before the %(earlier)s.")
DATE_WITHOUT_EARLIER = _("Give the %(earlier)s first.")
STAGE_WITHOUT_DATE = _("At this stage, give the %(date)s.")
GROUP_MEMBERS_WITHOUT_GROUP = _("Give the number of group members only for an organised group.")
COUNTRIES_REQUIRED = _("Name the countries involved in a transnational case.")
TOO_MANY_LINKED_VICTIMS = _("More victims are linked than the number of victims in the criminal case.")
OUTCOME_WITHOUT_JUDGMENT = _("A defendant's outcome other than “pending” needs the date of the judgment.")
NATURAL_PERSON_ONLY = _("Give this only for a natural person.")
SEX_REQUIRED = _("Give the sex of a natural person (or “unknown”).")
SENTENCE_ONLY_CONVICTED = _("A sentence is given only for a convicted natural person.")
SUSPENDED_WITHOUT_SENTENCE = _("Only a sentence can be suspended: give its length.")
FINE_ONLY_CONVICTED_LEGAL = _("A fine is recorded only for a convicted legal person.")
CONFISCATED_OVER_SEIZED = _("The value confiscated cannot be more than the value seized.")
ANSWER_BEFORE_SENT = _("The answer cannot be before the request was sent.")


def validate_articles(value) -> None:
    refuse_repeats(value)
    if not isinstance(value, list):
        raise ValidationError(NO_ARTICLES, code="invalid")
    unknown = [str(code) for code in value if code not in ARTICLE_LABELS]
    if unknown:
        raise ValidationError(UNKNOWN_ARTICLES, code="invalid", params={"codes": ", ".join(unknown)})


citizenship_code = RegexValidator(r"^[A-Z]{2}$", _("Give the two-letter ISO 3166 code, e.g. AZ."))


class CriminalCase(Entry):
    class Stage(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("criminal case stage", "Registered")
        INVESTIGATION = "investigation", _("Under investigation")
        INVESTIGATION_COMPLETED = "investigation_completed", _("Investigation completed")
        SENT_TO_COURT = "sent_to_court", _("Sent to court")
        JUDGMENT = "judgment", _("Judgment")
        APPEAL = "appeal", _("Appeal")
        CLOSED = "closed", _("Closed or dismissed")

    number = models.CharField(_("case number"), max_length=50)
    articles = models.JSONField(
        _("articles of the Criminal Code"), default=list, validators=[validate_articles], blank=True
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.REGISTERED)
    opened_on = models.DateField(_("date opened"))
    investigation_completed_on = models.DateField(_("date the investigation was completed"), null=True, blank=True)
    sent_to_court_on = models.DateField(_("date sent to court"), null=True, blank=True)
    judgment_on = models.DateField(_("date of the judgment"), null=True, blank=True)
    appeal_on = models.DateField(_("date of the appeal"), null=True, blank=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    organised_group = models.BooleanField(_("organised criminal group"), default=False)
    group_members = models.PositiveIntegerField(_("group members"), null=True, blank=True)
    transnational = models.BooleanField(_("transnational"), default=False)
    countries = models.CharField(
        _("countries involved"), max_length=200, blank=True, help_text=_("Countries of origin, transit or destination.")
    )
    victims_count = models.PositiveIntegerField(
        _("victims in the criminal case"),
        default=0,
        help_text=_("All victims of the criminal case, including any not recorded in CTIMS."),
    )
    victims = models.ManyToManyField(
        "cases.Case",
        blank=True,
        related_name="criminal_cases",
        verbose_name=_("linked victims' cases"),
        help_text=_("Reference codes of the victims' cases in CTIMS, separated by commas (e.g. NRM-2016-00012)."),
    )

    # The dates in the order the stages happen, each with the stage that needs it.
    DATES = (
        ("opened_on", None),
        ("investigation_completed_on", Stage.INVESTIGATION_COMPLETED),
        ("sent_to_court_on", Stage.SENT_TO_COURT),
        ("judgment_on", Stage.JUDGMENT),
        ("appeal_on", Stage.APPEAL),
    )

    class Meta:
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        ordering = ["-opened_on", "pk"]
        constraints = [
            # Case-insensitive, as clean() checks it: "12/2016-a" and "12/2016-A" are the same case number.
            models.UniqueConstraint("organisation", Lower("number"), name="criminal_case_number_per_organisation")
        ]

    def __str__(self):
        return str(_("Criminal case %(number)s") % {"number": self.number})

    @property
    def article_labels(self) -> list[str]:
        return [str(ARTICLE_LABELS.get(code, code)) for code in self.articles or []]

    def clean(self):
        errors = {**self._date_errors(), **self._stage_errors()}
        if not self.articles:
            errors["articles"] = NO_ARTICLES  # `articles` is blank=True so that this message, not Django's, shows
        if self.group_members is not None and not self.organised_group:
            errors["group_members"] = GROUP_MEMBERS_WITHOUT_GROUP
        if self.transnational and not self.countries.strip():
            errors["countries"] = COUNTRIES_REQUIRED
        if self.number and self.organisation_id and self._number_taken():
            errors["number"] = DUPLICATE_NUMBER
        if errors:
            raise ValidationError(errors)

    def _number_taken(self) -> bool:
        same = CriminalCase.objects.filter(organisation_id=self.organisation_id, number__iexact=self.number.strip())
        return same.exclude(pk=self.pk).exists()

    def _date_errors(self) -> dict:
        """Each date given is on or after every earlier one given; a court date needs the previous stage's date."""
        errors = {}
        for position, (name, _stage) in enumerate(self.DATES):
            value = getattr(self, name)
            if value is None or position == 0:
                continue
            previous = self.DATES[position - 1][0]
            if position > 1 and getattr(self, previous) is None:
                errors[name] = ValidationError(DATE_WITHOUT_EARLIER, params={"earlier": self._label(previous)})
                continue
            for earlier, _stage in self.DATES[:position]:
                if getattr(self, earlier) is not None and value < getattr(self, earlier):
                    errors[name] = ValidationError(DATE_TOO_EARLY, params={"earlier": self._label(earlier)})
                    break
        return errors

    def _stage_errors(self) -> dict:
        """A case at a stage has the date of that stage (and, through the date rules, of the stages before)."""
        for name, stage in self.DATES:
            if stage == self.stage and getattr(self, name) is None:
                return {name: ValidationError(STAGE_WITHOUT_DATE, params={"date": self._label(name)})}
        return {}

    def _label(self, name: str) -> str:
        return str(self._meta.get_field(name).verbose_name)


class Defendant(models.Model):
    """A person or company prosecuted in the criminal case: counted, never named."""

    class Kind(models.TextChoices):
        NATURAL = "natural", _("Natural person")
        LEGAL = "legal", _("Legal person")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Unknown")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        FROM_18 = "18_24", _("18–24")
        FROM_25 = "25_34", _("25–34")
        FROM_35 = "35_49", _("35–49")
        FROM_50 = "50_plus", _("50 and over")

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        ACCOMPLICE = "accomplice", _("Accomplice")
        RECRUITER = "recruiter", _("Recruiter")
        TRANSPORTER = "transporter", _("Transporter")
        EXPLOITER = "exploiter", _("Exploiter")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        DISMISSED = "dismissed", _("Dismissed")

    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="defendants")
    kind = models.CharField(_("natural or legal person"), max_length=10, choices=Kind.choices, default=Kind.NATURAL)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    citizenship = models.CharField(
        _("citizenship"),
        max_length=2,
        blank=True,
        validators=[citizenship_code],
        help_text=_("ISO 3166 code, e.g. AZ."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    sentence_years = models.DecimalField(
        _("sentence (years)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Imprisonment, for a convicted natural person."),
    )
    suspended = models.BooleanField(_("suspended"), default=False)
    fine = models.DecimalField(
        _("fine (AZN)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For a convicted legal person."),
    )

    class Meta:
        verbose_name = _("defendant")
        verbose_name_plural = _("defendants")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_role_display()}"

    @property
    def is_child(self) -> bool:
        return self.age_band == self.AgeBand.UNDER_18

    def clean(self):
        errors = {}
        natural = self.kind == self.Kind.NATURAL
        convicted = self.outcome == self.Outcome.CONVICTED
        if natural and not self.sex:
            errors["sex"] = SEX_REQUIRED
        if not natural:
            errors.update({name: NATURAL_PERSON_ONLY for name in ("sex", "age_band") if getattr(self, name)})
        if self.sentence_years is not None and not (natural and convicted):
            errors["sentence_years"] = SENTENCE_ONLY_CONVICTED
        if self.suspended and self.sentence_years is None:
            errors["suspended"] = SUSPENDED_WITHOUT_SENTENCE
        if self.fine is not None and (natural or not convicted):
            errors["fine"] = FINE_ONLY_CONVICTED_LEGAL
        if errors:
            raise ValidationError(errors)


class Asset(models.Model):
    """Property seized and confiscated in the criminal case (13.3.9)."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        REAL_ESTATE = "real_estate", _("Real estate")
        VEHICLE = "vehicle", _("Vehicle")
        OTHER = "other", _("Other")

    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(_("kind of property"), max_length=20, choices=Kind.choices)
    seized_value = models.DecimalField(
        _("value seized"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    confiscated_value = models.DecimalField(
        _("value confiscated"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.AZN)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["pk"]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        if (
            self.seized_value is not None
            and self.confiscated_value is not None
            and self.confiscated_value > self.seized_value
        ):
            raise ValidationError({"confiscated_value": CONFISCATED_OVER_SEIZED})


class CooperationRequest(models.Model):
    """A request for international cooperation in the criminal case (13.3.8)."""

    class Kind(models.TextChoices):
        LEGAL_ASSISTANCE = "legal_assistance", _("Mutual legal assistance")
        EXTRADITION = "extradition", _("Extradition")
        JOINT_INVESTIGATION = "joint_investigation", _("Joint investigation team")

    class Direction(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        EXECUTED = "executed", _("Executed")
        PARTLY_EXECUTED = "partly_executed", _("Partly executed")
        REFUSED = "refused", _("Refused")

    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind of request"), max_length=30, choices=Kind.choices)
    direction = models.CharField(_("sent or received"), max_length=10, choices=Direction.choices)
    country = models.CharField(_("country"), max_length=100)
    sent_on = models.DateField(_("date sent"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    answered_on = models.DateField(_("date answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("international request")
        verbose_name_plural = _("international requests")
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_direction_display()}, {self.country})"

    def clean(self):
        if self.answered_on and self.sent_on and self.answered_on < self.sent_on:
            raise ValidationError({"answered_on": ANSWER_BEFORE_SENT})

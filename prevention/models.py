"""Prevention and publicity (plan §4, §11, 13.2, 13.9): trainings, awareness activities and materials, research,
labour-migration inspections, and media and internet monitoring. Every entry is a register entry (lib.registers):
it belongs to the organisation that recorded it and is linked to the measures it carries out."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.registers import Entry

END_BEFORE_START = _("The end date cannot be before the start date.")
NO_PARTICIPANTS = _("Give the number of participants: women, men, or both.")
VIOLATIONS_WITHOUT_INSPECTIONS = _("There cannot be more inspections with violations than inspections.")
REFERRALS_WITHOUT_INSPECTIONS = _("There cannot be more cases sent to the police than inspections with violations.")


class Audience(models.TextChoices):
    """Target groups of trainings (13.2.10) and of the annual report's table R2."""

    POLICE = "police", _("Police")
    BORDER = "border", _("Border service")
    CUSTOMS = "customs", _("Customs")
    MIGRATION = "migration", _("Migration service")
    SOCIAL = "social", _("Social workers")
    HEALTH = "health", _("Health workers")
    EDUCATION = "education", _("Education")
    MEDIA = "media", _("Media")
    NGO = "ngo", _("NGOs")
    JUDICIARY = "judiciary", _("Judges and prosecutors")
    OTHER = "other", _("Other")


class Training(Entry):
    held_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    audience = models.CharField(_("audience group"), max_length=20, choices=Audience.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("Leave blank when your organisation organised it.")
    )
    women = models.PositiveIntegerField(_("women participants"), default=0)
    men = models.PositiveIntegerField(_("men participants"), default=0)
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def participants(self) -> int:
        return self.women + self.men

    def clean(self):
        errors = {}
        if self.ends_on and self.held_on and self.ends_on < self.held_on:
            errors["ends_on"] = END_BEFORE_START
        if not (self.women or self.men):
            errors["women"] = NO_PARTICIPANTS
        if errors:
            raise ValidationError(errors)


class AwarenessActivity(Entry):
    """An awareness activity or material (§11, 13.9): what, where or through which channel, how many, how many
    reached."""

    class Kind(models.TextChoices):
        BOOKLET = "booklet", _("Booklet or leaflet")
        POSTER = "poster", _("Poster")
        SOCIAL_AD = "social_ad", _("Social advertisement")
        FILM = "film", _("Film")
        BROADCAST = "broadcast", _("TV or radio programme")
        EVENT = "event", _("Event")
        ONLINE = "online", _("Online campaign")

    class Channel(models.TextChoices):
        BORDER = "border", _("Border or customs checkpoint")
        AIRPORT = "airport", _("Airport")
        SEA_PORT = "sea_port", _("Sea port")
        TOURISM = "tourism", _("Tourism companies")
        SCHOOLS = "schools", _("Schools and universities")
        COMPANIES = "companies", _("Private companies")
        MEDIA = "media", _("Media")
        INTERNET = "internet", _("Internet and social networks")
        PUBLIC = "public", _("Public places")
        OTHER = "other", _("Other")

    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    channel = models.CharField(_("place or channel"), max_length=20, choices=Channel.choices)
    place = models.CharField(_("place or address"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=50, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity distributed"), null=True, blank=True, help_text=_("Copies handed out, for printed materials.")
    )
    reach = models.PositiveIntegerField(
        _("estimated reach"), null=True, blank=True, help_text=_("People reached, as estimated.")
    )

    class Meta:
        verbose_name = _("awareness activity")
        verbose_name_plural = _("awareness activities")
        ordering = ["-started_on", "pk"]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d} {self.title}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": END_BEFORE_START})


class Research(Entry):
    """Research and surveys (13.2.3)."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Research")
        SURVEY = "survey", _("Survey")
        ASSESSMENT = "assessment", _("Assessment or analysis")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    started_on = models.DateField(_("start date"))
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    authors = models.CharField(_("authors or partners"), max_length=300, blank=True)
    sample_size = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    findings = models.TextField(_("main findings"), blank=True)
    link = models.URLField(_("published at"), blank=True)

    class Meta:
        verbose_name = _("research or survey")
        verbose_name_plural = _("research and surveys")
        ordering = ["-started_on", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.completed_on and self.started_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": END_BEFORE_START})


class LabourInspection(Entry):
    """Inspections of labour migration and of employers (13.2.5–13.2.6), and what they found."""

    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    sector = models.CharField(_("economic sector"), max_length=100, blank=True)
    inspections = models.PositiveIntegerField(_("workplaces inspected"))
    with_violations = models.PositiveIntegerField(_("workplaces with violations"), default=0)
    workers_checked = models.PositiveIntegerField(_("workers checked"), default=0)
    migrant_workers = models.PositiveIntegerField(_("of whom migrant workers"), default=0)
    indicators_found = models.PositiveIntegerField(_("workers with forced-labour indicators"), default=0)
    sent_to_police = models.PositiveIntegerField(_("cases sent to the police"), default=0)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        verbose_name = _("labour inspection")
        verbose_name_plural = _("labour inspections")
        ordering = ["-started_on", "pk"]

    def __str__(self):
        return f"{self.started_on:%Y-%m-%d} {self.region or self.sector}".strip()

    def clean(self):
        errors = {}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = END_BEFORE_START
        if self.inspections is not None and self.with_violations > self.inspections:
            errors["with_violations"] = VIOLATIONS_WITHOUT_INSPECTIONS
        if self.sent_to_police > self.with_violations:
            errors["sent_to_police"] = REFERRALS_WITHOUT_INSPECTIONS
        if errors:
            raise ValidationError(errors)


class MediaFinding(Entry):
    """Media and internet monitoring (13.2.9): a suspicious advertisement or publication and what was done."""

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        SOCIAL = "social", _("Social network")
        MESSENGER = "messenger", _("Messenger channel")
        NEWSPAPER = "newspaper", _("Newspaper or magazine")
        BROADCAST = "broadcast", _("TV or radio")
        OTHER = "other", _("Other")

    class Action(models.TextChoices):
        NONE = "none", _("None yet")
        POLICE = "police", _("Sent to the police")
        REMOVAL = "removal", _("Removal requested")
        PROVIDER = "provider", _("Reported to the platform")
        MONITORED = "monitored", _("Kept under watch")

    found_on = models.DateField(_("date found"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    address = models.CharField(_("address"), max_length=500, help_text=_("Web address, page or publication, as found."))
    reason = models.TextField(_("why it is suspicious"))
    action = models.CharField(_("action taken"), max_length=20, choices=Action.choices, default=Action.NONE)
    action_on = models.DateField(_("action date"), null=True, blank=True)

    class Meta:
        verbose_name = _("media or internet finding")
        verbose_name_plural = _("media and internet findings")
        ordering = ["-found_on", "pk"]

    def __str__(self):
        return f"{self.found_on:%Y-%m-%d} {self.get_source_display()}"

    def clean(self):
        if self.action_on and self.found_on and self.action_on < self.found_on:
            raise ValidationError({"action_on": _("The action cannot be before the date found.")})

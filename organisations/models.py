"""The bodies that take part in the plan and use CTIMS: ministries, services, NGOs, classes of bodies."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        STATE_COMMITTEE = "state_committee", _("State committee")
        SERVICE = "service", _("State service or agency")
        LOCAL_AUTHORITY_CLASS = "local_authority_class", _("Local authorities (class)")
        COURT = "court", _("Court")
        PROSECUTION = "prosecution", _("Prosecution")
        OMBUDSMAN = "ombudsman", _("Ombudsman")
        NGO_CLASS = "ngo_class", _("Non-governmental organisations (class)")
        NGO = "ngo", _("Non-governmental organisation")
        INTERNATIONAL = "international_organisation", _("International organisation")
        DONOR = "donor", _("Donor")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, default=Kind.OTHER)
    # A class stands for every body of a sort ("local executive power authorities"), not one body.
    is_class = models.BooleanField(_("class of bodies"), default=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations-detail", args=[self.pk])


class OrganisationAlias(models.Model):
    """A spelling under which an organisation is written in a plan or a spreadsheet."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("spelling"), max_length=300, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return self.name

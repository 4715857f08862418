"""An issued annual report: the figures and the three files as they were on the day of issue, never changed again.

A correction is a new version of the same year and edition; the earlier versions stay, so anyone can still see
exactly what the President, the Milli Mejlis and the Ombudsman received.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ISSUED_IS_FROZEN = _("An issued report cannot be changed. Issue a new version instead.")

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


class Edition(models.TextChoices):
    RESTRICTED = "restricted", _("Restricted edition (exact figures)")
    PUBLIC = "public", _("Public edition")


class IssuedReport(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.CharField(_("edition"), max_length=20, choices=Edition.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10)
    content = models.JSONField(help_text="The report's text and figures, as issued.")
    pdf = models.BinaryField()
    docx = models.BinaryField()
    xlsx = models.BinaryField()
    checksums = models.JSONField(default=dict, help_text="SHA-256 of each file, as issued.")
    note = models.TextField(_("note"), blank=True, help_text=_("What this version corrects, if anything."))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "edition", "-version"]
        constraints = [
            models.UniqueConstraint("year", "edition", "language", "version", name="issued_report_version_unique")
        ]
        verbose_name = _("issued annual report")
        verbose_name_plural = _("issued annual reports")

    def __str__(self) -> str:
        return f"{self.year} {self.edition} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(ISSUED_IS_FROZEN)
        self.checksums = {name: hashlib.sha256(bytes(getattr(self, name))).hexdigest() for name in FORMATS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports-issued", args=[self.uid])

    def delete(self, *args, **kwargs):
        raise ValidationError(ISSUED_IS_FROZEN)

    def file(self, name: str) -> bytes:
        return bytes(getattr(self, name))

    def intact(self) -> bool:
        """The files are byte for byte those issued."""
        return all(hashlib.sha256(self.file(name)).hexdigest() == digest for name, digest in self.checksums.items())

"""The audit trail: an append-only, hash-chained record of who read or changed what, and why.

Each event's hash is the SHA-256 of a canonical JSON of its other fields, previous_hash included, so changing any
event breaks its own hash and removing one breaks the chain. The single AuditHead row remembers the last event, so
that removing events from the end is detected too. `manage.py verify_audit` checks all of this.

The canonical JSON, for anyone who checks the trail with other tools: an object with the keys of HASHED_FIELDS,
`at` as ISO 8601 in UTC with microseconds ("2026-01-31T09:15:00.123456+00:00"), actor_id and organisation_id as
numbers or null, details as stored; keys sorted, no spaces (separators "," and ":"), non-ASCII escaped as \\uXXXX,
encoded as UTF-8. previous_hash of the first event is 64 zeros.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO_HASH = "0" * 64
HEAD_ID = 1
# Every field but `hash` itself. A test checks this covers every column, so a new field cannot go unprotected.
HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "details",
    "previous_hash",
)

APPEND_ONLY = "The audit trail is append-only: an audit event cannot be {verb}."
APPEND_ONLY_BULK = "Audit events are appended one by one through audit.services.event_record, which chains them."

hex_sha256 = RegexValidator(r"^[0-9a-f]{64}\Z", _("A SHA-256 hash: 64 lower-case hexadecimal digits."))


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY.format(verb="changed"))

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY.format(verb="deleted"))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY.format(verb="changed"))

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_BULK)


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(_("number"), primary_key=True)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,  # deactivate users who acted, do not delete them
        null=True,
        blank=True,
        related_name="audit_events",
        help_text=_("Empty for system jobs."),
    )
    # Copied at the time, so the trail still reads right after a user is renamed or moves organisation.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(_("user's organisation (id)"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, help_text=_('E.g. "case.read", "case.update".'))
    object_type = models.CharField(_("object type"), max_length=100, blank=True, help_text=_('E.g. "cases.case".'))
    object_id = models.CharField(_("object id"), max_length=255, blank=True)
    reason = models.TextField(_("reason given"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(_("previous event's hash"), max_length=64, validators=[hex_sha256])
    hash = models.CharField(_("hash"), max_length=64, validators=[hex_sha256])

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        # Related managers and deletion collectors use the base manager: it must refuse too.
        base_manager_name = "objects"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]
        constraints = [models.CheckConstraint(condition=models.Q(sequence__gte=1), name="audit_event_sequence_from_1")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.action} {self.object_type} {self.object_id}".rstrip()

    def save(self, **kwargs):
        """Inserts a new event; refuses to write over an existing one."""
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise AppendOnlyError(APPEND_ONLY.format(verb="changed"))
        # An INSERT only: with an explicit primary key Django would otherwise try an UPDATE first.
        super().save(**{**kwargs, "force_insert": True})

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY.format(verb="deleted"))

    def hashed_values(self) -> dict:
        values = {name: getattr(self, name) for name in HASHED_FIELDS}
        values["at"] = self.at.astimezone(UTC).isoformat(timespec="microseconds")
        return values

    def compute_hash(self) -> str:
        """The hash this event should have, from its content (previous_hash included)."""
        canonical = json.dumps(self.hashed_values(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """One row: the last event appended. Writers lock it, so the chain never forks; verify_audit compares the trail's
    end with it, so events deleted from the end are noticed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    sequence = models.PositiveBigIntegerField(_("last event's number"), default=0)
    hash = models.CharField(_("last event's hash"), max_length=64, default=ZERO_HASH, validators=[hex_sha256])

    class Meta:
        verbose_name = _("audit trail head")
        constraints = [models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"

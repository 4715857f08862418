"""Model fields whose values are encrypted at rest (see lib.crypto): the column holds a Fernet token, never plaintext.

    from lib.fields import EncryptedCharField, EncryptedDateField

    class Person(models.Model):
        family_name = EncryptedCharField(_("family name"), max_length=150)
        family_name_index = models.CharField(max_length=64, editable=False, db_index=True)  # crypto.blind_index()
        birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)

The database cannot compare encrypted values, so these fields refuse every lookup but `isnull` (and `exact` with
None, which is the same): find a value through a blind index column instead. They cannot be unique, indexed or a
primary key either. The column is `text` whatever the field; `max_length` limits the plaintext and is checked in
forms and full_clean(). None is stored as NULL; every other value, the empty string included, is encrypted.
"""

import datetime
import json

from django import forms
from django.core import checks, exceptions, validators
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from lib import crypto

SEARCH_REFUSED = "encrypted fields cannot be searched; use a blind index"


class EncryptedLookupError(exceptions.FieldError):
    """A query tried to compare an encrypted column with a value, which can never match."""

    def __init__(self, label: str, lookup_name: str):
        super().__init__(f"{label}: {SEARCH_REFUSED} (lookup {lookup_name!r} refused; only 'isnull' works).")


def _label(field) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label}.{field.name}" if model is not None else type(field).__name__


class _ExactNone(Exact):
    """`field=None` means `field__isnull=True`, which Django builds from an exact lookup: allow it, refuse the rest."""

    def __init__(self, lhs, rhs):
        if rhs is not None:
            raise EncryptedLookupError(_label(lhs.output_field), "exact")
        super().__init__(lhs, rhs)


class EncryptedField(models.TextField):
    """The base of every encrypted field: subclasses turn their Python value into text and back."""

    description = _("Encrypted text")
    empty_value = ""  # the Python value for an empty column (an empty string written by something else than CTIMS)
    # Error messages never repeat the value: it is a personal identifier.
    default_error_messages = {"invalid_choice": _("Select a valid choice.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    # Python value <-> plaintext; subclasses override these.

    def to_text(self, value) -> str:
        return value

    def from_text(self, text: str):
        return text

    # Database.

    def get_prep_value(self, value):
        value = super().get_prep_value(value)  # to_python(): the Python value, or None
        if value is None:
            return None
        return crypto.encrypt(self.to_text(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_value
        try:
            text = crypto.decrypt(value)
        except crypto.DecryptionError as error:
            raise crypto.DecryptionError(f"{_label(self)}: {error}") from None
        return self.from_text(text)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _ExactNone
        raise EncryptedLookupError(_label(self), lookup_name)

    def get_transform(self, lookup_name):
        raise EncryptedLookupError(_label(self), lookup_name)

    # Checks.

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_encryptable()]

    def _check_encryptable(self):
        refused = [
            name
            for name, on in (
                ("primary_key", self.primary_key),
                ("unique", self._unique),
                ("db_index", self.db_index),
                ("db_default", self.has_db_default()),
            )
            if on
        ]
        return [
            checks.Error(
                f"{type(self).__name__} cannot have {name}=…: the database only ever sees ciphertexts, and every "
                "encryption of a value differs (a db_default would be stored unencrypted).",
                hint="Put a unique or indexed blind index column (lib.crypto.blind_index) beside the field.",
                obj=self,
                id="lib.E001",
            )
            for name in refused
        ]


class EncryptedTextField(EncryptedField):
    """Free text of any length (an address, a note), edited in a text area; `max_length` is optional."""


class EncryptedCharField(EncryptedField):
    """A short text (a name, a document or phone number), edited in a one-line input; `max_length` is required."""

    description = _("Encrypted string (up to %(max_length)s characters)")

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not isinstance(self.max_length, int) or isinstance(self.max_length, bool) or self.max_length <= 0:
            errors.append(
                checks.Error(
                    "EncryptedCharField needs max_length, a positive integer (of plaintext characters).",
                    obj=self,
                    id="lib.E002",
                )
            )
        return errors

    def formfield(self, **kwargs):
        defaults = {"max_length": self.max_length}
        if self.null:
            defaults["empty_value"] = None
        # models.Field.formfield, not TextField's: a one-line input rather than a text area.
        return super(models.TextField, self).formfield(**{**defaults, **kwargs})


class EncryptedDateField(EncryptedField):
    """A date (of birth, say): a datetime.date in Python, an encrypted ISO date (YYYY-MM-DD) in the database.

    Use null=True with blank=True: an empty date is None.
    """

    description = _("Encrypted date")
    empty_value = None
    default_error_messages = {"invalid": _("Enter a valid date (YYYY-MM-DD).")}

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def to_text(self, value) -> str:
        return value.isoformat()

    def from_text(self, text: str):
        return datetime.date.fromisoformat(text)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.isoformat()

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{"form_class": forms.DateField, **kwargs})


class EncryptedJSONField(EncryptedField):
    """A JSON value (a structured address, say), encrypted as one JSON document. None is SQL NULL, not JSON null."""

    description = _("Encrypted JSON")
    empty_value = None
    empty_values = [None]  # as models.JSONField: {} and [] are values
    default_error_messages = {"invalid": _("Enter a value that can be written as JSON.")}

    def to_python(self, value):
        return value

    def to_text(self, value) -> str:
        try:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def from_text(self, text: str):
        return json.loads(text)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None:
            self.to_text(value)

    def value_to_string(self, obj):
        return self.value_from_object(obj)  # as models.JSONField: serializers write the object itself

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{"form_class": forms.JSONField, **kwargs})

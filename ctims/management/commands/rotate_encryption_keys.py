"""`manage.py rotate_encryption_keys`: re-encrypts every encrypted field value under the current (first) key."""

import argparse
import functools
import operator
from dataclasses import dataclass

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.functions import Cast

from lib import crypto
from lib.fields import EncryptedField

HELP = """\
Re-encrypts every value of every encrypted field (lib.fields) of every model under the FIRST key of
FIELD_ENCRYPTION_KEYS, model by model, one transaction per model. Values already under that key are left alone,
so the command can be run again after an interruption.

To rotate the encryption key:
  1. Make a new key:
       python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
  2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keeping the old key(s) after it, and restart CTIMS: new values are
     encrypted with the new key and old ones still decrypt.
  3. Run `manage.py rotate_encryption_keys` (with --dry-run first to see what it would do).
  4. Run `manage.py rotate_encryption_keys --dry-run` again: every model must show 0 values to re-encrypt.
  5. Remove the old key(s) from FIELD_ENCRYPTION_KEYS and restart CTIMS. Keep the old keys, offline, for as long
     as database backups made before the rotation are kept: those backups need them.

FIELD_HASH_KEY (blind indexes) is not rotated. Files encrypted with lib.crypto.encrypt_bytes() are not touched."""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's help layout, keeping the line breaks of the procedure above."""


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


@dataclass
class Counts:
    rotated: int = 0
    current: int = 0


def encrypted_models(registry=None) -> list[tuple[type[models.Model], list[EncryptedField]]]:
    """Every concrete model with encrypted columns in its own table, with those fields, by model label."""
    found = []
    for model in (registry or apps).get_models():
        if model._meta.proxy:
            continue
        # local_concrete_fields: a child model (multi-table inheritance) leaves its parent's columns to the parent.
        fields = [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedField)]
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


def raw_batches(model, fields, *, batch_size: int, using: str):
    """(pk, token, token…) rows with any of the fields set, batch by batch in pk order, tokens as stored."""
    # The ExpressionWrapper's plain TextField reads each column without the field's decryption.
    raw = {
        f"encrypted_raw_{i}": models.ExpressionWrapper(models.F(f.attname), models.TextField())
        for i, f in enumerate(fields)
    }
    any_set = functools.reduce(operator.or_, (models.Q(**{f"{f.attname}__isnull": False}) for f in fields))
    queryset = model._base_manager.using(using).filter(any_set).annotate(**raw).order_by("pk").values_list("pk", *raw)
    last = None
    while True:
        batch = list((queryset if last is None else queryset.filter(pk__gt=last))[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def rotated_tokens(model, fields, batch, counts: Counts) -> list[dict]:
    """For each field, {pk: the token re-encrypted under the current key} of the values that need it."""
    changes = [{} for _ in fields]
    for pk, *tokens in batch:
        for field, token, changed in zip(fields, tokens, changes, strict=True):
            if not token:
                continue
            if crypto.is_current(token):
                counts.current += 1
                continue
            try:
                changed[pk] = crypto.rotate(token)
            except crypto.DecryptionError:
                raise CommandError(
                    f"{model._meta.label}.{field.name}, row {pk}: no key in FIELD_ENCRYPTION_KEYS decrypts this "
                    f"value. Nothing of {model._meta.label} was changed; put the missing key back and run again."
                ) from None
            counts.rotated += 1
    return changes


def write_tokens(model, field, tokens: dict, *, using: str) -> None:
    """One UPDATE per field and batch, writing the tokens as they are (not through the field, which would encrypt)."""
    text = models.TextField()
    case = models.Case(
        *(models.When(pk=pk, then=models.Value(token, output_field=text)) for pk, token in tokens.items()),
        output_field=text,
    )
    model._base_manager.using(using).filter(pk__in=list(tokens)).update(**{field.name: Cast(case, text)})


def rotate_model(model, fields, *, batch_size: int, using: str, dry_run: bool, progress=None) -> Counts:
    counts = Counts()
    with transaction.atomic(using=using):
        for batch in raw_batches(model, fields, batch_size=batch_size, using=using):
            changes = rotated_tokens(model, fields, batch, counts)
            if not dry_run:
                for field, tokens in zip(fields, changes, strict=True):
                    if tokens:
                        write_tokens(model, field, tokens, using=using)
            if progress:
                progress(f"  {model._meta.label}: {len(batch):,} rows read, {counts.rotated:,} values so far")
    return counts


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=positive_int, default=500, help="Rows read and written at a time.")
        parser.add_argument("--dry-run", action="store_true", help="Count and check the values; change nothing.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to work on.")

    def handle(self, *args, **options):
        batch_size, dry_run, using = options["batch_size"], options["dry_run"], options["database"]
        found = encrypted_models()
        if not found:
            self.stdout.write("No model has an encrypted field: nothing to re-encrypt.")
            return
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        total = 0
        for model, fields in found:
            counts = rotate_model(model, fields, batch_size=batch_size, using=using, dry_run=dry_run, progress=progress)
            total += counts.rotated
            self.stdout.write(self.summary(model, counts, dry_run))
        done = "to re-encrypt (dry run: nothing was changed)" if dry_run else "re-encrypted"
        self.stdout.write(f"Total: {total:,} values {done}.")

    @staticmethod
    def summary(model, counts: Counts, dry_run: bool) -> str:
        """E.g. "cases.Person: 1,200 values re-encrypted (35 already under the current key)"."""
        line = f"{model._meta.label}: {counts.rotated:,} values {'to re-encrypt' if dry_run else 're-encrypted'}"
        if counts.current:
            line += f" ({counts.current:,} already under the current key)"
        return line

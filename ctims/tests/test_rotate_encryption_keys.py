import datetime
from io import StringIO
from unittest import mock

from cryptography.fernet import Fernet
from django.apps.registry import Apps
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import TransactionTestCase, override_settings

from ctims.management.commands import rotate_encryption_keys
from lib import crypto
from lib.fields import EncryptedCharField, EncryptedDateField

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
LOST = Fernet.generate_key().decode()
HASH_KEY = "a-hash-key-for-these-tests-only-0123456789"

# A registry of its own, so that these test models stay out of the project's apps: the command is pointed at it.
test_apps = Apps(["ctims"])


class Victim(models.Model):
    name = EncryptedCharField(max_length=100)
    birth_date = EncryptedDateField(null=True, blank=True)
    reference = models.CharField(max_length=20)  # not encrypted: left alone

    class Meta:
        app_label = "ctims"
        apps = test_apps
        db_table = "ctims_test_rotation_victim"

    def __str__(self):
        return self.reference


class ChildVictim(Victim):  # multi-table inheritance: its own table holds only its own fields
    guardian = EncryptedCharField(max_length=100, null=True)

    class Meta:
        app_label = "ctims"
        apps = test_apps
        db_table = "ctims_test_rotation_child"


class VictimProxy(Victim):
    class Meta:
        app_label = "ctims"
        apps = test_apps
        proxy = True


MODELS = (Victim, ChildVictim)


def stored(model, *columns) -> list[tuple]:
    """The columns as the database holds them, read with a plain SELECT, in primary key order."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
            f"ORDER BY {quote(model._meta.pk.column)}"
        )
        return cursor.fetchall()


def rotate(*args, stdout=None, **options) -> str:
    """Runs the command on the test models only."""
    out = stdout or StringIO()
    with mock.patch.object(rotate_encryption_keys, "apps", test_apps):
        call_command("rotate_encryption_keys", *args, stdout=out, **options)
    return out.getvalue()


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD], FIELD_HASH_KEY=HASH_KEY)
class RotateEncryptionKeysTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with connection.schema_editor() as editor:
            for model in MODELS:
                editor.create_model(model)
        cls.addClassCleanup(cls.drop_tables)

    @classmethod
    def drop_tables(cls):
        with connection.schema_editor() as editor:
            for model in reversed(MODELS):
                editor.delete_model(model)

    def setUp(self):
        # Plain SQL: the ORM's delete() would load (and decrypt) rows a test left encrypted with a lost key.
        with connection.cursor() as cursor:
            for model in reversed(MODELS):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    def create_old_rows(self):
        """7 victims (5 with a date of birth) and 2 children (1 with a guardian) encrypted with the old key."""
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            for i in range(7):
                Victim.objects.create(
                    name=f"Victim {i}", birth_date=datetime.date(1990, 1, i + 1) if i < 5 else None, reference=f"R{i}"
                )
            ChildVictim.objects.create(name="Child 0", reference="C0", guardian="Guardian 0")
            ChildVictim.objects.create(name="Child 1", reference="C1")

    def people(self):
        return [
            (victim.reference, victim.name, victim.birth_date) for victim in Victim.objects.order_by("reference")
        ], list(ChildVictim.objects.order_by("reference").values_list("guardian", flat=True))

    def test_it_finds_the_encrypted_fields_of_concrete_models(self):
        found = {
            model._meta.label: [field.name for field in fields]
            for model, fields in rotate_encryption_keys.encrypted_models(test_apps)
        }
        self.assertEqual(found, {"ctims.ChildVictim": ["guardian"], "ctims.Victim": ["name", "birth_date"]})

    def test_rotation_re_encrypts_every_value_under_the_new_key(self):
        self.create_old_rows()
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            before = self.people()
        raw_before = stored(Victim, "name", "birth_date", "reference")

        out = rotate(batch_size=3)

        self.assertIn("ctims.Victim: 14 values re-encrypted", out)  # 9 names (children included) and 5 dates
        self.assertIn("ctims.ChildVictim: 1 values re-encrypted", out)
        self.assertIn("Total: 15 values re-encrypted.", out)
        raw_after = stored(Victim, "name", "birth_date", "reference")
        for old_row, new_row in zip(raw_before, raw_after, strict=True):
            self.assertEqual(old_row[2], new_row[2])  # the plain column is untouched
            for old_token, new_token in zip(old_row[:2], new_row[:2], strict=True):
                if old_token is None:
                    self.assertIsNone(new_token)
                else:
                    self.assertNotEqual(old_token, new_token)
                    self.assertTrue(new_token.startswith(crypto.TOKEN_PREFIX))
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]):  # the old key is gone: everything still reads
            self.assertEqual(self.people(), before)

    def test_a_second_run_has_nothing_left_to_do(self):
        self.create_old_rows()
        rotate()
        raw = stored(Victim, "name", "birth_date")
        out = rotate(batch_size=2)
        self.assertIn("ctims.Victim: 0 values re-encrypted (14 already under the current key)", out)
        self.assertEqual(stored(Victim, "name", "birth_date"), raw)

    def test_a_dry_run_counts_but_changes_nothing(self):
        self.create_old_rows()
        raw = stored(Victim, "name", "birth_date"), stored(ChildVictim, "guardian")
        out = rotate("--dry-run")
        self.assertIn("ctims.Victim: 14 values to re-encrypt", out)
        self.assertIn("Total: 15 values to re-encrypt (dry run: nothing was changed).", out)
        self.assertEqual((stored(Victim, "name", "birth_date"), stored(ChildVictim, "guardian")), raw)
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]), self.assertRaises(crypto.DecryptionError):
            self.people()

    def test_a_value_no_key_decrypts_stops_the_model_and_changes_none_of_it(self):
        self.create_old_rows()
        with self.settings(FIELD_ENCRYPTION_KEYS=[LOST]):
            Victim.objects.create(name="Lost Name", reference="R9")  # last in pk order, after two written batches
        raw = stored(Victim, "name", "birth_date")
        out = StringIO()
        with self.assertRaises(CommandError) as caught:
            rotate(batch_size=2, stdout=out)
        message = str(caught.exception)
        self.assertIn("ctims.Victim.name, row", message)
        self.assertNotIn("Lost Name", message)
        self.assertNotIn(crypto.TOKEN_PREFIX, message)
        self.assertEqual(stored(Victim, "name", "birth_date"), raw)  # rolled back, written batches included
        self.assertIn("ctims.ChildVictim: 1 values re-encrypted", out.getvalue())  # the model before it is done
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(
                list(ChildVictim.objects.order_by("reference").values_list("guardian", flat=True)), ["Guardian 0", None]
            )

    def test_progress_per_batch_with_verbosity_2(self):
        self.create_old_rows()
        out = rotate(batch_size=4, verbosity=2)
        self.assertIn("ctims.Victim: 4 rows read", out)

    def test_the_batch_size_must_be_positive(self):
        with self.assertRaisesMessage(CommandError, "must be at least 1"):
            rotate("--batch-size=0")

    def test_the_help_explains_the_procedure(self):
        help_text = rotate_encryption_keys.Command.help
        for step in ("FIRST in FIELD_ENCRYPTION_KEYS", "keeping the old key", "--dry-run", "Remove the old key"):
            self.assertIn(step, help_text)

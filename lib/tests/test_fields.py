import datetime
import json

from cryptography.fernet import Fernet
from django import forms
from django.apps.registry import Apps
from django.core import checks, serializers
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.test.utils import isolate_apps

from lib import crypto
from lib.fields import (
    SEARCH_REFUSED,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedLookupError,
    EncryptedTextField,
)

KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()
HASH_KEY = "a-hash-key-for-these-tests-only-0123456789"
NAME = "Aysel Məmmədova"
BIRTH_DATE = datetime.date(1990, 5, 17)
ADDRESS = {"city": "Gəncə", "street": "Nizami küçəsi 12"}

# A registry of its own, so that the test model stays out of the project's apps (and of migrations and flushes).
test_apps = Apps(["ctims"])


class Person(models.Model):
    name = EncryptedCharField(max_length=40, blank=True)
    notes = EncryptedTextField(null=True, blank=True)
    birth_date = EncryptedDateField(null=True, blank=True)
    address = EncryptedJSONField(null=True, blank=True)

    class Meta:
        app_label = "ctims"
        apps = test_apps
        db_table = "ctims_test_encrypted_person"

    def __str__(self):
        return f"Person {self.pk}"  # never an identifier: this ends up in logs and audit entries


def stored(person) -> dict:
    """The row as the database holds it, read with a plain SELECT."""
    columns = ("name", "notes", "birth_date", "address")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(Person._meta.db_table)} WHERE id = %s",
            [person.pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY], FIELD_HASH_KEY=HASH_KEY)
class EncryptedFieldDatabaseTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with connection.schema_editor() as editor:
            editor.create_model(Person)
        cls.addClassCleanup(cls.drop_table)

    @classmethod
    def drop_table(cls):
        with connection.schema_editor() as editor:
            editor.delete_model(Person)

    def setUp(self):
        Person.objects.all().delete()

    def create(self, **values):
        return Person.objects.create(
            **{"name": NAME, "notes": "Met at the border post", "birth_date": BIRTH_DATE, "address": ADDRESS, **values}
        )

    def test_the_database_holds_no_plaintext(self):
        row = stored(self.create())
        for column, value in row.items():
            with self.subTest(column=column):
                self.assertTrue(value.startswith(crypto.TOKEN_PREFIX), column)
        dump = " ".join(row.values())
        for secret in ("Aysel", "border", "1990", "Gəncə", "Nizami"):
            self.assertNotIn(secret, dump)

    def test_the_orm_returns_the_plaintext(self):
        pk = self.create().pk
        person = Person.objects.get(pk=pk)
        self.assertEqual(person.name, NAME)
        self.assertEqual(person.notes, "Met at the border post")
        self.assertEqual(person.birth_date, BIRTH_DATE)
        self.assertEqual(person.address, ADDRESS)
        self.assertEqual(list(Person.objects.values_list("name", "birth_date")), [(NAME, BIRTH_DATE)])

    def test_none_is_null_and_blank_text_is_encrypted(self):
        person = self.create(name="", notes=None, birth_date=None, address=None)
        row = stored(person)
        self.assertTrue(row["name"].startswith(crypto.TOKEN_PREFIX))
        self.assertEqual((row["notes"], row["birth_date"], row["address"]), (None, None, None))
        person.refresh_from_db()
        self.assertEqual((person.name, person.notes, person.birth_date, person.address), ("", None, None, None))

    def test_updates_and_bulk_writes_are_encrypted_too(self):
        person = self.create()
        person.name = "Leyla Əliyeva"
        person.save(update_fields=["name"])
        Person.objects.filter(pk=person.pk).update(notes="Moved to a shelter")
        Person.objects.bulk_create([Person(name="Nigar Hüseynova", birth_date=datetime.date(2001, 2, 3))])
        people = list(Person.objects.order_by("pk"))
        people[1].name = "Nigar Hüseynli"
        Person.objects.bulk_update(people, ["name"])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT name, notes, birth_date FROM {connection.ops.quote_name(Person._meta.db_table)}")
            values = [value for row in cursor.fetchall() for value in row if value is not None]
        self.assertEqual(len(values), 5)
        for value in values:
            self.assertTrue(value.startswith(crypto.TOKEN_PREFIX))
        self.assertEqual(
            list(Person.objects.order_by("pk").values_list("name", "notes")),
            [("Leyla Əliyeva", "Moved to a shelter"), ("Nigar Hüseynli", None)],
        )

    def test_searching_is_refused_with_a_clear_error(self):
        self.create()
        attempts = {
            "exact": lambda: Person.objects.filter(name=NAME),
            "iexact": lambda: Person.objects.filter(name__iexact=NAME),
            "icontains": lambda: Person.objects.filter(name__icontains="Aysel"),
            "in": lambda: Person.objects.filter(name__in=[NAME]),
            "gte": lambda: Person.objects.filter(birth_date__gte=BIRTH_DATE),
            "exclude": lambda: Person.objects.exclude(notes="x"),
            "transform": lambda: Person.objects.filter(name__lower="aysel"),
            "json key": lambda: Person.objects.filter(address__city="Gəncə"),
            "get_or_create": lambda: Person.objects.get_or_create(name=NAME),
        }
        for attempt, query in attempts.items():
            with self.subTest(attempt=attempt), self.assertRaises(EncryptedLookupError) as caught:
                query()
            message = str(caught.exception)
            self.assertIn(SEARCH_REFUSED, message)
            self.assertIn("ctims.Person.", message)
            for secret in ("Aysel", "1990", "Gəncə"):
                self.assertNotIn(secret, message)
        self.assertIsInstance(caught.exception, FieldError)

    def test_isnull_works(self):
        with_date = self.create()
        without_date = self.create(birth_date=None)
        self.assertEqual(list(Person.objects.filter(birth_date__isnull=True)), [without_date])
        self.assertEqual(list(Person.objects.filter(birth_date__isnull=False)), [with_date])
        self.assertEqual(list(Person.objects.filter(birth_date=None)), [without_date])
        self.assertEqual(list(Person.objects.exclude(birth_date=None)), [with_date])

    def test_a_value_encrypted_with_a_removed_key_names_the_field_not_the_value(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
            pk = self.create().pk
        with self.assertRaises(crypto.DecryptionError) as caught:
            Person.objects.get(pk=pk)
        message = str(caught.exception)
        self.assertIn("ctims.Person.name", message)
        self.assertNotIn("Aysel", message)
        self.assertNotIn(crypto.TOKEN_PREFIX, message)


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY], FIELD_HASH_KEY=HASH_KEY)
class EncryptedFieldTests(SimpleTestCase):
    def test_max_length_limits_the_plaintext_in_full_clean(self):
        person = Person(name="x" * 41)
        with self.assertRaises(ValidationError) as caught:
            person.full_clean()
        self.assertIn("name", caught.exception.message_dict)
        Person(name="x" * 40).full_clean()  # 40 characters, however long the token

    def test_validation_errors_do_not_repeat_the_value(self):
        with self.assertRaises(ValidationError) as caught:
            Person(name=NAME, birth_date="1990-17-05").full_clean()
        self.assertNotIn("1990", str(caught.exception))
        self.assertEqual(list(caught.exception.message_dict), ["birth_date"])

    def test_choices_errors_do_not_repeat_the_value(self):
        field = EncryptedCharField(max_length=10, choices=[("F", "female"), ("M", "male")])
        with self.assertRaises(ValidationError) as caught:
            field.clean("Secret", None)
        self.assertNotIn("Secret", str(caught.exception))

    def test_dates_accept_dates_datetimes_and_iso_strings(self):
        field = Person._meta.get_field("birth_date")
        for value in (BIRTH_DATE, datetime.datetime(1990, 5, 17, 23, 59), "1990-05-17", " 1990-05-17 "):
            with self.subTest(value=value):
                self.assertEqual(field.to_python(value), BIRTH_DATE)
        self.assertIsNone(field.to_python(""))

    def test_json_values_must_be_json(self):
        with self.assertRaises(ValidationError) as caught:
            Person(name=NAME, address={"since": BIRTH_DATE}).full_clean()
        self.assertEqual(list(caught.exception.message_dict), ["address"])
        Person(name=NAME, address={}).full_clean()  # an empty object is a value, not a blank

    def test_form_fields(self):
        name = Person._meta.get_field("name").formfield()
        self.assertIsInstance(name, forms.CharField)
        self.assertIsInstance(name.widget, forms.TextInput)
        self.assertEqual(name.max_length, 40)
        self.assertIsInstance(Person._meta.get_field("notes").formfield().widget, forms.Textarea)
        self.assertIsInstance(Person._meta.get_field("birth_date").formfield(), forms.DateField)
        self.assertIsInstance(Person._meta.get_field("address").formfield(), forms.JSONField)

    def test_serializers_write_the_python_values(self):
        person = Person(pk=1, name=NAME, birth_date=BIRTH_DATE, address=ADDRESS)
        written = json.loads(serializers.serialize("json", [person]))[0]["fields"]
        self.assertEqual(written, {"name": NAME, "notes": None, "birth_date": "1990-05-17", "address": ADDRESS})
        for name, value in written.items():  # what loaddata does with each value
            with self.subTest(field=name):
                self.assertEqual(Person._meta.get_field(name).to_python(value), getattr(person, name))

    def test_fields_deconstruct_for_migrations(self):
        for name, path, kwargs in (
            ("name", "lib.fields.EncryptedCharField", {"max_length": 40, "blank": True}),
            ("notes", "lib.fields.EncryptedTextField", {"null": True, "blank": True}),
            ("birth_date", "lib.fields.EncryptedDateField", {"null": True, "blank": True}),
            ("address", "lib.fields.EncryptedJSONField", {"null": True, "blank": True}),
        ):
            with self.subTest(field=name):
                field = Person._meta.get_field(name)
                self.assertEqual(field.deconstruct(), (name, path, [], kwargs))
                self.assertEqual(type(field)(**kwargs).deconstruct()[1:], (path, [], kwargs))
                code, imports = MigrationWriter.serialize(field)
                self.assertTrue(code.startswith(path + "("), code)
                self.assertIn("import lib.fields", imports)

    def test_the_field_repr_names_the_field(self):
        self.assertEqual(repr(Person._meta.get_field("name")), "<lib.fields.EncryptedCharField: name>")

    @isolate_apps("ctims")
    def test_unique_indexed_and_primary_key_fields_are_refused_by_the_checks(self):
        class Refused(models.Model):
            unique = EncryptedCharField(max_length=10, unique=True)
            indexed = EncryptedTextField(db_index=True)
            key = EncryptedCharField(max_length=10, primary_key=True)
            defaulted = EncryptedDateField(db_default=models.Value("2000-01-01"), null=True)
            fine = EncryptedTextField()

            class Meta:
                app_label = "ctims"

            def __str__(self):
                return str(self.pk)

        errors = {
            name: [error.id for error in Refused._meta.get_field(name).check() if isinstance(error, checks.Error)]
            for name in ("unique", "indexed", "key", "defaulted", "fine")
        }
        self.assertEqual(
            errors,
            {
                "unique": ["lib.E001"],
                "indexed": ["lib.E001"],
                "key": ["lib.E001"],
                "defaulted": ["lib.E001"],
                "fine": [],
            },
        )

    @isolate_apps("ctims")
    def test_encrypted_char_fields_need_a_max_length(self):
        class NoLength(models.Model):
            name = EncryptedCharField()

            class Meta:
                app_label = "ctims"

            def __str__(self):
                return str(self.pk)

        self.assertEqual([error.id for error in NoLength._meta.get_field("name").check()], ["lib.E002"])

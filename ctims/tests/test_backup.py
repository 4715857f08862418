"""`manage.py backup` and `manage.py restore`, on the database the suite runs on (SQLite or PostgreSQL).

pg_dump sees only committed rows, so these are transactional tests; Django empties the database after each one.
"""

import base64
import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from io import StringIO
from itertools import count
from pathlib import Path
from unittest import mock

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.storage import storages as django_storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from accounts.roles import Role
from audit.models import AuditEvent, AuditHead
from audit.services import event_record
from audit.testing import AuditFlushMixin
from audit.verify import verify_chain
from cases.models import Person
from cases.services import case_create
from ctims import backup
from ctims.testing import make_user
from monitoring.models import ReportAttachment
from monitoring.services import attachment_add, attachment_remove, round_open
from organisations.models import Organisation
from plans.models import Direction, Measure, Participation, Plan

KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()
GIVEN_NAME, FAMILY_NAME = "Günel", "Zeynalova-Əliyeva"
ATTACHMENT_NAME = "minutes-of-the-working-group-on-shelters.pdf"
MARKER = b"Evidence marker 7f3a: the shelter inspection report, page one."
# Over one chunk, so that an archive has several and one can be dropped from its end.
EVIDENCE = b"%PDF-1.4\n" + MARKER + os.urandom(backup.CHUNK_SIZE + 200_000)
AUDIT_TABLES = {"audit_auditevent", "audit_audithead"}
serial = count()


@dataclass
class Data:
    person_pk: int
    attachment: ReportAttachment
    focal_point: object


def build_data() -> Data:
    """A case with encrypted identifiers, a progress report with an evidence file, and their audit events; made through
    the services, as people make them."""
    n = next(serial)
    ministry = Organisation.objects.create(name=f"Ministry of Internal Affairs {n}", kind="ministry")
    ngo = Organisation.objects.create(name=f"Hope Support Union {n}", kind="ngo")
    coordinator = make_user(f"alice{n}", Organisation.objects.create(name=f"Coordinator {n}"), Role.COORDINATOR)
    focal_point = make_user(f"bob{n}", ministry, Role.FOCAL_POINT)
    case_worker = make_user(f"carol{n}", ngo, Role.CASE_WORKER)
    case = case_create(
        actor=case_worker,
        person={"given_name": GIVEN_NAME, "family_name": FAMILY_NAME, "sex": "female", "year_of_birth": 1998},
        source="ngo",
        exploitation_forms=["forced_labour"],
    )
    event_record(actor=case_worker, action="case.read", obj=case)
    plan = Plan.objects.create(title=f"National Action Plan {n}", country="Azerbaijan", start_year=2014, end_year=2018)
    direction = Direction.objects.create(plan=plan, number="13.1", title="Coordination")
    measure = Measure.objects.create(plan=plan, direction=direction, number="13.1.1", text="Shelters", recurring=True)
    Participation.objects.create(measure=measure, organisation=ministry, role=Participation.Role.EXECUTOR)
    reporting_round = round_open(
        plan=plan,
        period_type="year",
        year=2015,
        period_number=1,
        opens_on=datetime.date(2016, 1, 10),
        due_on=datetime.date(2016, 2, 15),
        actor=coordinator,
    )
    report = reporting_round.reports.get()
    attachment = attachment_add(report=report, upload=SimpleUploadedFile(ATTACHMENT_NAME, EVIDENCE), actor=focal_point)
    return Data(person_pk=case.person_id, attachment=attachment, focal_point=focal_point)


def table_digests(where: dict[str, str] | None = None) -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows in primary key order)} for every table of the database."""
    where = where or {}
    quote = connection.ops.quote_name
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            key = connection.introspection.get_primary_key_columns(cursor, table)
            condition = f" WHERE {where[table]}" if table in where else ""
            cursor.execute(f"SELECT * FROM {quote(table)}{condition} ORDER BY {', '.join(map(quote, key))}")
            rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
            digests[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return digests


def file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


class BackupTestCase(AuditFlushMixin, TransactionTestCase):
    """PRIVATE_MEDIA_ROOT in a folder of its own; archives are written beside it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="ctims-backup-test-"))
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.media, cls.archives = cls.folder / "private", cls.folder / "archives"
        cls.media.mkdir()
        cls.archives.mkdir()
        storages = settings.STORAGES | {
            "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(cls.media), "base_url": None}}
        }
        cls.enterClassContext(override_settings(PRIVATE_MEDIA_ROOT=cls.media, STORAGES=storages, BACKUP_KEY=KEY))
        # A FileField calls its storage callable once, when the model is defined: point it at the storage just made.
        field = ReportAttachment._meta.get_field("file")
        cls.enterClassContext(mock.patch.object(field, "storage", django_storages["private"]))

    def setUp(self):
        # Django empties the database after each test; these folders are emptied here.
        for folder in (self.media, self.archives):
            shutil.rmtree(folder)
            folder.mkdir()

    @classmethod
    def back_up(cls) -> tuple[Path, str]:
        out = StringIO()
        call_command("backup", str(cls.archives), stdout=out)
        newest = max(cls.archives.glob("ctims-*.backup"), key=lambda path: path.stat().st_mtime_ns)
        return newest, out.getvalue()

    def state(self):
        return table_digests(), file_digests(self.media)

    def leftovers(self) -> list[str]:
        """Temporary folders and files of a backup or a restore that are still there."""
        return sorted(path.name for path in self.folder.rglob(".ctims-*"))


class RoundTripTests(BackupTestCase):
    def test_a_restore_brings_back_every_row_and_every_file_as_they_were_at_the_backup(self):
        data = build_data()
        tables, files = self.state()
        last_event = AuditHead.objects.get().sequence
        archive, backup_output = self.back_up()
        # Recorded once the archive is written, so not in it.
        recorded = AuditEvent.objects.get(sequence=last_event + 1)
        self.assertEqual((recorded.action, recorded.details["archive"]), ("backup.create", archive.name))
        self.assertEqual((recorded.details["tables"], recorded.details["files"]), (len(tables), 1))

        person = Person.objects.get(pk=data.person_pk)
        person.given_name = "Changed"
        person.save()
        attachment_remove(attachment=data.attachment, actor=data.focal_point)
        build_data()
        (self.media / "reports" / "stray.pdf").write_bytes(b"%PDF-1.4 not in the backup")
        self.assertNotEqual(self.state(), (tables, files))
        replaced_head = AuditHead.objects.get()

        out = StringIO()
        call_command("restore", str(archive), "--yes", stdout=out)

        restored = table_digests(where={"audit_auditevent": f"sequence <= {last_event}"})
        self.assertEqual(set(restored), set(tables))
        for table in sorted(set(tables) - {"audit_audithead"}):
            self.assertEqual(restored[table], tables[table], table)
        self.assertEqual(file_digests(self.media), files)
        self.assertEqual(Person.objects.get(pk=data.person_pk).given_name, GIVEN_NAME)
        self.assertEqual(Person.objects.get(pk=data.person_pk).family_name, FAMILY_NAME)
        # The trail is the one of the backup, plus one event: the restore, chained to it.
        self.assertEqual(AuditEvent.objects.count(), tables["audit_auditevent"][0] + 1)
        restore_event = AuditEvent.objects.get(sequence=last_event + 1)
        self.assertEqual(restore_event.action, "backup.restore")
        self.assertEqual(restore_event.details["rows"], sum(count for count, _ in tables.values()))
        # …and names the end of the trail it replaced: the events recorded after the backup.
        self.assertEqual(restore_event.details["replaced_last_event"], replaced_head.sequence)
        self.assertEqual(restore_event.details["replaced_last_hash"], replaced_head.hash)
        self.assertTrue(verify_chain().ok, verify_chain().problems)
        with (
            self.assertRaisesMessage(IntegrityError, "append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent")  # the trail's triggers came back with the tables
        self.assertIn(f"Audit event {last_event + 1} records the restore.", out.getvalue())
        self.assertEqual(self.leftovers(), [])
        for output in (backup_output, out.getvalue()):
            self.assertNotIn(GIVEN_NAME, output)
            self.assertNotIn(FAMILY_NAME, output)

    def test_the_archive_holds_no_plaintext_of_identifiers_records_or_files(self):
        build_data()
        archive, output = self.back_up()
        content = archive.read_bytes()
        for plaintext in (GIVEN_NAME, FAMILY_NAME, ATTACHMENT_NAME, "Hope Support Union", "manifest.json"):
            self.assertNotIn(plaintext.encode(), content, plaintext)
        self.assertNotIn(MARKER, content)
        self.assertNotIn(EVIDENCE[500_000:500_064], content)
        self.assertEqual(archive.stat().st_mode & 0o777, 0o600)
        self.assertEqual(self.leftovers(), [])
        self.assertIn(f"Archive: {archive}", output)


class RestoreRefusalTests(BackupTestCase):
    """One archive for the class; before each test the database and the files change, so that a restore that should
    not have happened would show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_data()
        made, _ = cls.back_up()
        cls.archive = made.rename(cls.folder / made.name)

    def setUp(self):
        super().setUp()
        Organisation.objects.create(name=f"Registered after the backup {next(serial)}")
        (self.media / "after-the-backup.pdf").write_bytes(b"%PDF-1.4 made after the backup")

    def copy(self, name: str, content: bytes) -> Path:
        path = self.archives / name
        path.write_bytes(content)
        return path

    def flipped(self) -> tuple[Path, str]:
        """The archive with one bit changed in its middle, and the message naming the chunk that holds it."""
        content = bytearray(self.archive.read_bytes())
        middle = len(content) // 2
        content[middle] ^= 0x01
        chunk = (middle - backup.HEADER_SIZE) // (backup.CHUNK_SIZE + backup.TAG_SIZE) + 1
        return self.copy("flipped.backup", bytes(content)), backup.DAMAGED.format(chunk=chunk)

    def truncated(self) -> Path:
        """The archive without its last chunk (it has more than one)."""
        content = self.archive.read_bytes()
        sealed = backup.CHUNK_SIZE + backup.TAG_SIZE
        chunks, rest = divmod(len(content) - backup.HEADER_SIZE, sealed)
        self.assertGreaterEqual(chunks, 1)
        return self.copy("truncated.backup", content[: len(content) - (rest or sealed)])

    def from_a_later_release(self) -> Path:
        later = self.archives / "later.backup"
        with self.archive.open("rb") as source, later.open("wb") as target:
            repack(source, target, migrations=[["cases", "9999_from_a_later_version"]])
        return later

    def assertRefusedAndUntouched(self, archive: Path, message, *args) -> None:
        before = self.state()
        with self.assertRaisesMessage(CommandError, str(message)):
            call_command("restore", str(archive), *args, stdout=StringIO())
        self.assertEqual(self.state(), before)
        self.assertEqual(self.leftovers(), [])

    def test_an_archive_that_fails_a_check_is_refused_and_nothing_changes(self):
        # One test for the four, as each costs a database flush: subtests keep them apart.
        flipped, damaged = self.flipped()
        refusals = {
            "another key": (self.archive, backup.WRONG_KEY, OTHER_KEY),
            "one flipped byte": (flipped, damaged, KEY),
            "last chunk dropped": (self.truncated(), backup.TRUNCATED, KEY),
            "other migrations": (
                self.from_a_later_release(),
                backup.OTHER_MIGRATIONS.format(missing=0, unknown=1),
                KEY,
            ),
        }
        for case, (archive, message, key) in refusals.items():
            with self.subTest(case), self.settings(BACKUP_KEY=key):
                self.assertRefusedAndUntouched(archive, message, "--yes")

    def test_answering_no_cancels_and_nothing_changes(self):
        with mock.patch("builtins.input", return_value="no") as asked:
            self.assertRefusedAndUntouched(self.archive, "Restore cancelled: nothing was changed.")
        self.assertIn("Type 'yes' to restore", asked.call_args.args[0])

    def test_check_only_reads_the_whole_archive_and_changes_nothing(self):
        before = self.state()
        out = StringIO()
        call_command("restore", str(self.archive), "--check", stdout=out)
        self.assertIn(f"Archive {self.archive} is intact: every part authenticated", out.getvalue())
        self.assertEqual(self.state(), before)
        self.assertEqual(self.leftovers(), [])


def repack(source, target, *, migrations: list) -> None:
    """Re-encrypts the archive read from `source` into `target` with the same key, adding `migrations` to its
    manifest: what a backup made by a later version of CTIMS looks like."""
    key = backup.backup_key()
    reader, writer = backup.DecryptingReader(source, key), backup.EncryptingWriter(target, key)
    with (
        tarfile.open(fileobj=reader, mode="r|") as old,
        tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as new,
    ):
        for member in old:
            data = old.extractfile(member).read()
            if member.name == backup.MANIFEST:
                manifest = json.loads(data)
                manifest["migrations"] += migrations
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    reader.read_to_end()
    writer.finish()


class ArchiveFormatTests(SimpleTestCase):
    """The encryption layer alone, with small chunks, so that archives of several chunks cost nothing."""

    key = base64.urlsafe_b64decode(KEY)
    chunk = 1024

    def sealed(self, plaintext: bytes) -> bytes:
        out = io.BytesIO()
        writer = backup.EncryptingWriter(out, self.key, chunk_size=self.chunk)
        writer.write(plaintext)
        writer.finish()
        return out.getvalue()

    def opened(self, archive: bytes, key: bytes | None = None) -> bytes:
        reader = backup.DecryptingReader(io.BytesIO(archive), key or self.key)
        data = reader.read()
        reader.read_to_end()
        return data

    def chunks(self, archive: bytes) -> list[bytes]:
        body, size = archive[backup.HEADER_SIZE :], self.chunk + backup.TAG_SIZE
        return [body[i : i + size] for i in range(0, len(body), size)]

    def test_any_length_comes_back_as_it_was_even_an_exact_number_of_chunks(self):
        for length in (0, 1, self.chunk - 1, self.chunk, self.chunk + 1, 3 * self.chunk):
            with self.subTest(length=length):
                plaintext = os.urandom(length)
                self.assertEqual(self.opened(self.sealed(plaintext)), plaintext)

    def test_two_archives_of_the_same_content_differ(self):
        self.assertNotEqual(self.sealed(b"same"), self.sealed(b"same"))

    def test_chunks_dropped_from_the_end_are_noticed(self):
        archive = self.sealed(os.urandom(3 * self.chunk + 10))
        chunks = self.chunks(archive)
        for kept in range(len(chunks)):
            with self.subTest(kept=kept), self.assertRaisesMessage(backup.BackupError, str(backup.TRUNCATED)):
                self.opened(archive[: backup.HEADER_SIZE] + b"".join(chunks[:kept]))

    def test_chunks_swapped_or_appended_are_noticed(self):
        archive = self.sealed(os.urandom(3 * self.chunk + 10))
        header, chunks = archive[: backup.HEADER_SIZE], self.chunks(archive)
        swapped = header + chunks[1] + chunks[0] + b"".join(chunks[2:])
        appended = archive + chunks[1]
        for altered, chunk in ((swapped, 1), (appended, len(chunks))):
            with self.assertRaisesMessage(backup.BackupError, str(backup.DAMAGED.format(chunk=chunk))):
                self.opened(altered)

    def test_another_key_is_told_apart_from_damage(self):
        with self.assertRaisesMessage(backup.BackupError, str(backup.WRONG_KEY)):
            self.opened(self.sealed(b"content"), key=base64.urlsafe_b64decode(OTHER_KEY))

    def test_a_file_that_is_not_an_archive_is_refused(self):
        with self.assertRaisesMessage(backup.BackupError, str(backup.NOT_AN_ARCHIVE)):
            self.opened(b"PK\x03\x04 a zip file, say")

    def test_a_backup_key_that_is_not_32_bytes_of_base64_is_refused(self):
        for value in ("too-short", "not base64 at all!!", base64.urlsafe_b64encode(os.urandom(31)).decode()):
            with (
                self.subTest(value=value),
                self.settings(BACKUP_KEY=value),
                self.assertRaisesMessage(backup.BackupError, str(backup.KEY_INVALID)),
            ):
                backup.backup_key()
        with self.settings(BACKUP_KEY=""), self.assertRaisesMessage(backup.BackupError, str(backup.KEY_MISSING)):
            backup.backup_key()

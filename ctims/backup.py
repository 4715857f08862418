"""Encrypted backups of the database and the uploaded files: `manage.py backup` writes one, `manage.py restore`
brings one back.

An archive is a tar stream encrypted as it is written. It holds the database as its own tools dump it (SQLite: the
online backup API; PostgreSQL: `pg_dump --format=custom`), every file under PRIVATE_MEDIA_ROOT (evidence
attachments) and, last, manifest.json: when it was taken, the database vendor, the applied migrations, the row
count of every table and the SHA-256 of every other file in the archive.

The format, for anyone who has to read an archive with other tools:

    header   = b"CTIMSBAK" | version (1 byte, 1) | chunk size (4 bytes, big-endian) | salt (16) | nonce prefix (4)
               | key check (32)
    keys     = HKDF-SHA256(BACKUP_KEY's 32 bytes, salt, info=b"ctims backup 1"), 64 bytes: the AES-256 key, then
               the key check stored in the header (a wrong key is told apart from a damaged archive)
    chunk i  = AES-256-GCM(key, nonce = prefix | i (8 bytes, big-endian), plaintext,
                           associated data = header | i (8 bytes, big-endian) | last (1 byte, 1 or 0))

Every chunk holds `chunk size` bytes of plaintext (1 MiB), except the last, which holds the rest (possibly nothing)
and is the only one sealed with last = 1. So a chunk altered, moved, dropped from the end or appended does not
authenticate, and a restore notices before it changes anything.

Plaintext touches the disk only inside private temporary directories (mode 0700) that are removed afterwards: the
database dump while it is copied into the archive (a folder in the target directory), and the decrypted content
while a restore checks it (a folder beside PRIVATE_MEDIA_ROOT, whose files then become PRIVATE_MEDIA_ROOT). A run
that is killed can leave such a `.ctims-backup-…` or `.ctims-restore-…` folder behind: delete it.
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import HEAD_ID, ZERO_HASH, AuditHead
from audit.services import event_record

KEY_MISSING = _("BACKUP_KEY is not set: backups are encrypted with it (see .env.example).")
KEY_INVALID = _(
    "BACKUP_KEY must be 32 url-safe base64-encoded bytes. Make one with: "
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
IN_TRANSACTION = _("A backup or a restore must run outside a database transaction.")
NOT_A_DIRECTORY = _("{directory} is not a directory.")
ARCHIVE_EXISTS = _("{path} already exists.")
CANNOT_READ = _("Cannot read {path}: {reason}.")
NOT_AN_ARCHIVE = _("This is not a CTIMS backup archive. Nothing was changed.")
UNKNOWN_VERSION = _("This archive has format version {version}, which this version of CTIMS cannot read.")
WRONG_KEY = _(
    "BACKUP_KEY does not open this archive: it was encrypted with another key, or its header is damaged. "
    "Nothing was changed."
)
DAMAGED = _("The archive is damaged or was altered: part {chunk} does not authenticate. Nothing was changed.")
TRUNCATED = _("The archive is incomplete: it ends before its last part. Nothing was changed.")
CONTENT_INVALID = _("The archive's content is not what CTIMS writes ({problem}). Nothing was changed.")
CHECKSUMS_DIFFER = _("{count} files of the archive do not match the SHA-256 in its manifest. Nothing was changed.")
OTHER_VENDOR = _("The archive holds a {archive} database, but CTIMS runs on {database}. Nothing was changed.")
OTHER_MIGRATIONS = _(
    "The archive was made by another version of CTIMS: {missing} migrations of this version are not in it and "
    "{unknown} of its migrations are unknown here. Restore it with the version that made it. Nothing was changed."
)
UNMIGRATED = _(
    "The database lacks {missing} migrations of this version of CTIMS and has {unknown} unknown to it: "
    "only this same state can restore the archive."
)
MEDIA_NOT_SWAPPABLE = _(
    "PRIVATE_MEDIA_ROOT ({root}) must be a directory, not a link or a mount point, in a folder CTIMS can write to: "
    "the restored files are unpacked beside it, then swapped in. Nothing was changed."
)
TOOL_MISSING = _("{tool} is neither on PATH nor in {directory}: install PostgreSQL 15's client programs.")
TOOL_FAILED = _("{tool} failed with exit status {status}: {message}")
COUNTS_DIFFER = _("The restored database does not have the archive's row counts, in tables: {tables}.")
COUNTS = _("tables: {tables}, rows: {rows}, uploaded files: {files}")
SKIPPED_FILES = _("{count} entries under PRIVATE_MEDIA_ROOT are not regular files (links?) and were left out.")

PROBLEM_MEMBER = _("an unexpected entry")
PROBLEM_TWICE = _("an entry twice")
PROBLEM_MANIFEST = _("no readable manifest")
PROBLEM_DATABASE = _("the database copy does not check")

MAGIC = b"CTIMSBAK"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
PREFIX_SIZE = 4
CHECK_SIZE = 32
HEADER_SIZE = len(MAGIC) + 1 + 4 + SALT_SIZE + PREFIX_SIZE + CHECK_SIZE
KDF_INFO = b"ctims backup 1"
# A header naming a chunk size outside these bounds is damaged or hostile: it must not decide how much memory is used.
CHUNK_SIZES = range(1024, 64 * 1024 * 1024 + 1)

MANIFEST = "manifest.json"
DATABASE_DIR = "database"
FILES_DIR = "files"
DUMP_NAMES = {"sqlite": f"{DATABASE_DIR}/ctims.sqlite3", "postgresql": f"{DATABASE_DIR}/ctims.pgdump"}
PGBIN = Path("/usr/lib/postgresql/15/bin")
COPY_BLOCK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be written, or an archive cannot be restored; the message says why (and never names a
    person)."""


# Key --------------------------------------------------------------------------------------------------------------


def backup_key() -> bytes:
    """settings.BACKUP_KEY's 32 bytes."""
    value = getattr(settings, "BACKUP_KEY", None)
    if not value:
        raise BackupError(KEY_MISSING)
    try:
        key = base64.b64decode(value, altchars=b"-_", validate=True)
    except (ValueError, TypeError):
        raise BackupError(KEY_INVALID) from None
    if len(key) != 32:
        raise BackupError(KEY_INVALID)
    return key


def _derive(key: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    """The archive's own AES key (a fresh salt per archive, so nonces never repeat under one key) and key check."""
    derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=KDF_INFO).derive(key)
    return AESGCM(derived[:32]), derived[32:]


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(8, "big")


def _associated(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


# Encryption -------------------------------------------------------------------------------------------------------


class EncryptingWriter:
    """A write-only file that encrypts what is written to `raw` chunk by chunk; finish() seals the last chunk."""

    def __init__(self, raw, key: bytes, chunk_size: int = CHUNK_SIZE):
        salt, self._prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
        self._aes, check = _derive(key, salt)
        self._header = MAGIC + bytes([VERSION]) + chunk_size.to_bytes(4, "big") + salt + self._prefix + check
        self._raw, self._chunk_size = raw, chunk_size
        self._buffer = bytearray()
        self._index = 0
        raw.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        # Strictly more than a chunk: the chunk that ends the stream must still be here when finish() seals it.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index)
        self._raw.write(self._aes.encrypt(nonce, plaintext, _associated(self._header, self._index, last)))
        self._index += 1


class DecryptingReader:
    """A read-only file of the plaintext of an archive read from `raw`. Every chunk is authenticated before any of
    its bytes are returned; read_to_end() authenticates the rest, so a truncated archive is always noticed."""

    def __init__(self, raw, key: bytes):
        self._raw = raw
        header = _read_exactly(raw, HEADER_SIZE)
        if len(header) < len(MAGIC) + 1 or header[: len(MAGIC)] != MAGIC:
            raise BackupError(NOT_AN_ARCHIVE)
        if header[len(MAGIC)] != VERSION:
            raise BackupError(UNKNOWN_VERSION.format(version=header[len(MAGIC)]))
        if len(header) < HEADER_SIZE:
            raise BackupError(TRUNCATED)
        fields = header[len(MAGIC) + 1 :]
        chunk_size = int.from_bytes(fields[:4], "big")
        salt = fields[4 : 4 + SALT_SIZE]
        self._prefix = fields[4 + SALT_SIZE : 4 + SALT_SIZE + PREFIX_SIZE]
        self._aes, check = _derive(key, salt)
        if not hmac.compare_digest(check, fields[-CHECK_SIZE:]):
            raise BackupError(WRONG_KEY)
        if chunk_size not in CHUNK_SIZES:
            raise BackupError(NOT_AN_ARCHIVE)
        self._header, self._sealed_size = header, chunk_size + TAG_SIZE
        self._index = 0
        self._buffer = bytearray()
        self._ended = False
        self._next = _read_exactly(raw, self._sealed_size)  # one chunk ahead: a chunk is last when nothing follows

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            self._buffer += self._open_next()
        size = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read_to_end(self) -> None:
        while not self._ended:
            self._open_next()

    def _open_next(self) -> bytes:
        sealed = self._next
        if len(sealed) < TAG_SIZE:
            raise BackupError(TRUNCATED)
        self._next = _read_exactly(self._raw, self._sealed_size) if len(sealed) == self._sealed_size else b""
        last = not self._next
        try:
            plaintext = self._open(sealed, last=last)
        except InvalidTag:
            if last and self._opens(sealed, last=False):
                raise BackupError(TRUNCATED) from None
            raise BackupError(DAMAGED.format(chunk=self._index + 1)) from None
        self._index += 1
        self._ended = last
        return plaintext

    def _open(self, sealed: bytes, *, last: bool) -> bytes:
        nonce = _nonce(self._prefix, self._index)
        return self._aes.decrypt(nonce, sealed, _associated(self._header, self._index, last))

    def _opens(self, sealed: bytes, *, last: bool) -> bool:
        try:
            self._open(sealed, last=last)
        except InvalidTag:
            return False
        return True


def _read_exactly(raw, size: int) -> bytes:
    """`size` bytes, or fewer only at the end of the file."""
    data = bytearray()
    while len(data) < size:
        block = raw.read(size - len(data))
        if not block:
            break
        data += block
    return bytes(data)


# The archive's content --------------------------------------------------------------------------------------------


@dataclass
class DatabaseState:
    tables: dict[str, int]
    migrations: list[tuple[str, str]]


@dataclass
class Manifest:
    created_at: str
    vendor: str
    migrations: list[tuple[str, str]]
    tables: dict[str, int]
    files: dict[str, str]  # name in the archive → SHA-256, for the database dump and every uploaded file

    @property
    def database(self) -> str:
        return DUMP_NAMES[self.vendor]

    def to_json(self) -> bytes:
        content = {
            "format": VERSION,
            "created_at": self.created_at,
            "vendor": self.vendor,
            "database": self.database,
            "migrations": [list(migration) for migration in self.migrations],
            "tables": self.tables,
            "files": self.files,
        }
        return json.dumps(content, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            content = json.loads(data)
            manifest = cls(
                created_at=str(content["created_at"]),
                vendor=content["vendor"],
                migrations=[(str(app), str(name)) for app, name in content["migrations"]],
                tables={str(name): int(count) for name, count in content["tables"].items()},
                files={str(name): str(digest) for name, digest in content["files"].items()},
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_MANIFEST)) from None
        if manifest.vendor not in DUMP_NAMES or manifest.database not in manifest.files:
            raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_MANIFEST))
        return manifest


@dataclass
class Summary:
    """What an archive holds, as the commands print it: no names of people, only counts."""

    path: Path
    size: int
    created_at: str
    vendor: str
    tables: int
    rows: int
    files: int  # uploaded files; the database dump is not counted
    warnings: list[str] = field(default_factory=list)
    event: int | None = None  # the audit event that records the backup or the restore

    @classmethod
    def of(cls, path: Path, manifest: Manifest, **extra) -> "Summary":
        return cls(
            path=path,
            size=path.stat().st_size,
            created_at=manifest.created_at,
            vendor=manifest.vendor,
            tables=len(manifest.tables),
            rows=sum(manifest.tables.values()),
            files=len(manifest.files) - 1,
            **extra,
        )

    def counts(self) -> str:
        return str(COUNTS.format(tables=self.tables, rows=f"{self.rows:,}", files=self.files))

    def audit_details(self) -> dict:
        return {
            "archive": self.path.name,
            "taken_at": self.created_at,
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
        }


def media_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


@contextmanager
def _private_directory(parent: Path, prefix: str) -> Iterator[Path]:
    """A directory only this user can enter (mkdtemp makes it 0700), removed with everything in it afterwards."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


def _database_state(cursor, vendor: str) -> DatabaseState:
    """Row counts of every table and the applied migrations, through any DB-API cursor (Django's or sqlite3's)."""
    cursor.execute(TABLES_SQL[vendor])
    names = sorted(name for (name,) in cursor.fetchall() if not name.startswith("sqlite_"))
    tables = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")
        tables[name] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [(app, name) for app, name in cursor.fetchall()]
    return DatabaseState(tables=tables, migrations=migrations)


def _migration_mismatch(applied) -> tuple[int, int]:
    """(migrations of this code not applied, applied migrations of installed apps that this code does not have).
    Records of apps no longer installed do not count: they stay in django_migrations harmlessly."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    known_apps = {app for app, _ in known}
    applied = set(applied)
    unknown = {migration for migration in applied - known if migration[0] in known_apps}
    return len(known - applied), len(unknown)


def _outside_transaction(connection) -> None:
    # pg_dump sees only committed rows, and pg_restore would wait for our own locks for ever.
    if connection.in_atomic_block:
        raise BackupError(IN_TRANSACTION)


# PostgreSQL's programs --------------------------------------------------------------------------------------------


def _program(name: str) -> str:
    found = shutil.which(name) or (str(PGBIN / name) if (PGBIN / name).is_file() else None)
    if not found:
        raise BackupError(TOOL_MISSING.format(tool=name, directory=PGBIN))
    return found


def _run_postgresql(connection, name: str, *args: str) -> None:
    """Runs pg_dump or pg_restore on the database of `connection`. The password goes in PGPASSWORD (Django's own
    `dbshell` helper puts it there), never on a command line, where other users of the machine could read it."""
    settings_dict = connection.settings_dict
    _, secrets = connection.client.settings_to_cmd_args_env(settings_dict, [])
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    environment.update(secrets or {})
    result = subprocess.run(
        [_program(name), "--no-password", *args],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode:
        # Only the program's own lines: PostgreSQL's DETAIL and CONTEXT lines can quote rows.
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{name}:")][:10]
        raise BackupError(TOOL_FAILED.format(tool=name, status=result.returncode, message=" ".join(lines)))


# Database dump and restore ----------------------------------------------------------------------------------------


def _dump_database(connection, target: Path) -> DatabaseState:
    if connection.vendor == "postgresql":
        return _dump_postgresql(connection, target)
    return _dump_sqlite(connection, target)


def _dump_sqlite(connection, target: Path) -> DatabaseState:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _database_state(copy.cursor(), "sqlite")
    finally:
        copy.close()


def _dump_postgresql(connection, target: Path) -> DatabaseState:
    """pg_dump and the manifest's counts read one snapshot, exported by this transaction, so they agree exactly."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _database_state(cursor, "postgresql")
        _run_postgresql(connection, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return state


def _check_dump(connection, dump: Path, manifest: Manifest) -> None:
    """The dump can be read back: SQLite's integrity check and counts; pg_restore can list the custom archive."""
    if manifest.vendor == "postgresql":
        _run_postgresql(connection, "pg_restore", "--list", str(dump))
        return
    try:
        copy = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
        try:
            cursor = copy.cursor()
            cursor.execute("PRAGMA integrity_check")
            healthy = cursor.fetchone()[0] == "ok"
            state = _database_state(cursor, "sqlite")
        finally:
            copy.close()
    except sqlite3.DatabaseError:
        healthy = False
    if not healthy or state.tables != manifest.tables:
        raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_DATABASE))


def _restore_database(connection, dump: Path) -> None:
    if connection.vendor == "postgresql":
        # One transaction: if any statement fails, the database stays as it was.
        _run_postgresql(
            connection, "pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
            "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(dump),
        )  # fmt: skip
        return
    connection.ensure_connection()
    source = sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)
    try:
        # Page by page into the live database, under its write lock: other connections see the old or the new.
        source.backup(connection.connection)
    finally:
        source.close()


# Files ------------------------------------------------------------------------------------------------------------


class _HashingReader:
    def __init__(self, raw):
        self._raw, self.sha256 = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.sha256.update(data)
        return data


def _media_files(root: Path) -> tuple[list[tuple[Path, str]], int]:
    """(path, name in the archive) of every regular file under `root`, and how many other entries were left out."""
    found, skipped = [], 0
    if not root.is_dir():
        return found, skipped
    for directory, subdirectories, names in os.walk(root):
        skipped += sum(1 for name in subdirectories if Path(directory, name).is_symlink())
        for name in names:
            path = Path(directory, name)
            if path.is_symlink() or not path.is_file():
                skipped += 1
                continue
            found.append((path, f"{FILES_DIR}/{path.relative_to(root).as_posix()}"))
    return sorted(found, key=lambda item: item[1]), skipped


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> str:
    """Adds the file as `name` and returns the SHA-256 of what was added."""
    info = tarfile.TarInfo(name)
    status = path.stat()
    info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    return reader.sha256.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    tar.addfile(info, _BytesReader(data))


class _BytesReader:
    def __init__(self, data: bytes):
        self._data, self._offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk


@contextmanager
def _file_in_place(final: Path) -> Iterator:
    """A file written under a temporary name beside `final` (mode 0600), flushed to disk, then renamed to `final`:
    a crash leaves either no archive or a whole one, never half of one under the final name."""
    descriptor, temporary = tempfile.mkstemp(prefix=".ctims-", suffix=".partial", dir=final.parent)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


# Backup -----------------------------------------------------------------------------------------------------------


def backup_create(*, directory, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Writes ctims-<UTC time>.backup into `directory`: the database and every uploaded file, encrypted with
    BACKUP_KEY. Records a `backup.create` audit event once the archive is complete (so not inside it)."""
    key = backup_key()
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise BackupError(NOT_A_DIRECTORY.format(directory=directory))
    connection = connections[using]
    _outside_transaction(connection)
    created_at = timezone.now()
    final = directory / f"ctims-{created_at:%Y%m%dT%H%M%SZ}.backup"
    if final.exists():
        raise BackupError(ARCHIVE_EXISTS.format(path=final))
    with _private_directory(directory, ".ctims-backup-") as work:
        dump_name = DUMP_NAMES[connection.vendor]
        dump = work / PurePosixPath(dump_name).name
        state = _dump_database(connection, dump)
        files, skipped = _media_files(media_root())
        with _file_in_place(final) as out:
            writer = EncryptingWriter(out, key)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                digests = {dump_name: _add_file(tar, dump_name, dump)}
                for path, name in files:
                    digests[name] = _add_file(tar, name, path)
                manifest = Manifest(
                    created_at=created_at.isoformat(timespec="seconds"),
                    vendor=connection.vendor,
                    migrations=state.migrations,
                    tables=state.tables,
                    files=digests,
                )
                _add_bytes(tar, MANIFEST, manifest.to_json())
            writer.finish()
    summary = Summary.of(final, manifest, warnings=_backup_warnings(state, skipped))
    event = event_record(actor=None, action="backup.create", details=summary.audit_details())
    summary.event = event.sequence
    return summary


def _backup_warnings(state: DatabaseState, skipped: int) -> list[str]:
    warnings = []
    missing, unknown = _migration_mismatch(state.migrations)
    if missing or unknown:
        warnings.append(str(UNMIGRATED.format(missing=missing, unknown=unknown)))
    if skipped:
        warnings.append(str(SKIPPED_FILES.format(count=skipped)))
    return warnings


# Restore ----------------------------------------------------------------------------------------------------------


@dataclass
class CheckedArchive:
    """An archive decrypted into a private directory, every chunk authenticated, every checksum compared, its
    migrations matched with this code: what backup_restore() needs, found before anything is changed."""

    path: Path
    work: Path
    manifest: Manifest

    @property
    def summary(self) -> Summary:
        return Summary.of(self.path, self.manifest)


@contextmanager
def backup_open(path, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[CheckedArchive]:
    """Decrypts and checks the archive at `path`; raises BackupError, having changed nothing, if it is not whole,
    not ours, not for this database or not for this version of CTIMS. The plaintext is removed on leaving."""
    key = backup_key()
    path = Path(path).resolve()
    connection = connections[using]
    root = media_root()
    _check_media_swappable(root)
    with _private_directory(root.parent, ".ctims-restore-") as work:
        (work / FILES_DIR).mkdir()
        digests = _unpack(path, work, key)
        manifest = _checked_manifest(work, digests)
        if manifest.vendor != connection.vendor:
            raise BackupError(OTHER_VENDOR.format(archive=manifest.vendor, database=connection.vendor))
        missing, unknown = _migration_mismatch(manifest.migrations)
        if missing or unknown:
            raise BackupError(OTHER_MIGRATIONS.format(missing=missing, unknown=unknown))
        _check_dump(connection, work / manifest.database, manifest)
        yield CheckedArchive(path=path, work=work, manifest=manifest)


def _check_media_swappable(root: Path) -> None:
    parent = root.parent
    swappable = parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)
    if root.exists() or root.is_symlink():
        swappable = swappable and root.is_dir() and not root.is_symlink()
        swappable = swappable and root.stat().st_dev == parent.stat().st_dev
        # Root may restore the service user's folder (its owner is kept); anyone else only their own.
        swappable = swappable and os.geteuid() in (0, root.stat().st_uid)
    if not swappable:
        raise BackupError(MEDIA_NOT_SWAPPABLE.format(root=root))


def _unpack(path: Path, work: Path, key: bytes) -> dict[str, str]:
    """Decrypts and unpacks the whole archive into `work`; returns the SHA-256 of every entry, by name."""
    digests = {}
    try:
        raw = path.open("rb")
    except OSError as error:
        raise BackupError(CANNOT_READ.format(path=path, reason=error.strerror)) from None
    with raw:
        reader = DecryptingReader(raw, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    digests[member.name] = _extract(tar, member, work)
        except tarfile.TarError:
            raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_MEMBER)) from None
        reader.read_to_end()
    return digests


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, work: Path) -> str:
    parts = PurePosixPath(member.name).parts
    expected = member.name == MANIFEST or (len(parts) > 1 and parts[0] in (DATABASE_DIR, FILES_DIR))
    if not member.isreg() or not expected or member.name.startswith("/") or {"", ".", ".."} & set(parts):
        raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_MEMBER))
    for depth in range(1, len(parts)):
        work.joinpath(*parts[:depth]).mkdir(mode=0o700, exist_ok=True)  # each level, not only the last
    target = work.joinpath(*parts)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_TWICE)) from None
    sha256 = hashlib.sha256()
    with tar.extractfile(member) as source, os.fdopen(descriptor, "wb") as out:
        while block := source.read(COPY_BLOCK):
            sha256.update(block)
            out.write(block)
    return sha256.hexdigest()


def _checked_manifest(work: Path, digests: dict[str, str]) -> Manifest:
    if MANIFEST not in digests:
        raise BackupError(CONTENT_INVALID.format(problem=PROBLEM_MANIFEST))
    manifest = Manifest.from_json((work / MANIFEST).read_bytes())
    contents = {name: digest for name, digest in digests.items() if name != MANIFEST}
    differing = set(contents) ^ set(manifest.files)
    differing |= {name for name in set(contents) & set(manifest.files) if contents[name] != manifest.files[name]}
    if differing:
        raise BackupError(CHECKSUMS_DIFFER.format(count=len(differing)))
    return manifest


def backup_restore(*, archive: CheckedArchive, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Replaces the database and PRIVATE_MEDIA_ROOT with the checked archive's content, then records a
    `backup.restore` audit event, chained to the restored trail."""
    connection = connections[using]
    _outside_transaction(connection)
    manifest = archive.manifest
    replaced = _trail_head(connection)
    _restore_database(connection, archive.work / manifest.database)
    _swap_media(archive.work / FILES_DIR, media_root(), archive.work / "replaced")
    with connection.cursor() as cursor:
        restored = _database_state(cursor, connection.vendor)
    names = set(restored.tables) | set(manifest.tables)
    differing = sorted(name for name in names if restored.tables.get(name) != manifest.tables.get(name))
    if differing:
        raise BackupError(COUNTS_DIFFER.format(tables=", ".join(differing)))
    summary = archive.summary
    details = summary.audit_details() | {"replaced_last_event": replaced[0], "replaced_last_hash": replaced[1]}
    event = event_record(actor=None, action="backup.restore", details=details)
    summary.event = event.sequence
    return summary


def _trail_head(connection) -> tuple[int, str]:
    """The last event of the trail about to be replaced (events recorded since the backup are lost with the rest,
    so the restore event says where the old trail ended); none in an empty database, such as a restore drill's."""
    if AuditHead._meta.db_table not in connection.introspection.table_names():
        return 0, ZERO_HASH
    head = AuditHead.objects.using(connection.alias).filter(pk=HEAD_ID).values_list("sequence", "hash").first()
    return head or (0, ZERO_HASH)


def _swap_media(restored: Path, root: Path, replaced: Path) -> None:
    """Two renames on one file system: the restored folder takes the place of PRIVATE_MEDIA_ROOT, whose old content
    goes into the private directory and is removed with it. The folder keeps its mode and, when root restores, its
    owner, so the service user can still read the files."""
    if root.exists():
        status = root.stat()
        restored.chmod(status.st_mode & 0o7777)
        if os.geteuid() == 0 and (status.st_uid, status.st_gid) != (0, 0):
            for path in (restored, *restored.rglob("*")):
                os.chown(path, status.st_uid, status.st_gid, follow_symlinks=False)
        os.rename(root, replaced)
    try:
        os.rename(restored, root)
    except OSError:
        if replaced.exists():
            os.rename(replaced, root)
        raise

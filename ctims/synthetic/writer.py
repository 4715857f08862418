"""Writing synthetic rows fast: explicit primary keys, COPY on PostgreSQL, bulk_create elsewhere, a progress bar each.

Rows are plain tuples of field values, named by attname ("case_id"). Giving the primary keys ourselves lets one table
point at another without reading anything back, and lets COPY (which returns nothing) carry the biggest tables.
Values still go through each field's own preparation where it matters (encrypted fields encrypt, JSON fields dump),
so the columns hold exactly what the application writes.
"""

import contextlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.management.color import no_style
from django.db import connections, models
from tqdm import tqdm

from lib.fields import EncryptedField

BATCH_SIZE = 5000
TTY_INTERVAL = 0.5  # seconds between progress bar updates on a terminal
LOG_INTERVAL = 15  # … and in a log file (make bench), where every update is a line


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


@contextlib.contextmanager
def _given_times(model):
    """bulk_create stamps auto_now(_add) fields with the current time; synthetic history brings its own times."""
    stamped = [field for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    stamped += [field for field in model._meta.concrete_fields if getattr(field, "auto_now_add", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in stamped]
    try:
        for field in stamped:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Writer:
    """Writes tables, keeps their row counts and seconds, and resets the id sequences at the end."""

    def __init__(self, *, stream, using: str = "default"):
        self.connection = connections[using]
        self.using = using
        self.stream = stream
        self.use_copy = self.connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._next_pk: dict[type[models.Model], int] = {}
        self._written: list[type[models.Model]] = []
        self._writing = ""  # the table being written

    def ids(self, model, count: int) -> range:
        """`count` fresh primary keys for `model`, after those the table holds and those handed out before.

        Ask before writing: during a COPY the connection can run no other query."""
        if model not in self._next_pk:
            if self._writing:
                raise RuntimeError(f"{model._meta.label}: reserve its ids before writing {self._writing}.")
            last = model._base_manager.using(self.using).aggregate(last=models.Max("pk"))["last"]
            self._next_pk[model] = (last or 0) + 1
        start = self._next_pk[model]
        self._next_pk[model] = start + count
        return range(start, start + count)

    def write(self, model, fields: tuple[str, ...], rows: Iterable[tuple], *, total: int | None = None) -> int:
        """Writes `rows`, tuples of `fields`' values, into `model`'s table. Without "id" in `fields`, the rows are
        numbered here (for tables no other row points at)."""
        label = model._meta.db_table
        numbered = "id" not in fields
        if numbered:
            first = self.ids(model, 0).start
            fields, rows = ("id", *fields), ((pk, *row) for pk, row in zip(itertools.count(first), rows))
        started = time.perf_counter()
        interval = TTY_INTERVAL if getattr(self.stream, "isatty", lambda: False)() else LOG_INTERVAL
        small = total is not None and total < BATCH_SIZE  # done before a bar would show anything: the line is enough
        bar = tqdm(total=total, desc=label, unit=" rows", file=self.stream, mininterval=interval, disable=small)
        self._writing = label
        try:
            with bar as progress:
                writing = self._copy if self.use_copy else self._bulk_create
                count = writing(model, fields, rows, progress)
        finally:
            self._writing = ""
        if numbered:
            self._next_pk[model] = first + count
        seconds = time.perf_counter() - started
        self.counts[label] = self.counts.get(label, 0) + count
        self.seconds[label] = self.seconds.get(label, 0) + seconds
        if model not in self._written:
            self._written.append(model)
        self.stream.write(f"{label}: {count:,} rows in {seconds:.1f} s\n")
        return count

    def _copy(self, model, fields, rows, progress) -> int:
        meta = model._meta
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
        preparing = [
            (position, prepare)
            for position, name in enumerate(fields)
            if (prepare := self._preparation(meta.get_field(name))) is not None
        ]
        count = 0
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for batch in _batches(rows, BATCH_SIZE):
                for row in batch:
                    if preparing:
                        row = list(row)
                        for position, prepare in preparing:
                            row[position] = prepare(row[position])
                    copy.write_row(row)
                count += len(batch)
                progress.update(len(batch))
        return count

    def _preparation(self, field):
        """How a value becomes what the column holds, for the fields where psycopg's own adaptation is not it."""
        if isinstance(field, EncryptedField):
            return lambda value: field.get_db_prep_save(value, self.connection)
        if isinstance(field, models.JSONField):
            return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
        return None

    def _bulk_create(self, model, fields, rows, progress) -> int:
        manager = model._base_manager.using(self.using)
        count = 0
        with _given_times(model):
            for batch in _batches(rows, BATCH_SIZE):
                manager.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in batch])
                count += len(batch)
                progress.update(len(batch))
        return count

    def finish(self) -> None:
        """Moves each id sequence past the keys given here, so the application's next row gets a free one."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), self._written)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

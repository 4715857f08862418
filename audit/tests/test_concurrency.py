"""Writers in parallel never chain to the same event.

PostgreSQL makes a second writer wait on the head row's lock. SQLite's in-memory test database, shared by the
threads, makes it fail at once with "table is locked" instead; such a writer retries, as an application on SQLite
would after its busy timeout. Either way, the chain must come out whole."""

import threading
import time

from django.db import OperationalError, connection, transaction
from django.test import TransactionTestCase

from audit.models import AuditEvent
from audit.services import event_record
from audit.testing import AuditFlushMixin
from audit.verify import verify_chain

WRITERS = 4
EVENTS_EACH = 10
RETRIES = 500


def _write_with_retries(object_id: str) -> None:
    for _attempt in range(RETRIES):
        try:
            with transaction.atomic():
                event_record(actor=None, action="job.run", object_id=object_id)
                time.sleep(0.002)  # holds the head while the others try to read it
            return
        except OperationalError as error:  # SQLite's shared in-memory database: locked, try again
            if "locked" not in str(error):
                raise
            time.sleep(0.001)
    raise AssertionError(f"event {object_id} could not be written in {RETRIES} attempts")


class ConcurrentWritersTests(AuditFlushMixin, TransactionTestCase):
    def test_parallel_writers_make_one_unbroken_chain(self):
        start, errors = threading.Barrier(WRITERS), []

        def write(writer: int) -> None:
            try:
                start.wait()
                for number in range(EVENTS_EACH):
                    _write_with_retries(f"{writer}-{number}")
            except Exception as error:  # any failure, reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        total = WRITERS * EVENTS_EACH
        self.assertEqual(list(AuditEvent.objects.values_list("sequence", flat=True)), list(range(1, total + 1)))
        result = verify_chain()
        self.assertEqual((result.problems, result.checked), ([], total))

"""Writers in parallel never chain to the same event. PostgreSQL only: the SQLite test database is one in-memory
database that threads share, where writers fail instead of waiting, so it cannot show this."""

import threading
import time
import unittest

from django.db import connection, transaction
from django.test import TransactionTestCase

from audit.models import AuditEvent
from audit.services import event_record
from audit.verify import verify_chain

WRITERS = 4
EVENTS_EACH = 10


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (several connections writing at once)")
class ConcurrentWritersTests(TransactionTestCase):
    def test_parallel_writers_make_one_unbroken_chain(self):
        start, errors = threading.Barrier(WRITERS), []

        def write(writer: int) -> None:
            try:
                start.wait()
                for number in range(EVENTS_EACH):
                    with transaction.atomic():
                        event_record(actor=None, action="job.run", object_id=f"{writer}-{number}")
                        time.sleep(0.002)  # holds the head while the others try to read it
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

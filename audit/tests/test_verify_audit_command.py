"""manage.py verify_audit: what it prints and its exit status, on an intact and on a damaged trail."""

import io
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

from django.core.management import CommandError, call_command

from audit.management.commands.verify_audit import Command
from audit.models import AuditHead
from audit.services import event_record
from audit.tests.tampering import delete_events
from ctims.testing import BaseTestCase


def exit_status() -> tuple[int, str, str]:
    """Runs the command as manage.py would: (exit status, standard output, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    # run_from_argv closes every database connection when done, which would end the test's transaction.
    with redirect_stdout(out), redirect_stderr(err), mock.patch("django.core.management.base.connections"):
        try:
            Command().run_from_argv(["manage.py", "verify_audit"])
        except SystemExit as exit:
            return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


class VerifyAuditCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for number in range(1, 4):
            event_record(actor=cls.carol, action="case.read", object_type="cases.case", object_id=str(number))

    def test_an_intact_trail_is_reported_with_its_last_hash_and_exit_status_0(self):
        status, out, err = exit_status()
        head = AuditHead.objects.get()
        self.assertEqual(status, 0)
        self.assertEqual(out, f"Audit trail intact: 3 events checked.\nLast event: 3, hash {head.hash}\n")
        self.assertEqual(err, "")

    def test_an_empty_trail_is_intact(self):
        delete_events(1, 2, 3)
        AuditHead.objects.all().delete()
        out = io.StringIO()
        call_command("verify_audit", stdout=out)
        self.assertEqual(out.getvalue(), "Audit trail intact: 0 events checked.\n")

    def test_a_damaged_trail_is_reported_problem_by_problem_with_exit_status_1(self):
        delete_events(2)
        status, out, err = exit_status()
        self.assertEqual(status, 1)
        self.assertEqual(out, "event 3 does not follow event 1: event 2 is missing or was deleted\n")
        self.assertEqual(err, "CommandError: Audit trail damaged: 1 problem in 2 events checked.\n")

    def test_call_command_raises_command_error_on_a_damaged_trail(self):
        delete_events(3)
        out = io.StringIO()
        with self.assertRaisesMessage(CommandError, "Audit trail damaged: 1 problem in 2 events checked."):
            call_command("verify_audit", stdout=out)
        self.assertIn("event 3 is missing or was deleted", out.getvalue())

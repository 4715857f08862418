"""The Django side of the fault tests, run in a process of its own against the throwaway cluster's database:

    python -m ctims.tests.faults.steps prepare
    python -m ctims.tests.faults.steps submit|accept|decline [hold]

The database and settings come from the environment the tests set (DATABASE_URL, DJANGO_SETTINGS_MODULE, DEBUG).
"""

# ruff: noqa: E402 (the models can be imported only once Django is set up)

import datetime
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctims.settings_test")
django.setup()

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from cases.models import Referral
from cases.services import case_create, consent_record, referral_answer, referral_send
from monitoring.models import Progress, ProgressReport
from monitoring.services import report_submit, report_update
from monitoring.tests.base import MonitoringTestCase as Cast

REPORT_NARRATIVE = "Trainings for border guards were held in three regions."
DECLINE_REASON = "No place in the shelter this month."


def prepare() -> None:
    """Migrates the empty database, then gives it the cast and plan of the monitoring tests with the 2015 round open;
    the first of the Ministry's reports in it ready to submit; Carol's case referred, with consent, to Dan's NGO and
    waiting for the answer."""
    call_command("migrate", interactive=False, verbosity=0)
    Cast.setUpTestData()
    report_update(report=_report(), actor=Cast.bob, progress=Progress.SUBSTANTIAL, narrative=REPORT_NARRATIVE)
    case = case_create(
        actor=Cast.carol,
        person={"given_name": "Aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998},
        source="ngo",
        exploitation_forms=["forced_labour"],
    )
    consent_record(case=case, actor=Cast.carol, purpose="referral", given=True, given_on=datetime.date.today())
    referral_send(case=case, actor=Cast.carol, to_organisation=Cast.other_ngo, services="shelter")


def _report() -> ProgressReport:
    return ProgressReport.objects.filter(organisation__name="Ministry of Internal Affairs").order_by("pk").first()


def decision(name: str):
    """The decision `name` as a function of no arguments, its objects loaded now, as a page would have them."""
    if name == "submit":
        report, bob = _report(), User.objects.get(username="bob")
        return lambda: report_submit(report=report, actor=bob)
    referral, dan = Referral.objects.get(), User.objects.get(username="dan")
    if name == "accept":
        return lambda: referral_answer(referral=referral, actor=dan, accept=True)
    return lambda: referral_answer(referral=referral, actor=dan, accept=False, reason=DECLINE_REASON)


def contend(name: str, hold: bool) -> None:
    """Says "ready", waits for a line, makes the decision and says "decided" or "refused: <message>". With `hold`, the
    decision's transaction stays open, its row locks held, until a second line comes: a request caught mid-way."""
    decide = decision(name)
    _say("ready")
    sys.stdin.readline()
    try:
        with transaction.atomic():
            decide()
            _say("decided")
            if hold:
                sys.stdin.readline()
    except ValidationError as error:
        _say("refused: " + " ".join(error.messages))


def _say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> None:
    if argv == ["prepare"]:
        prepare()
    elif argv and argv[0] in ("submit", "accept", "decline") and argv[1:] in ([], ["hold"]):
        contend(argv[0], hold=argv[1:] == ["hold"])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

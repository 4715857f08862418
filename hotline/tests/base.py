"""The cast of ctims.testing with the bundled plan, a case to link calls to, and a helper that records a call."""

import datetime

from django.utils import timezone

from cases.services import case_create
from ctims.testing import PlanTestCase
from hotline.models import Call


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Baku)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def call(organisation, **fields) -> Call:
    values = {
        "received_at": at(2016, 5, 10),
        "channel": "phone",
        "caller_type": "potential_victim",
        "signal_type": "help",
        "summary": "Passport kept by the employer abroad",
        "action": "information",
        "thb_relevant": True,
    }
    return Call.objects.create(organisation=organisation, **{**values, **fields})


class HotlineTestCase(PlanTestCase):
    """Hana operates the Ministry's hotline, Hugo the other NGO's; Carol's NGO owns the case NRM-…-00001."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = case_create(
            actor=cls.carol,
            person={"given_name": "Aynur", "family_name": "Quliyeva", "sex": "female", "year_of_birth": 1998},
            source="hotline",
        )

    def form_data(self, **changes):
        data = {
            "received_at": "2016-05-10T14:30",
            "channel": "phone",
            "language": "az",
            "region": "Ganja",
            "caller_type": "potential_victim",
            "signal_type": "help",
            "summary": "Construction work abroad, documents withheld, no pay for months",
            "indicators": ["documents", "no_pay"],
            "thb_relevant": "on",
            "action": "police",
            "referred_to": str(self.ministry.pk),
            "case": "",
            "no_action_reason": "",
            "anonymous": "on",
            "caller_name": "",
            "caller_phone": "",
            "caller_email": "",
            "caller_notes": "",
            "measures": [str(self.measures["13.2.1"].pk)],
        }
        data.update(changes)
        return {name: value for name, value in data.items() if value is not None}

"""Entries made directly in the database, for tests that are not about recording them."""

from datetime import date
from decimal import Decimal

from partners.models import Cooperation, Donor, DonorSupport, FollowUpAction, Meeting, Transaction


def donor(organisation, **fields) -> Donor:
    values = {"name": "International Organization for Migration", "iati_ref": "XM-DAC-47066", "org_type": "40"}
    return Donor.objects.create(organisation=organisation, **{**values, **fields})


def support(organisation, *, donor, implementer, transactions=(), **fields) -> DonorSupport:
    values = {
        "title": "Identification of victims",
        "support_types": ["methodic", "information"],
        "status": "closed",
        "start_on": date(2016, 3, 1),
        "end_on": date(2017, 6, 30),
        "currency": "USD",
        "amount_committed": Decimal("10000"),
        "amount_disbursed": Decimal("8000"),
    }
    entry = DonorSupport.objects.create(
        organisation=organisation, donor=donor, implementing_organisation=implementer, **{**values, **fields}
    )
    for kind, day, value in transactions:
        Transaction.objects.create(support=entry, kind=kind, date=day, value=Decimal(value), currency=entry.currency)
    return entry


def meeting(organisation, *, actions=(), **fields) -> Meeting:
    values = {"body": "commission", "held_on": date(2017, 2, 22), "agenda": "Statistics on victims"}
    entry = Meeting.objects.create(organisation=organisation, **{**values, **fields})
    for action in actions:
        FollowUpAction.objects.create(meeting=entry, **action)
    return entry


def cooperation(organisation, **fields) -> Cooperation:
    values = {"kind": "agreement", "title": "Police cooperation", "partner": "Georgia", "date": date(2016, 6, 3)}
    return Cooperation.objects.create(organisation=organisation, **{**values, **fields})

"""Erasure of identifiers at the end of the retention period.

A case closed more than `CASE_RETENTION_YEARS` ago keeps everything statistics use (sex, year of birth, estimated age,
citizenship, region, the case's facts and history) and loses what identifies the person: names, date of birth,
documents, address, phone, and the names and contacts of a child's guardians. Each erasure is an audit event naming
the fields erased, never their values.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import event_record
from cases.models import Case, Guardian

PERSON_IDENTIFIERS = {
    "given_name": "",
    "family_name": "",
    "date_of_birth": None,
    "documents": "",
    "address": "",
    "phone": "",
}
GUARDIAN_IDENTIFIERS = {"name": "", "contact": ""}


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    try:
        return now.replace(year=now.year - settings.CASE_RETENTION_YEARS)
    except ValueError:  # 29 February
        return now.replace(year=now.year - settings.CASE_RETENTION_YEARS, day=28)


def cases_past_retention(now: datetime.datetime | None = None):
    """Closed cases whose closing is older than the retention period and whose identifiers are still there."""
    return Case.objects.filter(
        status=Case.Status.CLOSED,
        closed_at__lt=retention_cutoff(now),
        person__identifiers_erased_at__isnull=True,
    ).order_by("closed_at", "pk")


@transaction.atomic
def identifiers_erase(*, actor=None, now: datetime.datetime | None = None) -> list[str]:
    """Erase the identifiers of every case past retention, in one transaction; returns their references."""
    now = now or timezone.now()
    years = settings.CASE_RETENTION_YEARS
    cases = list(cases_past_retention(now).select_related("person"))
    for case in cases:
        person = case.person
        for field, blank in PERSON_IDENTIFIERS.items():
            setattr(person, field, blank)
        person.identifiers_erased_at = now
        person.save(update_fields=[*PERSON_IDENTIFIERS, "identifiers_erased_at"])
        for guardian in Guardian.objects.filter(case=case):
            for field, blank in GUARDIAN_IDENTIFIERS.items():
                setattr(guardian, field, blank)
            guardian.save(update_fields=list(GUARDIAN_IDENTIFIERS))
        event_record(
            actor=actor,
            action="case.identifiers_erase",
            obj=case,
            reason=f"Closed on {timezone.localdate(case.closed_at)}, more than {years} years ago.",
            details={"fields": sorted(PERSON_IDENTIFIERS), "guardian_fields": sorted(GUARDIAN_IDENTIFIERS)},
        )
    return [case.reference for case in cases]


__all__ = ["cases_past_retention", "identifiers_erase", "retention_cutoff"]

"""Email alerts about victim cases, sent by `manage.py case_alerts` once a day to the case workers who must act.

- period-ending: the case workers of the owning organisation, when a recovery and reflection period ends in
  PERIOD_WARNING_DAYS days or fewer (or has ended) and no decision at its end was recorded (once per period and person);
- referral-overdue: the case workers of the owning organisation, when a presumed victim was not referred to the
  competent body (the MIA Main Department) within 24 hours of becoming presumed (once per case and person);
- referral-waiting: the case workers of the receiving organisation, when a referral has waited more than
  REFERRAL_ANSWER_DAYS days for an answer (once per referral and person).

"Case workers" are the active users with the case_worker or identification_officer role and an email address.
Closed cases bring no alert.

As for monitoring's reminders, every alert has a key, recorded in a monitoring Reminder row in the same transaction as
it is sent: an alert whose key was recorded is never sent again, and one that could not be sent is not recorded (the
next run tries it again).

The emails name a case only by its reference code and a link to it: never a name, a date of birth, a document, an
address or a phone number, nor any free text typed into the case or the referral (it may hold one of those).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from cases.models import Case, Referral, ReflectionPeriod, RiskAssessment
from cases.rules import CASE_ROLES
from monitoring.models import Reminder
from monitoring.reminders import FAILED, deliver, link

PERIOD_ENDING = "period-ending"
REFERRAL_OVERDUE = "referral-overdue"
REFERRAL_WAITING = "referral-waiting"
REVIEW_OVERDUE = "review-overdue"
KINDS = (PERIOD_ENDING, REFERRAL_OVERDUE, REFERRAL_WAITING, REVIEW_OVERDUE)
__all__ = ["FAILED", "KINDS", "CaseAlert", "case_workers", "due_alerts", "send_case_alerts"]

PERIOD_WARNING_DAYS = 5
REFERRAL_DUE = datetime.timedelta(hours=24)  # as Case.referral_due_at
REFERRAL_ANSWER_DAYS = 3


@dataclass
class CaseAlert:
    """One alert for one person, rendered only if it was not sent before (the shape monitoring's `deliver` sends)."""

    kind: str
    key: str
    user: object
    subject: str
    template: str
    context: dict = field(default_factory=dict)

    def message(self, connection) -> EmailMessage:
        body = render_to_string(f"cases/email/{self.template}.txt", self.context | {"user": self.user}).strip()
        return EmailMessage(
            subject=" ".join(self.subject.split()),
            body=body + "\n",
            to=[self.user.email],
            connection=connection,
            headers={"Auto-Submitted": "auto-generated"},
        )


def send_case_alerts(*, now: datetime.datetime | None = None) -> Counter:
    """Sends the alerts due at `now` (default: now) that were not sent before; returns how many of each kind were
    sent, and how many failed."""
    now = now or timezone.now()
    counts: Counter = Counter()
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        outgoing = due_alerts(now)
        already_sent = set(Reminder.objects.filter(key__in=[a.key for a in outgoing]).values_list("key", flat=True))
        for alert in outgoing:
            outcome = None if alert.key in already_sent else deliver(alert, connection)
            if outcome:
                counts[outcome] += 1
    return counts


def due_alerts(now: datetime.datetime) -> list[CaseAlert]:
    """Every alert called for at `now`, whether or not it was sent before."""
    today = timezone.localdate(now)
    open_cases = Case.objects.exclude(status=Case.Status.CLOSED)
    periods = list(
        ReflectionPeriod.objects.filter(
            case__in=open_cases,
            end_decision="",
            ends_on__lte=today + datetime.timedelta(days=PERIOD_WARNING_DAYS),
        )
        .select_related("case")
        .order_by("ends_on", "pk")
    )
    # The competent body's own cases need no referral to it (and cannot be referred to their owner).
    unreferred = list(
        Case.objects.filter(
            status=Case.Status.PRESUMED, referred_to_mia_at__isnull=True, presumed_at__lt=now - REFERRAL_DUE
        )
        .exclude(owner__name__in=settings.IDENTIFYING_ORGANISATIONS)
        .order_by("presumed_at", "pk")
    )
    waiting = list(
        Referral.objects.filter(
            case__in=open_cases,
            state=Referral.State.PENDING,
            sent_at__lt=now - datetime.timedelta(days=REFERRAL_ANSWER_DAYS),
        )
        .select_related("case", "from_organisation")
        .order_by("sent_at", "pk")
    )
    reviews = list(
        RiskAssessment.objects.filter(case__in=open_cases, active=True, next_review_on__lt=today)
        .select_related("case")
        .order_by("next_review_on", "pk")
    )
    workers = case_workers(
        {p.case.owner_id for p in periods}
        | {c.owner_id for c in unreferred}
        | {r.to_organisation_id for r in waiting}
        | {r.case.owner_id for r in reviews}
    )
    return (
        _period_alerts(periods, today, workers)
        + _overdue_alerts(unreferred, workers)
        + _waiting_alerts(waiting, now, workers)
        + _review_alerts(reviews, workers)
    )


def case_workers(organisation_ids) -> dict[int, list]:
    """The active case workers and identification officers with an email address, by organisation id."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True, organisation_id__in=organisation_ids, groups__name__in=[str(role) for role in CASE_ROLES]
        )
        .exclude(email="")
        .select_related("organisation")
        .distinct()
        .order_by("pk")
    )
    by_organisation: dict[int, list] = defaultdict(list)
    for user in users:
        by_organisation[user.organisation_id].append(user)
    return by_organisation


def _case_context(case: Case) -> dict:
    return {"reference": case.reference, "url": link(case.get_absolute_url())}


def _period_subject(reference: str, days_left: int, ends_on: str) -> str:
    values = {"reference": reference, "date": ends_on}
    if days_left < 0:
        return (
            gettext("CTIMS: the reflection period of case %(reference)s ended on %(date)s without a decision") % values
        )
    if days_left == 0:
        return gettext("CTIMS: the reflection period of case %(reference)s ends today (%(date)s)") % values
    text = ngettext(
        "CTIMS: the reflection period of case %(reference)s ends on %(date)s, in %(count)d day",
        "CTIMS: the reflection period of case %(reference)s ends on %(date)s, in %(count)d days",
        days_left,
    )
    return text % (values | {"count": days_left})


def _period_alerts(periods: list[ReflectionPeriod], today: datetime.date, workers) -> list[CaseAlert]:
    outgoing = []
    for period in periods:
        days_left = (period.ends_on - today).days
        ends_on = date_format(period.ends_on)
        context = _case_context(period.case) | {"ends_on": ends_on, "days_left": days_left, "days_past": -days_left}
        subject = _period_subject(period.case.reference, days_left, ends_on)
        outgoing.extend(
            CaseAlert(
                PERIOD_ENDING,
                f"period-ending:{period.pk}:{user.pk}",
                user,
                subject,
                "period_ending",
                context | {"organisation": user.organisation.name},
            )
            for user in workers.get(period.case.owner_id, [])
        )
    return outgoing


def _overdue_alerts(cases: list[Case], workers) -> list[CaseAlert]:
    competent_body = ", ".join(settings.IDENTIFYING_ORGANISATIONS)
    outgoing = []
    for case in cases:
        due_at = date_format(timezone.localtime(case.referral_due_at), "DATETIME_FORMAT")
        context = _case_context(case) | {
            "presumed_at": date_format(timezone.localtime(case.presumed_at), "DATETIME_FORMAT"),
            "due_at": due_at,
            "competent_body": competent_body,
        }
        subject = gettext("CTIMS: case %(reference)s is overdue for referral to the competent body (due %(date)s)") % {
            "reference": case.reference,
            "date": due_at,
        }
        outgoing.extend(
            CaseAlert(
                REFERRAL_OVERDUE,
                f"referral-overdue:{case.pk}:{user.pk}",
                user,
                subject,
                "referral_overdue",
                context | {"organisation": user.organisation.name},
            )
            for user in workers.get(case.owner_id, [])
        )
    return outgoing


def _waiting_alerts(referrals: list[Referral], now: datetime.datetime, workers) -> list[CaseAlert]:
    """To the receiving organisation, which cannot open the case before it accepts: the link is its referral inbox."""
    inbox_url = link(reverse("cases-referrals"))
    outgoing = []
    for referral in referrals:
        days = (now - referral.sent_at).days
        context = {
            "reference": referral.case.reference,
            "inbox_url": inbox_url,
            "from_organisation": referral.from_organisation.name,
            "sent_on": date_format(timezone.localdate(referral.sent_at)),
            "days": days,
        }
        subject = ngettext(
            "CTIMS: a referral of case %(reference)s has waited %(count)d day for your answer",
            "CTIMS: a referral of case %(reference)s has waited %(count)d days for your answer",
            days,
        ) % {"reference": referral.case.reference, "count": days}
        outgoing.extend(
            CaseAlert(
                REFERRAL_WAITING,
                f"referral-waiting:{referral.pk}:{user.pk}",
                user,
                subject,
                "referral_waiting",
                context | {"organisation": user.organisation.name},
            )
            for user in workers.get(referral.to_organisation_id, [])
        )
    return outgoing


def _review_alerts(risks: list[RiskAssessment], workers) -> list[CaseAlert]:
    """Active risks whose review date has passed; a new review date makes a new alert (it is in the key)."""
    outgoing = []
    for risk in risks:
        due_on = date_format(risk.next_review_on)
        context = _case_context(risk.case) | {"due_on": due_on, "level": risk.get_level_display()}
        subject = gettext("CTIMS: the risk assessment of case %(reference)s was due for review on %(date)s") % {
            "reference": risk.case.reference,
            "date": due_on,
        }
        outgoing.extend(
            CaseAlert(
                REVIEW_OVERDUE,
                f"review-overdue:{risk.pk}:{risk.next_review_on}:{user.pk}",
                user,
                subject,
                "review_overdue",
                context | {"organisation": user.organisation.name},
            )
            for user in workers.get(risk.case.owner_id, [])
        )
    return outgoing

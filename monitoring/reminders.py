"""Email reminders for the open reporting rounds, sent by `manage.py send_reminders` once a day.

- due soon: a body's focal points, when the due date is at most REMINDER_DAYS_BEFORE_DUE days away and the body
  still has expected reports it never submitted (one email per round and person);
- overdue: the same people once the due date has passed (one email per round and person);
- returned: a body's focal points, when the Coordinator returns one of its reports (one email per return and person);
- digest: every coordinator, at most once a day per round, when reports wait for review, or expected
  ones are missing and the due date is near or past.

Every reminder has a key, recorded in a Reminder row in the same transaction as it is sent: a reminder whose key was
recorded is never sent again, and one that could not be sent is not recorded (the next run tries it again). Nothing
goes to inactive users; users without an email address are skipped. The emails name measures, bodies and rounds only,
never a person the plan's work is about.
"""

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts.roles import Role
from monitoring.models import ProgressReport, Reminder, ReportingRound, ReportTransition
from monitoring.selectors import compliance, compliance_total

logger = logging.getLogger(__name__)

Status = ProgressReport.Status

DUE_SOON = "due-soon"
OVERDUE = "overdue"
RETURNED = "returned"
DIGEST = "digest"
SKIPPED = "skipped"  # a reminder for a user without an email address
FAILED = "failed"  # the email backend refused it; not recorded, so the next run tries again
KINDS = (DUE_SOON, OVERDUE, RETURNED, DIGEST)

# Expected of the body and never submitted: what the due-soon and overdue reminders are about.
PENDING = Q(expected=True, status=Status.DRAFT, first_submitted_at__isnull=True)


@dataclass
class Outgoing:
    """One reminder for one person, rendered only if it was not sent before."""

    kind: str
    key: str
    user: object
    subject: str
    template: str
    context: dict = field(default_factory=dict)

    def message(self, connection) -> EmailMessage:
        body = render_to_string(f"monitoring/email/{self.template}.txt", self.context | {"user": self.user}).strip()
        return EmailMessage(
            subject=" ".join(self.subject.split()),
            body=body + "\n",
            to=[self.user.email],
            connection=connection,
            headers={"Auto-Submitted": "auto-generated"},
        )


def link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_reminders(*, today: datetime.date | None = None) -> Counter:
    """Sends the reminders due on `today` (default: today) that were not sent before; returns how many of each kind
    were sent, skipped and failed."""
    today = today or timezone.localdate()
    counts: Counter = Counter()
    users = _recipients()
    connection = get_connection()
    rounds = ReportingRound.objects.filter(state=ReportingRound.State.OPEN, opens_on__lte=today).select_related("plan")
    with translation.override(settings.LANGUAGE_CODE):
        for reporting_round in rounds.order_by("due_on", "pk"):
            outgoing = round_reminders(reporting_round, today, users)
            already_sent = set(Reminder.objects.filter(key__in=[o.key for o in outgoing]).values_list("key", flat=True))
            for reminder in outgoing:
                outcome = None if reminder.key in already_sent else deliver(reminder, connection)
                if outcome:
                    counts[outcome] += 1
    return counts


def deliver(reminder: Outgoing, connection) -> str | None:
    """Sends `reminder` and records it in one transaction; returns what to count it as (None: sent meanwhile)."""
    if not reminder.user.email:
        return SKIPPED
    message = reminder.message(connection)
    try:
        with transaction.atomic():
            # The row is inserted first: a second run at the same moment waits on its key, then finds it taken.
            Reminder.objects.create(key=reminder.key, recipient=reminder.user)
            message.send()
    except IntegrityError:
        return None  # another run sent it in the meantime
    except Exception:
        logger.exception("Reminder %s could not be sent.", reminder.key)
        return FAILED
    return reminder.kind


@dataclass
class Recipients:
    focal_points: dict[int, list] = field(default_factory=dict)  # by organisation id
    coordinators: list = field(default_factory=list)


def _recipients() -> Recipients:
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.FOCAL_POINT, Role.COORDINATOR])
        .values_list("pk", "groups__name")
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for pk, role in users:
        roles[pk].add(role)
    recipients = Recipients(focal_points=defaultdict(list))
    for user in get_user_model().objects.filter(pk__in=roles).order_by("pk"):
        if Role.FOCAL_POINT in roles[user.pk] and user.organisation_id:
            recipients.focal_points[user.organisation_id].append(user)
        if Role.COORDINATOR in roles[user.pk]:
            recipients.coordinators.append(user)
    return recipients


def round_reminders(reporting_round: ReportingRound, today: datetime.date, users: Recipients) -> list[Outgoing]:
    """Every reminder the round calls for today, whether or not it was sent before."""
    reports = list(
        ProgressReport.objects.filter(round=reporting_round)
        .filter(PENDING | Q(status__in=[Status.SUBMITTED, Status.RETURNED]))
        .select_related("measure", "organisation")
        .order_by("measure__position", "organisation__name")
    )
    pending = [r for r in reports if r.expected and r.status == Status.DRAFT and r.first_submitted_at is None]
    outgoing = _pending_reminders(reporting_round, today, pending, users)
    outgoing += _returned_reminders(reporting_round, [r for r in reports if r.status == Status.RETURNED], users)
    outgoing += _digests(reporting_round, today, [r for r in reports if r.status == Status.SUBMITTED], users)
    return outgoing


def _report_lines(reports: Iterable[ProgressReport]) -> list[dict]:
    return [
        {
            "number": r.measure.number,
            "text": r.measure.short_text,
            "organisation": r.organisation.name,
            "url": link(r.get_absolute_url()),
            "late": r.late,
        }
        for r in reports
    ]


def _pending_subject(kind: str, count: int, values: dict) -> str:
    if kind == OVERDUE:
        text = ngettext(
            "CTIMS: %(count)d report for %(round)s is overdue (due on %(date)s)",
            "CTIMS: %(count)d reports for %(round)s are overdue (due on %(date)s)",
            count,
        )
    else:
        text = ngettext(
            "CTIMS: %(count)d report for %(round)s is due on %(date)s",
            "CTIMS: %(count)d reports for %(round)s are due on %(date)s",
            count,
        )
    return text % (values | {"count": count})


def _pending_reminders(reporting_round, today, pending: list[ProgressReport], users: Recipients) -> list[Outgoing]:
    """Due soon within the window before the due date, overdue after it: one per round and focal point."""
    days_left = (reporting_round.due_on - today).days
    if days_left < 0:
        kind, key_prefix = OVERDUE, "overdue"
    elif days_left <= settings.REMINDER_DAYS_BEFORE_DUE:
        kind, key_prefix = DUE_SOON, "due"
    else:
        return []
    by_organisation: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in pending:
        by_organisation[report.organisation_id].append(report)
    due_on = date_format(reporting_round.due_on)
    outgoing = []
    for organisation_id, reports in by_organisation.items():
        context = {
            "organisation": reports[0].organisation.name,
            "round": reporting_round.label,
            "plan": reporting_round.plan.title,
            "due_on": due_on,
            "days_left": days_left,
            "reports": _report_lines(reports),
            "round_url": link(reporting_round.get_absolute_url()),
        }
        subject = _pending_subject(kind, len(reports), {"round": reporting_round.label, "date": due_on})
        template = kind.replace("-", "_")
        outgoing.extend(
            Outgoing(kind, f"{key_prefix}:{reporting_round.pk}:{user.pk}", user, subject, template, context)
            for user in users.focal_points.get(organisation_id, [])
        )
    return outgoing


def _returned_reminders(reporting_round, returned: list[ProgressReport], users: Recipients) -> list[Outgoing]:
    """One per return: the latest transition to "returned" of every report that is returned now."""
    latest: dict[int, ReportTransition] = {}
    transitions = ReportTransition.objects.filter(report__in=returned, to_status=Status.RETURNED).order_by("at", "pk")
    for transition in transitions:
        latest[transition.report_id] = transition
    outgoing = []
    for report in returned:
        transition = latest.get(report.pk)
        if transition is None:
            continue
        context = {
            "organisation": report.organisation.name,
            "round": reporting_round.label,
            "plan": reporting_round.plan.title,
            "number": report.measure.number,
            "text": report.measure.short_text,
            "returned_on": date_format(timezone.localtime(transition.at)),
            "comment": transition.comment,
            "url": link(report.get_absolute_url()),
            "due_on": date_format(reporting_round.due_on),
        }
        subject = gettext("CTIMS: your report on measure %(number)s (%(round)s) was returned for correction") % {
            "number": report.measure.number,
            "round": reporting_round.label,
        }
        outgoing.extend(
            Outgoing(RETURNED, f"returned:{transition.pk}:{user.pk}", user, subject, "returned", context)
            for user in users.focal_points.get(report.organisation_id, [])
        )
    return outgoing


def _digests(reporting_round, today, submitted: list[ProgressReport], users: Recipients) -> list[Outgoing]:
    if not users.coordinators:
        return []
    rows = compliance(reporting_round)
    total = compliance_total(rows)
    # Missing reports are news only from the reminder window on; before it, a daily digest would just be noise.
    missing_matters = (reporting_round.due_on - today).days <= settings.REMINDER_DAYS_BEFORE_DUE
    if not submitted and not (total.missing and missing_matters):
        return []
    context = {
        "round": reporting_round.label,
        "plan": reporting_round.plan.title,
        "today": date_format(today),
        "due_on": date_format(reporting_round.due_on),
        "past_due": reporting_round.is_past_due(today),
        "waiting": _report_lines(submitted),
        "missing": total.missing,
        "late": total.late,
        "returned": total.returned,
        "silent": [{"organisation": row.organisation, "missing": row.missing} for row in rows if row.missing],
        "dashboard_url": link(reverse("monitoring-dashboard")),
        "round_url": link(reporting_round.get_absolute_url()),
    }
    subject = gettext("CTIMS digest for %(round)s: %(waiting)d to review, %(missing)d missing (%(date)s)") % {
        "round": reporting_round.label,
        "waiting": len(submitted),
        "missing": total.missing,
        "date": context["today"],
    }
    return [
        Outgoing(DIGEST, f"digest:{reporting_round.pk}:{user.pk}:{today.isoformat()}", user, subject, "digest", context)
        for user in users.coordinators
    ]

"""Figures about hotline calls, for the statistics page and the annual report (table R3): counts only, never a
summary, a region or a caller detail."""

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.dates import MONTHS

from hotline.models import REFERRAL_ACTIONS, Action, Call, CallerType, Channel, SignalType

# The dimensions counted, as (key in the result, model field, choices).
DIMENSIONS = (
    ("by_channel", "channel", Channel),
    ("by_caller_type", "caller_type", CallerType),
    ("by_signal_type", "signal_type", SignalType),
    ("by_action", "action", Action),
)


def call_statistics(*, year: int, organisation=None) -> dict:
    """The calls received in `year` (local time) by `organisation`, or by every organisation when None:

    {"year", "total", "thb_relevant", "referred",
     "by_month": [{"month": 1, "label": "January", "count": n}, … 12 rows],
     "by_channel" / "by_caller_type" / "by_signal_type" / "by_action": [{"code", "label", "count"}, … every choice]}

    "Referred" counts the calls passed to the police, an NGO or a consulate.
    """
    calls = Call.objects.filter(received_at__year=year).order_by()
    if organisation is not None:
        calls = calls.filter(organisation=organisation)
    totals = calls.aggregate(
        total=Count("pk"),
        thb_relevant=Count("pk", filter=Q(thb_relevant=True)),
        referred=Count("pk", filter=Q(action__in=REFERRAL_ACTIONS)),
    )
    months = dict(calls.annotate(month=ExtractMonth("received_at")).values_list("month").annotate(n=Count("pk")))
    result = {
        "year": year,
        **totals,
        "by_month": [{"month": m, "label": MONTHS[m], "count": months.get(m, 0)} for m in range(1, 13)],
    }
    for key, field, choices in DIMENSIONS:
        counts = dict(calls.values_list(field).annotate(n=Count("pk")))
        result[key] = [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in choices.choices]
    return result

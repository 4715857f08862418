from django import template
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from monitoring.models import ReportingRound
from monitoring.selectors import reports_visible_to, statuses_by_round

register = template.Library()


REPORTS_PER_ROUND = 10


@register.inclusion_tag("monitoring/includes/measure_monitoring.html", takes_context=True)
def measure_monitoring(context, measure) -> dict:
    """A measure's status in each round, and the reports behind it that the viewer may read."""
    user = context["request"].user
    if not user.has_perm("monitoring.view_rounds"):
        return {"visible": False}
    rounds = sorted(ReportingRound.objects.filter(plan=measure.plan_id), key=lambda r: r.period_end)
    statuses = statuses_by_round(measure.plan, rounds)
    visible = reports_visible_to(user).filter(measure=measure)
    counts = dict(visible.values("round_id").annotate(count=Count("pk")).order_by().values_list("round_id", "count"))
    # A measure carried out by every district has hundreds of reports a round: the page shows the first few of each
    # round (one query, numbered per round in the database) and links to the rest.
    first = visible.annotate(
        row=Window(RowNumber(), partition_by=F("round_id"), order_by=[F("organisation__name").asc(), F("pk").asc()])
    ).filter(row__lte=REPORTS_PER_ROUND)
    by_round: dict[int, list] = {}
    for report in first.order_by("round_id", "organisation__name", "pk"):
        by_round.setdefault(report.round_id, []).append(report)
    history = [
        (r, statuses[r.pk][measure.pk], by_round.get(r.pk, []), counts.get(r.pk, 0) - len(by_round.get(r.pk, [])))
        for r in reversed(rounds)
    ]
    return {"visible": True, "history": history, "measure": measure}

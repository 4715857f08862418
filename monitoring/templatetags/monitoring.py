from django import template

from monitoring.models import ReportingRound
from monitoring.selectors import reports_visible_to, statuses_by_round

register = template.Library()


@register.inclusion_tag("monitoring/includes/measure_monitoring.html", takes_context=True)
def measure_monitoring(context, measure) -> dict:
    """A measure's status in each round, and the reports behind it that the viewer may read."""
    user = context["request"].user
    if not user.has_perm("monitoring.view_rounds"):
        return {"visible": False}
    rounds = sorted(ReportingRound.objects.filter(plan=measure.plan_id), key=lambda r: r.period_end)
    statuses = statuses_by_round(measure.plan, rounds)
    reports = reports_visible_to(user).filter(measure=measure).order_by("round__year", "organisation__name")
    by_round: dict[int, list] = {}
    for report in reports:
        by_round.setdefault(report.round_id, []).append(report)
    history = [(r, statuses[r.pk][measure.pk], by_round.get(r.pk, [])) for r in reversed(rounds)]
    return {"visible": True, "history": history}

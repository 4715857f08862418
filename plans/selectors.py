"""Reading plans: the filtered measure list that the plan page, the API and the exports share."""

from django.db.models import Prefetch, Q, QuerySet

from plans.models import Measure, Participation


def measure_list(
    *,
    plan=None,
    organisation=None,
    direction=None,
    role: str | None = None,
    search: str | None = None,
) -> QuerySet[Measure]:
    """Measures in plan order with direction and participants loaded; every filter is optional."""
    measures = Measure.objects.select_related("direction", "plan").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation").order_by("position"),
        )
    )
    if plan is not None:
        measures = measures.filter(plan=plan)
    if direction is not None:
        measures = measures.filter(direction=direction)
    if organisation is not None or role:
        taking_part = Participation.objects.all()
        if organisation is not None:
            taking_part = taking_part.filter(organisation=organisation)
        if role:
            taking_part = taking_part.filter(role=role)
        measures = measures.filter(pk__in=taking_part.values("measure_id"))
    for word in (search or "").split():
        # Every word must occur in the activity, the number or a participant's name.
        measures = measures.filter(
            Q(text__icontains=word)
            | Q(number__startswith=word)
            | Q(pk__in=Participation.objects.filter(organisation__name__icontains=word).values("measure_id"))
        )
    return measures.order_by("plan", "position")


def participants_by_role(measure: Measure) -> dict[str, list]:
    """{role: [organisation, …]} in the plan's order, from the prefetched participations."""
    grouped: dict[str, list] = {role: [] for role in Participation.Role.values}
    for participation in measure.participations.all():
        grouped[participation.role].append(participation.organisation)
    return grouped

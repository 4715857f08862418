from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from plans.models import Participation, Plan


@login_required
def home(request):
    """Where everyone lands: the plans, and the measures the user's own organisation takes part in."""
    plans = Plan.objects.annotate(measure_count=Count("measures")).filter(measure_count__gt=0)
    organisation = request.user.organisation
    own = Participation.objects.none()
    if organisation and request.user.has_perm("plans.view_plan"):
        own = (
            Participation.objects.filter(organisation=organisation)
            .values("role")
            .annotate(count=Count("measure", distinct=True))
            .order_by("role")
        )
    roles = dict(Participation.Role.choices)
    context = {
        "plans": plans if request.user.has_perm("plans.view_plan") else Plan.objects.none(),
        "own": [(roles[row["role"]], row["count"]) for row in own],
    }
    return render(request, "home.html", context)

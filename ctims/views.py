from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import permission_required
from lib.registers import REGISTERS
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


# Pages about the registers that are not a register's own list: (label, URL name, permission).
REGISTER_PAGES = [
    (_("Hotline statistics"), "hotline-statistics", "hotline.view_statistics"),
    (_("Open follow-up actions of coordination meetings"), "partners-follow-up", "partners.read"),
]


@permission_required("ctims.view_registers")
def register_index(request):
    """The registers the user may read, by area, with the number of entries the user can see in each."""
    from django.apps import apps

    areas = {}
    for register in REGISTERS.values():
        if request.user.has_perm(register.read):
            area = apps.get_containing_app_config(register.model.__module__).verbose_name
            areas.setdefault(area, []).append((register, register.queryset(request.user).count()))
    pages = [(label, reverse(url_name)) for label, url_name, perm in REGISTER_PAGES if request.user.has_perm(perm)]
    return render(request, "registers/index.html", {"areas": list(areas.items()), "pages": pages})


@require_GET
@never_cache
def health(request):
    """For monitoring, without signing in: "ok" when the application answers and its database too. It says nothing
    else; when the database is down, the 503 of ctims.middleware answers instead."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
def ping(request):
    """A tiny page for any signed-in user: tells a client its session is alive, and is the benchmarks' floor (the
    cost of the framework itself: middleware, session, user, template)."""
    return render(request, "ping.html")

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.decorators import permission_required
from lib.pagination import paginate
from lib.sorting import sort_by
from organisations.models import Organisation
from plans.models import Participation
from plans.selectors import measure_list

VIEW_ORGANISATION = "organisations.view_organisation"
SORTS = {"name": "name", "kind": "kind", "measures": "measure_count"}


@permission_required(VIEW_ORGANISATION)
def organisation_list(request):
    organisations = Organisation.objects.annotate(measure_count=Count("participations__measure", distinct=True))
    search = request.GET.get("q", "").strip()
    if "\x00" in search:  # no text stored anywhere holds one, and PostgreSQL refuses it in a query
        messages.error(request, _("Null characters are not allowed."))
        organisations = organisations.none()
    elif search:
        organisations = organisations.filter(Q(name__icontains=search) | Q(aliases__name__icontains=search)).distinct()
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    organisations, sort = sort_by(request, organisations, SORTS, default="name")
    context = {
        "page": paginate(request, organisations),
        "search": search,
        "kind": kind,
        "kinds": Organisation.Kind.choices,
        "sort": sort,
    }
    return render(request, "organisations/organisation_list.html", context)


@permission_required(VIEW_ORGANISATION)
def organisation_detail(request, organisation_id: int):
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), pk=organisation_id)
    measures = measure_list(organisation=organisation)
    roles = {}
    for participation in organisation.participations.values("measure_id", "role"):
        roles.setdefault(participation["measure_id"], []).append(participation["role"])
    by_role = []
    all_measures = list(measures)
    for role, label in Participation.Role.choices:
        by_role.append((label, [m for m in all_measures if role in roles.get(m.pk, [])]))
    context = {
        "organisation": organisation,
        "aliases": organisation.aliases.all(),
        "by_role": by_role,
    }
    return render(request, "organisations/organisation_detail.html", context)

"""The hotline statistics page: the figures the National Coordinator needs, without any call in them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.decorators import permission_required
from accounts.roles import Role
from hotline.selectors import call_statistics

FIRST_YEAR = 2014  # the first year of the first plan CTIMS carries
BREAKDOWNS = (
    ("by_channel", _("By channel"), _("Channel")),
    ("by_caller_type", _("By caller type"), _("Caller type")),
    ("by_signal_type", _("By signal type"), _("Signal type")),
    ("by_action", _("By action taken"), _("Action")),
)


def _year_asked(request) -> int:
    """?year= when it is a year CTIMS can hold calls for, else the current year."""
    current = timezone.localdate().year
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if FIRST_YEAR <= year <= current else current


@permission_required("hotline.view_statistics")
def statistics(request):
    """The Coordinator sees every organisation's calls counted; an operator those of their own organisation."""
    user = request.user
    if user.has_role(Role.COORDINATOR):
        organisation = None
    elif user.organisation_id is not None:
        organisation = user.organisation
    else:
        raise PermissionDenied
    year = _year_asked(request)
    figures = call_statistics(year=year, organisation=organisation)
    breakdowns = [(title, heading, figures[key]) for key, title, heading in BREAKDOWNS]
    context = {
        "figures": figures,
        "breakdowns": breakdowns,
        "organisation": organisation,
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
    }
    return render(request, "hotline/statistics.html", context)

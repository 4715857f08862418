"""The partnership pages that the register machinery does not make: the IATI file of donor support and the open
follow-up actions of all meetings."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.decorators import permission_required
from lib.pagination import paginate
from organisations.models import Organisation
from partners.iati import iati_activities_xml, iati_reporting_org
from partners.models import FollowUpAction
from partners.registers import donor_support


@permission_required("partners.export_iati")
def donor_support_iati(request):
    """The supports the list shows with the same filters, as an IATI 2.03 activity file."""
    _form, supports = donor_support.filtered(request.user, request.GET)
    supports = supports.prefetch_related("transactions").order_by("start_on", "pk")
    response = HttpResponse(iati_activities_xml(supports, **iati_reporting_org()), content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="ctims-iati-activities.xml"'
    return response


class FollowUpFilterForm(forms.Form):
    responsible = forms.ModelChoiceField(
        Organisation.objects.filter(is_class=False).order_by("name"),
        label=_("Responsible organisation"),
        required=False,
    )


@permission_required("partners.read")
def follow_up_list(request):
    """Follow-up actions not yet done or dropped, across meetings, the earliest due first; overdue ones marked."""
    form = FollowUpFilterForm(request.GET or None)
    actions = FollowUpAction.objects.filter(status__in=FollowUpAction.PENDING).select_related(
        "meeting", "responsible", "measure"
    )
    if form.is_valid() and form.cleaned_data["responsible"]:
        actions = actions.filter(responsible=form.cleaned_data["responsible"])
    page = paginate(request, actions.order_by("due_on", "pk"))
    today = timezone.localdate()
    rows = [(action, action.is_overdue(today)) for action in page.object_list]
    return render(request, "partners/follow_up_list.html", {"form": form, "page": page, "rows": rows})

"""Loading one object for the user asking, or refusing without saying whether it exists."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from monitoring.models import Need, ProgressReport, ReportAttachment


def report_for(user, pk: int, perm: str = "monitoring.view_report") -> ProgressReport:
    report = get_object_or_404(
        ProgressReport.objects.select_related("round__plan", "measure__direction", "organisation"), pk=pk
    )
    if not user.has_perm("monitoring.view_report", report):
        raise Http404  # reports the user may not read are not there, for them
    if perm != "monitoring.view_report" and not user.has_perm(perm, report):
        raise PermissionDenied
    return report


def attachment_for(user, token: str) -> ReportAttachment:
    attachment = get_object_or_404(ReportAttachment.objects.select_related("report"), token=token)
    if not user.has_perm("monitoring.view_report", attachment.report):
        raise Http404
    return attachment


def need_for(user, pk: int) -> Need:
    need = get_object_or_404(Need.objects.select_related("report__measure", "report__organisation", "raised_by"), pk=pk)
    if not user.has_perm("monitoring.view_need", need):
        raise Http404
    return need

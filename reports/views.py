"""The Coordinator's annual-report page: preview and draft files from today's data, issue, and the issued editions.

Drafts are built on request and never stored; an issued report is served from its frozen snapshot.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import permission_required
from audit.services import event_record
from reports import render as draw
from reports.build import report_build
from reports.forms import IssueForm, ReportChoiceForm
from reports.models import FORMATS, Edition, IssuedReport
from reports.services import issued_report, report_file, report_issue


@permission_required("reports.list_issued_reports")
def index(request, issue_form: IssueForm | None = None):
    issued = IssuedReport.objects.select_related("issued_by").defer("pdf", "docx", "xlsx", "content")
    if not request.user.has_perm("reports.preview_annual_report"):
        issued = issued.filter(edition=Edition.PUBLIC)
    context = {
        "issued": issued,
        "choice": ReportChoiceForm(initial={"edition": Edition.PUBLIC}),
        "issue_form": issue_form or IssueForm(initial={"edition": Edition.PUBLIC}),
    }
    return render(request, "reports/index.html", context, status=400 if issue_form else 200)


def _chosen(request) -> tuple[int, str]:
    form = ReportChoiceForm(request.GET)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["year"], form.cleaned_data["edition"]


@permission_required("reports.preview_annual_report")
def preview(request):
    year, edition = _chosen(request)
    report = report_build(year=year, edition=edition, language=request.LANGUAGE_CODE)
    _audit_read(request, "annual_report.preview", year, edition)
    return render(
        request,
        "reports/preview.html",
        {"report": report, "document": draw.html_document(report), "year": year, "edition": edition},
    )


@permission_required("reports.preview_annual_report")
def draft_file(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    year, edition = _chosen(request)
    report = report_build(year=year, edition=edition, language=request.LANGUAGE_CODE)
    _audit_read(request, "annual_report.draft", year, edition, fmt=fmt)
    return _file_response(report_file(report, fmt), fmt, f"annual-report-{year}-{edition}-draft")


@permission_required("reports.issue_annual_report")
@require_POST
def issue(request):
    form = IssueForm(request.POST)
    if not form.is_valid():
        return index(request, issue_form=form)
    issued = report_issue(
        year=form.cleaned_data["year"],
        edition=form.cleaned_data["edition"],
        actor=request.user,
        language=request.LANGUAGE_CODE,
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("The report is issued as version %(version)s.") % {"version": issued.version})
    return redirect(issued)


def _issued_for(request, uid) -> IssuedReport:
    issued = get_object_or_404(IssuedReport.objects.select_related("issued_by"), uid=uid)
    if not request.user.has_perm("reports.view_issued_report", issued):
        raise Http404  # a restricted edition's existence is not shown to those who may not read it
    return issued


@permission_required("reports.list_issued_reports")
def issued_detail(request, uid):
    issued = _issued_for(request, uid)
    report = issued_report(issued)
    if issued.edition == Edition.RESTRICTED:
        _audit_read(request, "annual_report.read", issued.year, issued.edition, obj=issued)
    return render(
        request,
        "reports/issued.html",
        {"issued": issued, "report": report, "document": draw.html_document(report), "formats": FORMATS},
    )


@permission_required("reports.list_issued_reports")
def issued_file(request, uid, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    issued = _issued_for(request, uid)
    if issued.edition == Edition.RESTRICTED:
        _audit_read(request, "annual_report.download", issued.year, issued.edition, obj=issued, fmt=fmt)
    name = f"annual-report-{issued.year}-{issued.edition}-v{issued.version}"
    return _file_response(issued.file(fmt), fmt, name)


def _file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def _audit_read(request, action: str, year: int, edition: str, *, obj=None, **details) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    reference = {"obj": obj} if obj is not None else {"object_type": "reports.annualreport", "object_id": str(year)}
    event_record(actor=request.user, action=action, details={"edition": edition, **details}, **reference)

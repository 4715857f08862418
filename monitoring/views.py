import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from lib.errors import form_add_errors
from lib.pagination import paginate
from lib.registers import entries_by_key, readable_keys
from lib.tables import table_response
from monitoring import services
from monitoring.access import attachment_for, need_for, report_for
from monitoring.charts import progress_chart
from monitoring.forms import (
    AttachmentForm,
    EvidenceForm,
    NeedForm,
    NeedUpdateForm,
    ReportFilterForm,
    ReportForm,
    ResultFormSet,
    ReviewForm,
    RoundForm,
    SpendingFormSet,
)
from monitoring.models import MeasureStatus, Need, ProgressReport, ReportingRound
from monitoring.selectors import (
    COMPLIANCE_COLUMNS,
    compliance,
    compliance_total,
    measure_statuses,
    plan_statuses,
    progress_across_rounds,
    reports_visible_to,
)
from monitoring.selectors import (
    dashboard as dashboard_figures,
)
from plans.models import Measure, Participation

Status = ProgressReport.Status
DIGITS = re.compile(r"[0-9]{1,18}")


def _current_round(request) -> ReportingRound | None:
    rounds = ReportingRound.objects.select_related("plan")
    chosen = request.GET.get("round", "")
    if DIGITS.fullmatch(chosen):
        return get_object_or_404(rounds, pk=chosen)
    return (
        rounds.filter(state=ReportingRound.State.OPEN).order_by("-year", "-period_number").first()
        or rounds.order_by("-year", "-period_number").first()
    )


# Dashboard and rounds ---------------------------------------------------------------------------------------


@permission_required("monitoring.view_dashboard")
def dashboard(request):
    reporting_round = _current_round(request)
    if reporting_round is None:
        return render(request, "monitoring/dashboard.html", {"round": None})
    computed = plan_statuses(reporting_round.plan)
    board = dashboard_figures(reporting_round, statuses=computed[1][reporting_round.pk])
    context = {
        "round": reporting_round,
        "rounds": ReportingRound.objects.filter(plan=reporting_round.plan_id),
        "board": board,
        "statuses": MeasureStatus.choices,
        "total": compliance_total(board.compliance),
        "chart": progress_chart(progress_across_rounds(reporting_round.plan, computed)),
    }
    return render(request, "monitoring/dashboard.html", context)


@permission_required("monitoring.view_rounds")
def round_list(request):
    rounds = ReportingRound.objects.select_related("plan").order_by("-year", "-period_number")
    return render(request, "monitoring/round_list.html", {"page": paginate(request, rounds)})


@permission_required("monitoring.manage_rounds")
@require_http_methods(["GET", "POST"])
def round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting_round = services.round_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            count = reporting_round.reports.count()
            messages.success(
                request,
                _("Round %(label)s is open: %(count)s reports are expected.")
                % {"label": reporting_round.label, "count": count},
            )
            return redirect(reporting_round)
    return render(request, "monitoring/round_form.html", {"form": form})


def _status_rows(reporting_round, request):
    """The measures of the round's plan with their status, filtered as the query string asks."""
    statuses = measure_statuses(reporting_round)
    measures = Measure.objects.filter(plan=reporting_round.plan_id).select_related("direction")
    direction, status, overdue = request.GET.get("direction"), request.GET.get("status"), request.GET.get("overdue")
    rows = []
    for measure in measures:
        info = statuses[measure.pk]
        if direction and measure.direction.number != direction:
            continue
        if status and info.status != status:
            continue
        if overdue and not info.overdue:
            continue
        rows.append((measure, info))
    return rows


@permission_required("monitoring.view_rounds")
def round_detail(request, round_id: int):
    reporting_round = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_id)
    rows = _status_rows(reporting_round, request)
    context = {
        "round": reporting_round,
        "rows": rows,
        "statuses": MeasureStatus.choices,
        "directions": reporting_round.plan.directions.order_by("position"),
        "query": request.GET.urlencode(),
    }
    return render(request, "monitoring/round_detail.html", context)


@permission_required("monitoring.manage_rounds")
@require_POST
def round_close(request, round_id: int):
    reporting_round = get_object_or_404(ReportingRound, pk=round_id)
    try:
        services.round_close(reporting_round=reporting_round, actor=request.user)
        messages.success(request, _("Round %(label)s is closed.") % {"label": reporting_round.label})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reporting_round)


@permission_required("monitoring.view_rounds")
def measure_status_export(request, round_id: int, fmt: str):
    reporting_round = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_id)
    headings = [
        _("Number"),
        _("Direction"),
        _("Activity"),
        _("Status"),
        _("Overdue"),
        _("Executors reported"),
        _("Executors"),
    ]
    rows = [
        [
            m.number,
            m.direction.number,
            m.text,
            str(info.label),
            _("yes") if info.overdue else "",
            info.reported,
            info.executors,
        ]
        for m, info in _status_rows(reporting_round, request)
    ]
    return table_response(fmt, f"measure-status-{reporting_round.label}", headings, rows)


@permission_required("monitoring.view_dashboard")
def compliance_export(request, round_id: int, fmt: str):
    reporting_round = get_object_or_404(ReportingRound, pk=round_id)
    headings = [_("Organisation"), *[_(name.replace("_", " ").capitalize()) for name in COMPLIANCE_COLUMNS]]
    headings += [_("Reporting rate %"), _("On-time rate %")]
    rows = [
        [row.organisation, *[getattr(row, name) for name in COMPLIANCE_COLUMNS], row.reporting_rate, row.on_time_rate]
        for row in compliance(reporting_round)
    ]
    return table_response(fmt, f"reporting-compliance-{reporting_round.label}", headings, rows)


# Reports ----------------------------------------------------------------------------------------------------

FLAG_FILTERS = {
    "missing": Q(first_submitted_at__isnull=True),
    "submitted": Q(first_submitted_at__isnull=False),
    "on_time": Q(first_submitted_at__isnull=False, late=False),
    "late": Q(late=True),
    "returned": Q(status=Status.RETURNED),
    "accepted": Q(status=Status.ACCEPTED),
    "awaiting": Q(status=Status.SUBMITTED),
}


@permission_required("monitoring.list_reports")
def report_list(request):
    form = ReportFilterForm(request.GET or None)
    form.fields["round"].queryset = ReportingRound.objects.select_related("plan")
    reports = reports_visible_to(request.user).order_by("-round__year", "measure__position", "organisation__name")
    if form.is_valid():
        data = form.cleaned_data
        if data["round"]:
            reports = reports.filter(round=data["round"])
        if data["organisation"]:
            reports = reports.filter(organisation_id=data["organisation"])
        if data["measure"]:
            reports = reports.filter(measure__number=data["measure"].strip().rstrip("."))
        if data["flag"]:
            reports = reports.filter(FLAG_FILTERS[data["flag"]])
        if data["expected"]:
            reports = reports.filter(expected=True)
    writable = _volunteer_choices(request.user) if request.user.has_perm("monitoring.start_report") else []
    context = {"form": form, "page": paginate(request, reports), "volunteer": writable}
    return render(request, "monitoring/report_list.html", context)


def _volunteer_choices(user) -> list[tuple[ReportingRound, Measure]]:
    """Open rounds × measures the user's organisation takes part in but has no report on yet (at most 200)."""
    rounds = list(ReportingRound.objects.filter(state=ReportingRound.State.OPEN).select_related("plan"))
    if not rounds:
        return []
    taken = set(
        ProgressReport.objects.filter(round__in=rounds, organisation_id=user.organisation_id).values_list(
            "round_id", "measure_id"
        )
    )
    participations = (
        Participation.objects.filter(organisation_id=user.organisation_id)
        .exclude(role=Participation.Role.EXECUTOR)  # executors' reports are created when the round opens
        .select_related("measure")
    )
    choices = []
    for reporting_round in rounds:
        for participation in participations:
            measure = participation.measure
            if measure.plan_id == reporting_round.plan_id and (reporting_round.pk, measure.pk) not in taken:
                choices.append((reporting_round, measure))
    return sorted(set(choices), key=lambda pair: (pair[0].pk, pair[1].position))[:200]


@permission_required("monitoring.start_report")
@require_POST
def report_create(request):
    """A report the organisation was not expected to write (it is involved or recommended)."""
    round_id, _sep, measure_id = request.POST.get("choice", "").partition(":")
    if not (DIGITS.fullmatch(round_id) and DIGITS.fullmatch(measure_id)):
        messages.error(request, _("Choose the round and the measure to report on."))
        return redirect("monitoring-reports")
    reporting_round = get_object_or_404(ReportingRound, pk=round_id)
    measure = get_object_or_404(Measure, pk=measure_id, plan=reporting_round.plan_id)
    try:
        report = services.report_start(
            reporting_round=reporting_round, measure=measure, organisation=request.user.organisation, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("monitoring-reports")
    return redirect("monitoring-report-edit", report.pk)


@permission_required("monitoring.list_reports")
def report_detail(request, report_id: int):
    report = report_for(request.user, report_id)
    context = {
        "report": report,
        "transitions": report.transitions.select_related("actor"),
        "results": report.results.all(),
        "spending": report.spending.all(),
        "attachments": report.attachments.all(),
        "cited": _cited_entries(request.user, report),
        "needs": report.needs.all() if request.user.has_perm("monitoring.list_needs") else [],
        "can_write": report.is_editable and request.user.has_perm("monitoring.write_report", report),
        "can_review": request.user.has_perm("monitoring.review_report", report),
        "can_raise_need": request.user.has_perm("monitoring.raise_need", report),
        "review_form": ReviewForm(),
        "need_form": NeedForm(),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "monitoring/report_detail.html", context)


def _cited_entries(user, report) -> list[tuple]:
    """(register, entry, readable) for each register entry the report cites; an entry the reader may not open is
    named by its register only."""
    found = entries_by_key(report.evidence.values_list("key", flat=True))
    readable = readable_keys(user, found)
    return [(entry.register, entry, key in readable) for key, entry in found.items()]


@permission_required("monitoring.list_reports")
@require_http_methods(["GET", "POST"])
def report_edit(request, report_id: int):
    report = report_for(request.user, report_id, "monitoring.write_report")
    if not report.is_editable:
        messages.error(request, " ".join(services.why_not_editable(report).messages))
        return redirect(report)
    data = request.POST or None
    form = ReportForm(data, instance=report)
    results = ResultFormSet(data, instance=report, prefix="results")
    spending = SpendingFormSet(data, instance=report, prefix="spending")
    candidates = services.evidence_candidates(report=report, actor=request.user)
    cited = list(report.evidence.values_list("key", flat=True))
    evidence = EvidenceForm(data, candidates=candidates, prefix="evidence", initial={"entries": cited})
    forms_valid = form.is_valid() and results.is_valid() and spending.is_valid() and evidence.is_valid()
    if request.method == "POST" and forms_valid:
        try:
            with transaction.atomic():
                services.report_update(report=report, actor=request.user, **form.cleaned_data)
                results.save()
                spending.save()
                services.report_evidence_set(report=report, actor=request.user, keys=evidence.cleaned_data["entries"])
                if "submit" in request.POST:
                    services.report_submit(report=report, actor=request.user)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if report.status == Status.SUBMITTED:
                messages.success(request, _("The report is submitted to the National Coordinator."))
                return redirect(report)
            messages.success(request, _("Draft saved."))
            return redirect("monitoring-report-edit", report.pk)
    context = {
        "report": report,
        "form": form,
        "results": results,
        "spending": spending,
        "evidence": evidence,
        "attachment_form": AttachmentForm(),
    }
    return render(request, "monitoring/report_form.html", context)


@permission_required("monitoring.list_reports")
@require_POST
def report_submit(request, report_id: int):
    report = report_for(request.user, report_id, "monitoring.write_report")
    try:
        services.report_submit(report=report, actor=request.user)
        messages.success(request, _("The report is submitted to the National Coordinator."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


@permission_required("monitoring.list_reports")
@require_POST
def report_review(request, report_id: int):
    report = report_for(request.user, report_id, "monitoring.review_report")
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("action") == "accept":
            services.report_accept(report=report, actor=request.user, comment=comment)
            messages.success(request, _("The report is accepted."))
        else:
            services.report_return(report=report, actor=request.user, comment=comment)
            messages.success(
                request, _("The report is returned to %(organisation)s.") % {"organisation": report.organisation}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


@permission_required("monitoring.list_reports")
@require_POST
def attachment_upload(request, report_id: int):
    report = report_for(request.user, report_id, "monitoring.write_report")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(report=report, upload=form.cleaned_data["file"], actor=request.user)
            messages.success(request, _("The file is attached."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("monitoring-report-edit", report.pk)


@permission_required("monitoring.list_reports")
def attachment_download(request, token: str):
    attachment = attachment_for(request.user, token)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("monitoring.list_reports")
@require_POST
def attachment_delete(request, token: str):
    attachment = attachment_for(request.user, token)
    report = report_for(request.user, attachment.report_id, "monitoring.write_report")
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("monitoring-report-edit", report.pk)


# Needs ------------------------------------------------------------------------------------------------------


@permission_required("monitoring.list_reports")
@require_POST
def need_create(request, report_id: int):
    report = report_for(request.user, report_id, "monitoring.raise_need")
    form = NeedForm(request.POST)
    if form.is_valid():
        services.need_raise(report=report, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The need is recorded; the National Coordinator will follow it up."))
    else:
        messages.error(request, _("Choose the kind of need and describe it."))
    return redirect(report)


@permission_required("monitoring.list_needs")
def need_list(request):
    needs = Need.objects.select_related("report__measure", "report__organisation", "report__round")
    if not request.user.has_role("coordinator"):
        needs = needs.filter(report__organisation_id=request.user.organisation_id)
    state = request.GET.get("state", "")
    if state == "unresolved":
        needs = needs.filter(state__in=[Need.State.OPEN, Need.State.IN_PROGRESS])
    elif state in Need.State.values:
        needs = needs.filter(state=state)
    context = {"page": paginate(request, needs), "state": state, "states": Need.State.choices}
    return render(request, "monitoring/need_list.html", context)


@permission_required("monitoring.list_needs")
@require_http_methods(["GET", "POST"])
def need_detail(request, need_id: int):
    need = need_for(request.user, need_id)
    can_manage = request.user.has_perm("monitoring.manage_need", need)
    form = NeedUpdateForm(request.POST or None, instance=need) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            services.need_update(need=need, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The need is updated."))
            return redirect(need)
    return render(request, "monitoring/need_detail.html", {"need": need, "form": form})

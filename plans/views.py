import io
from itertools import groupby

from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from accounts.decorators import permission_required
from lib.pagination import paginate
from lib.registers import entries_for_measure
from plans.exports import write_csv, write_xlsx
from plans.forms import MeasureFilterForm
from plans.models import Measure, Participation, Plan
from plans.selectors import measure_list, participants_by_role

VIEW_PLAN = "plans.view_plan"


@permission_required(VIEW_PLAN)
def plan_list(request):
    plans = Plan.objects.annotate(
        measure_count=Count("measures", distinct=True), direction_count=Count("directions", distinct=True)
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


def _filtered_measures(request, plan):
    form = MeasureFilterForm(request.GET or None, plan=plan)
    return form, measure_list(plan=plan, **form.filters())


@permission_required(VIEW_PLAN)
def plan_detail(request, plan_id: int):
    plan = get_object_or_404(Plan, pk=plan_id)
    form, measures = _filtered_measures(request, plan)
    page = paginate(request, measures)
    for measure in page.object_list:
        measure.by_role = participants_by_role(measure)
    sections = [(direction, list(items)) for direction, items in groupby(page.object_list, key=lambda m: m.direction)]
    context = {
        "plan": plan,
        "form": form,
        "page": page,
        "sections": sections,
        "filtered": any(form.filters().values()) if form.is_bound else False,
        "total": plan.measures.count(),
        "query": request.GET.urlencode(),
    }
    return render(request, "plans/plan_detail.html", context)


@permission_required(VIEW_PLAN)
def plan_export(request, plan_id: int, fmt: str):
    """The plan page's list, with its filters, as a spreadsheet that import_plan can read back."""
    plan = get_object_or_404(Plan, pk=plan_id)
    form, measures = _filtered_measures(request, plan)
    if form.is_bound and not form.is_valid():  # a download cannot show the form's errors: refuse, never export all
        errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    filename = f"{slugify(plan.title)[:60]}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(measures, buffer)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(plan, measures, buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required(VIEW_PLAN)
def measure_detail(request, measure_id: int):
    measure = get_object_or_404(measure_list(), pk=measure_id)
    siblings = Measure.objects.filter(plan=measure.plan_id).only("pk", "number")
    context = {
        "measure": measure,
        "plan": measure.plan,
        "by_role": [(label, participants_by_role(measure)[role]) for role, label in Participation.Role.choices],
        "previous": siblings.filter(position__lt=measure.position).order_by("-position").first(),
        "next": siblings.filter(position__gt=measure.position).order_by("position").first(),
        "linked": entries_for_measure(request.user, measure),
    }
    return render(request, "plans/measure_detail.html", context)

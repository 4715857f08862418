"""Case pages. A case is addressed by a random uid; names, identifiers and the reference code never appear in a URL.

Every read of a case is recorded in the audit trail; a case worker opening a case someone else registered first
states why.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from audit.models import AuditEvent
from audit.services import event_record
from cases import care, protection, services
from cases.forms import (
    AgeForm,
    AnswerForm,
    AssessmentForm,
    BestInterestForm,
    CaseFilterForm,
    CaseForm,
    ConsentForm,
    DecideForm,
    DischargeForm,
    EnrolmentForm,
    ExtendForm,
    FacilityForm,
    FollowUpForm,
    GuardianForm,
    HandOverForm,
    MeasureForm,
    NotificationForm,
    OutcomeForm,
    PersonForm,
    PlacementForm,
    ReadReasonForm,
    ReferralForm,
    RiskForm,
    RiskOffForm,
    ServiceForm,
    StatusForm,
)
from cases.models import Case, Facility, Referral
from cases.selectors import CHILD_FILTER, cases_pseudonymised
from lib.errors import form_add_errors
from lib.pagination import paginate
from organisations.models import Organisation

READ_REASONS_SESSION_KEY = "cases_read_reasons"


def _case_for(user, uid, perm: str = "cases.view_case") -> Case:
    """The case, if `user` may see it: 404 otherwise, so that its existence does not leak."""
    case = get_object_or_404(Case.objects.select_related("owner", "person"), uid=uid)
    if not user.has_perm(perm, case):
        raise Http404
    return case


@permission_required("cases.list_cases")
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    cases = cases_pseudonymised(request.user).prefetch_related("exploitation_forms").order_by("-created_at", "pk")
    # EXISTS per organisation (an index probe each) rather than IN over every visible case: 200,000 cases at a hub.
    owning = Exists(cases.filter(owner_id=OuterRef("pk")))
    form.fields["owner"].queryset = Organisation.objects.filter(owning).order_by("name")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["form"]:
            cases = cases.filter(exploitation_forms__form=data["form"])
        if data["owner"]:
            cases = cases.filter(owner=data["owner"])
        if data["facility"]:
            cases = cases.filter(placements__facility=data["facility"], placements__discharged_on__isnull=True)
        if data["child"] == "yes":
            cases = cases.filter(CHILD_FILTER)
        elif data["child"] == "no":
            cases = cases.exclude(CHILD_FILTER)
    context = {"form": form, "page": paginate(request, cases), "can_create": request.user.has_perm("cases.create_case")}
    return render(request, "cases/case_list.html", context)


@sensitive_post_parameters()
@permission_required("cases.create_case")
@require_http_methods(["GET", "POST"])
def case_create(request):
    person_form = PersonForm(request.POST or None, prefix="person")
    case_form = CaseForm(request.POST or None, prefix="case")
    if request.method == "POST" and person_form.is_valid() and case_form.is_valid():
        facts = {k: v for k, v in case_form.cleaned_data.items() if k != "exploitation_forms"}
        try:
            case = services.case_create(
                actor=request.user,
                person=person_form.cleaned_data,
                exploitation_forms=case_form.cleaned_data["exploitation_forms"],
                **facts,
            )
        except ValidationError as error:
            form_add_errors(case_form, error)
        else:
            messages.success(request, _("Case %(reference)s is recorded.") % {"reference": case.reference})
            return redirect(case)
    context = {"person_form": person_form, "case_form": case_form, "forms": [person_form, case_form]}
    return render(request, "cases/case_form.html", context)


def _needs_read_reason(request, case: Case) -> bool:
    """A case the user did not register is opened with a stated reason, once per session."""
    return case.created_by_id != request.user.pk and case.reference not in request.session.get(
        READ_REASONS_SESSION_KEY, []
    )


@sensitive_post_parameters()
@permission_required("cases.list_cases", hide=True)
@require_http_methods(["GET", "POST"])
def case_detail(request, uid):
    user = request.user
    case = get_object_or_404(Case.objects.select_related("owner", "person", "created_by"), uid=uid)
    full = user.has_perm("cases.view_case", case)
    if not full and not user.has_perm("cases.view_case_pseudonymised", case):
        raise Http404
    if _needs_read_reason(request, case):
        form = ReadReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            event_record(actor=user, action="case.open", obj=case, reason=form.cleaned_data["reason"])
            opened = request.session.get(READ_REASONS_SESSION_KEY, [])
            request.session[READ_REASONS_SESSION_KEY] = [*opened, case.reference]
            return redirect(case)
        return render(request, "cases/read_reason.html", {"case": case, "form": form})
    event_record(actor=user, action="case.read" if full else "case.read_pseudonymised", obj=case)
    return render(request, "cases/case_detail.html", _detail_context(case, user, full))


def _detail_context(case: Case, user, full: bool) -> dict:
    can_change = user.has_perm("cases.change_case", case)
    context = {
        "case": case,
        "full": full,
        "can_change": can_change,
        "forms": case.exploitation_forms.all(),
        "status_changes": case.status_changes.select_related("actor", "organisation"),
        "assessments": case.indicator_assessments.select_related("assessed_by"),
        "periods": case.reflection_periods.prefetch_related("extensions"),
        "referrals": case.referrals.select_related("from_organisation", "to_organisation"),
        "referral_overdue": case.referral_overdue(),
    }
    if full:
        context["consents"] = case.consents.select_related("taken_by")
        # What was done with the case and by whom; the details stay in the audit trail.
        context["events"] = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by(
            "-sequence"
        )[:50]
    if full:
        context |= {
            "services": case.assistance_services.select_related("provider"),
            "placements": case.placements.select_related("facility"),
            "risks": case.risk_assessments.all(),
            "guardians": case.guardians.all(),
            "notifications": case.authority_notifications.all(),
            "child_gaps": protection.child_gaps(case) if case.is_child else [],
            "closure_blockers": protection.closure_blockers(case),
            "enrolments": case.school_enrolments.all(),
            "measures": case.protection_measures.select_related("body"),
        }
    if can_change:
        context |= care_forms(case)
        context |= {
            "status_form": StatusForm(),
            "assessment_form": AssessmentForm(),
            "consent_form": ConsentForm(),
            "referral_form": ReferralForm(),
            "extend_form": ExtendForm(),
            "decide_form": DecideForm(),
        }
    return context


def _act(request, uid, action) -> object:
    """Runs `action(case, form_data)` for a POSTed form on a case the user may change; errors become messages."""
    case = _case_for(request.user, uid, "cases.change_case")
    try:
        with transaction.atomic():
            result = action(case)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error) or _("Not allowed.")
        messages.error(request, text)
        return redirect(case)
    return result or redirect(case)


def _valid(form):
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                for f, e in form.errors.items()
            ]
        )
    return form.cleaned_data


@permission_required("cases.list_cases", hide=True)
@require_POST
def case_status(request, uid):
    def change(case):
        data = _valid(StatusForm(request.POST))
        services.case_change_status(case=case, actor=request.user, **data)
        messages.success(
            request, _("The legal status is now “%(status)s”.") % {"status": Case.Status(data["to_status"]).label}
        )

    return _act(request, uid, change)


@permission_required("cases.list_cases", hide=True)
@require_POST
def case_assess(request, uid):
    def assess(case):
        data = _valid(AssessmentForm(request.POST))
        result = services.indicators_assess(
            case=case,
            actor=request.user,
            profile=data["profile"],
            present=set(data["present"]),
            act_documented=data["act_documented"],
        )
        messages.info(request, result.conclusion)

    return _act(request, uid, assess)


@sensitive_post_parameters()
@permission_required("cases.list_cases", hide=True)
@require_POST
def case_consent(request, uid):
    def record(case):
        data = _valid(ConsentForm(request.POST))
        services.consent_record(case=case, actor=request.user, **data)
        messages.success(request, _("Consent recorded."))

    return _act(request, uid, record)


@permission_required("cases.list_cases", hide=True)
@require_POST
def case_refer(request, uid):
    def refer(case):
        data = _valid(ReferralForm(request.POST))
        referral = services.referral_send(case=case, actor=request.user, **data)
        messages.success(request, _("Referred to %(organisation)s.") % {"organisation": referral.to_organisation})

    return _act(request, uid, refer)


@permission_required("cases.list_cases", hide=True)
@require_POST
def period_extend(request, uid, period_id: int):
    def extend(case):
        period = get_object_or_404(case.reflection_periods, pk=period_id)
        services.period_extend(period=period, actor=request.user, **_valid(ExtendForm(request.POST)))
        messages.success(request, _("The period is extended."))

    return _act(request, uid, extend)


@permission_required("cases.list_cases", hide=True)
@require_POST
def period_decide(request, uid, period_id: int):
    def decide(case):
        period = get_object_or_404(case.reflection_periods, pk=period_id)
        services.period_decide(period=period, actor=request.user, **_valid(DecideForm(request.POST)))
        messages.success(request, _("The end of the period is recorded."))

    return _act(request, uid, decide)


@permission_required("cases.create_case")
def referral_inbox(request):
    """Referrals waiting for the user's organisation: reference code and services requested, no identifiers."""
    referrals = Referral.objects.filter(
        to_organisation_id=request.user.organisation_id, state=Referral.State.PENDING
    ).select_related("case", "from_organisation")
    return render(request, "cases/referral_inbox.html", {"page": paginate(request, referrals), "form": AnswerForm()})


@permission_required("cases.create_case")
@require_POST
def referral_answer(request, uid):
    referral = get_object_or_404(Referral, uid=uid, to_organisation_id=request.user.organisation_id)
    form = AnswerForm(request.POST)
    form.is_valid()
    accept = request.POST.get("answer") == "accept"
    try:
        services.referral_answer(
            referral=referral, actor=request.user, accept=accept, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases-referrals")
    if accept:
        messages.success(
            request,
            _("Referral accepted: your organisation now works on case %(reference)s.")
            % {"reference": referral.case.reference},
        )
        return redirect(referral.case)
    messages.success(request, _("Referral declined."))
    return redirect("cases-referrals")


# Care, children and protection: one view runs any of these actions, each a form and the service it feeds. --------

CARE_ACTIONS = {
    "service": (ServiceForm, care.service_record, _("The service is recorded.")),
    "placement": (PlacementForm, care.placement_open, _("The placement is recorded.")),
    "discharge": (DischargeForm, care.placement_discharge, _("The discharge is recorded.")),
    "risk": (RiskForm, protection.risk_assess, _("The risk assessment is recorded.")),
    "risk-off": (RiskOffForm, protection.risk_deactivate, _("The risk is marked as no longer active.")),
    "guardian": (GuardianForm, protection.guardian_record, _("The guardian is recorded.")),
    "notification": (NotificationForm, protection.notification_record, _("The notification is recorded.")),
    "best-interest": (BestInterestForm, protection.best_interest_assess, _("The assessment is recorded.")),
    "age": (AgeForm, protection.age_verify, _("The verified age is recorded.")),
    "hand-over": (HandOverForm, protection.case_hand_over, _("The case is handed over.")),
    "outcome": (OutcomeForm, care.outcome_record, _("The outcome is recorded.")),
    "enrolment": (EnrolmentForm, care.enrolment_record, _("The school enrolment is recorded.")),
    "measure": (MeasureForm, protection.measure_record, _("The protection measure is recorded.")),
    "follow-up": (FollowUpForm, care.follow_up_record, _("The follow-up is recorded.")),
}
# Actions on one record of the case rather than on the case: the form field that names it, and the keyword.
OBJECT_ACTIONS = {"discharge": "placement", "risk-off": "risk"}


def care_forms(case: Case) -> dict[str, object]:
    """An empty form for every care action, keyed for the template (`service_form`, `risk_off_form`, …)."""
    return {f"{name.replace('-', '_')}_form": entry[0](case=case) for name, entry in CARE_ACTIONS.items()}


@sensitive_post_parameters()
@permission_required("cases.list_cases", hide=True)
@require_POST
def case_care_action(request, uid, action: str):
    if action not in CARE_ACTIONS:
        raise Http404
    form_class, service, success = CARE_ACTIONS[action]

    def run(case):
        form = form_class(request.POST, case=case)
        data = _valid(form)
        if action not in OBJECT_ACTIONS:
            data["case"] = case
        service(actor=request.user, **data)
        messages.success(request, success)

    return _act(request, uid, run)


@permission_required("cases.list_cases")
@require_http_methods(["GET", "POST"])
def facility_list(request):
    """Shelters and assistance centres with their occupancy; case workers add their own organisation's."""
    if request.method == "POST" and not request.user.has_perm("cases.create_case"):
        raise PermissionDenied
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            care.facility_create(actor=request.user, organisation=request.user.organisation, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The facility is added."))
            return redirect("cases-facilities")
    facilities = Facility.objects.with_occupancy().select_related("organisation").order_by("region", "name")
    return render(request, "cases/facility_list.html", {"page": paginate(request, facilities), "form": form})

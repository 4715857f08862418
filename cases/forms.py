from django import forms
from django.utils.translation import gettext_lazy as _

from cases import indicators
from cases.models import (
    AgeVerification,
    AssistanceService,
    AuthorityNotification,
    Case,
    Consent,
    ExploitationForm,
    Facility,
    Guardian,
    Person,
    Placement,
    ProtectionMeasure,
    ReflectionPeriod,
    ReintegrationOutcome,
    RiskAssessment,
    RiskLevel,
    SchoolEnrolment,
)
from organisations.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "year_of_birth",
            "estimated_age",
            "sex",
            "citizenship",
            "languages",
            "documents",
            "address",
            "phone",
            "region",
        ]
        widgets = {
            "date_of_birth": DateInput,
            "documents": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }


class CaseForm(forms.ModelForm):
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=ExploitationForm.Form.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Case
        fields = [
            "source",
            "scope",
            "recruitment_countries",
            "transit_countries",
            "exploitation_countries",
            "exploitation_region",
            "recruitment_method",
            "means_of_control",
            "vulnerabilities",
            "presumed_child",
        ]
        widgets = {
            "means_of_control": forms.Textarea(attrs={"rows": 2}),
            "vulnerabilities": forms.Textarea(attrs={"rows": 2}),
        }


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Legal status"), choices=[("", _("Any"))] + Case.Status.choices, required=False)
    form = forms.ChoiceField(
        label=_("Form of exploitation"), choices=[("", _("Any"))] + ExploitationForm.Form.choices, required=False
    )
    child = forms.ChoiceField(
        label=_("Children"),
        choices=[("", _("All")), ("yes", _("Children only")), ("no", _("Adults only"))],
        required=False,
    )
    owner = forms.ModelChoiceField(
        label=_("Owning organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("Any")
    )
    facility = forms.ModelChoiceField(
        label=_("Placed in"), queryset=Facility.objects.all(), required=False, empty_label=_("Any")
    )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New legal status"), choices=Case.Status.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    profile = forms.ChoiceField(label=_("Profile"), choices=[])
    present = forms.MultipleChoiceField(
        label=_("Indicators present"), choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    act_documented = forms.BooleanField(
        label=_("A recruitment, transport, transfer, harbouring or receipt act is documented (children)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(p, p.replace("_", " ").capitalize()) for p in indicators.profiles()]
        seen, choices = set(), []
        for profile in indicators.profiles():
            for indicator in indicators.indicators_for(profile):
                if indicator.code not in seen:
                    seen.add(indicator.code)
                    choices.append((indicator.code, f"{indicator.code} — {indicator.text}"))
        self.fields["present"].choices = choices


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "given", "given_on", "note"]
        widgets = {"given_on": DateInput, "note": forms.Textarea(attrs={"rows": 2})}


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.filter(is_class=False))
    services = forms.CharField(label=_("Services requested"), max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        label=_("Reason to refer without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if there is no recorded consent and you hold the right to override. The reason is audited."),
    )


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    new_end = forms.DateField(label=_("New end date"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("How the period ended"), choices=ReflectionPeriod.Decision.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReadReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        max_length=500,
        help_text=_("This case is not assigned to you. Your reason is recorded in the audit trail."),
    )


# Care, children and protection: each form's fields are the keyword arguments of its service. ----------------


class CaseBoundForm(forms.Form):
    """A form whose choices depend on the case (its open placements, its active risks)."""

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case


class ServiceForm(CaseBoundForm):
    kind = forms.ChoiceField(label=_("Service"), choices=AssistanceService.Kind.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.filter(is_class=False))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False)
    amount = forms.DecimalField(label=_("Amount (financial aid)"), min_value=0, decimal_places=2, required=False)
    abroad = forms.BooleanField(label=_("Abroad (for family reunification)"), required=False)


class PlacementForm(CaseBoundForm):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facilities = Facility.objects.with_occupancy().select_related("organisation")
        self.fields["facility"].queryset = facilities
        self.fields["facility"].label_from_instance = lambda f: f"{f.name} ({f.region}) — {f.occupancy}/{f.capacity}"


class DischargeForm(CaseBoundForm):
    placement = forms.ModelChoiceField(label=_("Placement"), queryset=Placement.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["placement"].queryset = self.case.placements.filter(discharged_on__isnull=True)


class RiskForm(CaseBoundForm):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("The risk is active"), required=False, initial=True)
    next_review_on = forms.DateField(label=_("Review due on"), widget=DateInput, required=False)


class RiskOffForm(CaseBoundForm):
    risk = forms.ModelChoiceField(label=_("Risk"), queryset=RiskAssessment.objects.none())
    reason = forms.CharField(label=_("Why it is no longer active"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["risk"].queryset = self.case.risk_assessments.filter(active=True)


class GuardianForm(CaseBoundForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Guardian.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=200)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DateInput)


class NotificationForm(CaseBoundForm):
    authority = forms.ChoiceField(label=_("Authority notified"), choices=AuthorityNotification.Authority.choices)
    notified_on = forms.DateField(label=_("Notified on"), widget=DateInput)


class BestInterestForm(CaseBoundForm):
    return_safe = forms.BooleanField(label=_("A return is safe and in the child's best interest"), required=False)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgeForm(CaseBoundForm):
    age = forms.IntegerField(label=_("Verified age"), min_value=0, max_value=120)
    method = forms.ChoiceField(label=_("How it was verified"), choices=AgeVerification.Method.choices)
    reason = forms.CharField(label=_("Note"))


class HandOverForm(CaseBoundForm):
    to_organisation = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Organisation.objects.filter(is_class=False)
    )
    reason = forms.CharField(label=_("Reason"))


class OutcomeForm(CaseBoundForm):
    area = forms.ChoiceField(label=_("Area"), choices=ReintegrationOutcome.Area.choices)
    status = forms.ChoiceField(label=_("Outcome"), choices=ReintegrationOutcome.Status.choices)
    note = forms.CharField(label=_("Note"), required=False)


class FollowUpForm(CaseBoundForm):
    on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_due = forms.DateField(label=_("Next follow-up due"), widget=DateInput, required=False)


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Facility.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.CharField(label=_("Region"), max_length=100)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)


class EnrolmentForm(CaseBoundForm):
    enrolled_on = forms.DateField(label=_("Enrolled on"), widget=DateInput)
    school_kind = forms.ChoiceField(label=_("School"), choices=SchoolEnrolment.SchoolKind.choices)
    region = forms.CharField(label=_("Region"), max_length=100)


class MeasureForm(CaseBoundForm):
    kind = forms.ChoiceField(label=_("Protection measure"), choices=ProtectionMeasure.Kind.choices)
    body = forms.ModelChoiceField(label=_("Taken by"), queryset=Organisation.objects.filter(is_class=False))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False)

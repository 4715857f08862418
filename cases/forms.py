from django import forms
from django.utils.translation import gettext_lazy as _

from cases import indicators
from cases.models import Case, Consent, ExploitationForm, Person, ReflectionPeriod
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

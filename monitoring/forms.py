from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from monitoring.attachments import ATTACHMENT_HINT
from monitoring.models import (
    Need,
    PeriodType,
    ProgressReport,
    ReportingRound,
    ReportResult,
    ReportSpending,
)
from plans.models import Plan


class DateInput(forms.DateInput):
    input_type = "date"


class RoundForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(measures__isnull=False).distinct())
    period_type = forms.ChoiceField(label=_("Period type"), choices=PeriodType.choices, initial=PeriodType.YEAR)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    period_number = forms.IntegerField(
        label=_("Period"),
        min_value=1,
        max_value=4,
        initial=1,
        help_text=_("1 for a year; 1–2 for a half-year; 1–4 for a quarter."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    due_on = forms.DateField(label=_("Reports due on"), widget=DateInput)


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["progress", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "progress": _("How far the measure has got, as far as your organisation is concerned."),
            "narrative": _("What your organisation did in this period for this measure, with dates and places."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = False
        self.fields["progress"].choices = [("", "—")] + self.instance.progress_choices()


ResultFormSet = inlineformset_factory(
    ProgressReport,
    ReportResult,
    fields=["indicator", "unit", "value"],
    extra=1,
    can_delete=True,
)

SpendingFormSet = inlineformset_factory(
    ProgressReport,
    ReportSpending,
    fields=["source", "amount", "currency"],
    extra=1,
    can_delete=True,
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Evidence"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting (ATTACHMENT_MAX_BYTES): the hint names the one in force.
        limit = filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        self.fields["file"].help_text = ATTACHMENT_HINT.format(limit=limit)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the report: say what should be changed."),
    )


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NeedUpdateForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["state", "response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 3})}


class ReportFilterForm(forms.Form):
    FLAGS = [
        ("", _("Any")),
        ("missing", _("Missing")),
        ("submitted", _("Submitted")),
        ("on_time", _("On time")),
        ("late", _("Late")),
        ("returned", _("Returned")),
        ("accepted", _("Accepted")),
        ("awaiting", _("Awaiting review")),
    ]
    round = forms.ModelChoiceField(label=_("Round"), queryset=ReportingRound.objects.all(), required=False)
    organisation = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    measure = forms.CharField(label=_("Measure"), required=False, help_text=_("Number, e.g. 13.2.1"))
    flag = forms.ChoiceField(label=_("Which"), choices=FLAGS, required=False)
    expected = forms.BooleanField(label=_("Only expected reports"), required=False)


class EvidenceForm(forms.Form):
    """Register entries to cite as evidence: `candidates` is services.evidence_candidates()."""

    entries = forms.MultipleChoiceField(
        label=_("Register entries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Activities your organisation recorded in the registers for this measure."),
    )

    def __init__(self, *args, candidates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [
            (key, f"{register.title}: {entry}") for key, (register, entry) in candidates.items()
        ]

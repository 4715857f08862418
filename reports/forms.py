from django import forms
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan
from reports.models import Edition


def report_years() -> list[int]:
    """The years a report can be made for: those of the plans, up to the current year, newest first."""
    bounds = Plan.objects.aggregate(first=Min("start_year"), last=Max("end_year"))
    if bounds["first"] is None:
        return []
    last = min(bounds["last"], timezone.localdate().year)
    return list(range(last, bounds["first"] - 1, -1))


class ReportChoiceForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    edition = forms.ChoiceField(label=_("Edition"), choices=Edition.choices, initial=Edition.PUBLIC)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in report_years()]


class IssueForm(ReportChoiceForm):
    prefix = "issue"  # beside the preview form on the same page: its fields need their own ids
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a new version: what it corrects."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the preview: issue this report. Its figures and files will not change again."),
    )

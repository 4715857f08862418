from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from plans.models import Direction, Participation


class MeasureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Words in the activity or a body's name"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any"))] + Participation.Role.choices)
    direction = forms.ModelChoiceField(
        label=_("Direction"), queryset=Direction.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            participations__measure__plan=plan
        ).distinct()
        self.fields["direction"].queryset = plan.directions.order_by("position")
        self.fields["direction"].label_from_instance = lambda d: f"{d.number} {d.title}"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "organisation": data.get("organisation"),
            "direction": data.get("direction"),
            "role": data.get("role") or None,
            "search": data.get("q") or None,
        }

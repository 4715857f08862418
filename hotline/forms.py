"""The call form: a case is entered by its reference code (never picked from a list, which would show every case)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.references import normalised_reference
from lib.registers import EntryForm
from organisations.models import Organisation

NO_SUCH_CASE = _("No case has this reference. Check the code, e.g. NRM-2016-00012.")


class CaseReferenceField(forms.ModelChoiceField):
    """A case typed as its reference code; letters case and surrounding spaces do not matter."""

    def __init__(self, **kwargs):
        super().__init__(
            Case.objects.all(),
            to_field_name="reference",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages={"invalid_choice": NO_SUCH_CASE},
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = normalised_reference(value)
        return super().to_python(value)


class CallForm(EntryForm):
    case = CaseReferenceField(
        required=False,
        label=_("Case reference"),
        help_text=_("For “case opened”: the reference of the case, e.g. NRM-2016-00012."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].widget = forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        )
        self.fields["referred_to"].queryset = Organisation.objects.filter(is_class=False).order_by("name")
        if self.instance.case_id is not None:
            # The model form's initial value is the case's primary key; the field shows and takes the reference.
            self.initial["case"] = self.instance.case.reference

    def _update_errors(self, errors):
        # An unknown reference leaves the case empty, so the model's rules would add "give the reference" under the
        # message that the reference is unknown: keep only the form's own message for a field it refused already.
        if hasattr(errors, "error_dict"):
            errors.error_dict = {name: value for name, value in errors.error_dict.items() if name not in self._errors}
        super()._update_errors(errors)

"""Forms of the criminal-case register: articles as check boxes, linked victims as a list of reference codes."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from lib.registers import EntryForm
from prosecution.models import ARTICLES

UNKNOWN_REFERENCES = _("No case has the reference code %(codes)s.")


def references_parse(text: str) -> list[str]:
    """The reference codes in `text`, separated by commas, semicolons or spaces; upper case, each once."""
    return list(dict.fromkeys(code.upper() for code in re.split(r"[\s,;]+", text or "") if code))


def cases_by_reference(codes: list[str]) -> list[Case]:
    """The cases with these reference codes, in the order given; a ValidationError names the codes no case has."""
    found = {case.reference: case for case in Case.objects.filter(reference__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(UNKNOWN_REFERENCES, code="unknown", params={"codes": ", ".join(unknown)})
    return [found[code] for code in codes]


class ReferenceListField(forms.CharField):
    """Cases entered by reference code: a prosecution analyst knows a victim's case by its code, and must see no
    list of cases to choose from."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "NRM-2016-00012, NRM-2016-00015"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value
        return ", ".join(_reference(item) for item in value)

    def clean(self, value):
        return cases_by_reference(references_parse(super().clean(value)))

    def has_changed(self, initial, data) -> bool:
        before = [_reference(item) for item in initial or []]
        return sorted(before) != sorted(references_parse(data))


def _reference(item) -> str:
    return item.reference if isinstance(item, Case) else str(item)


class CriminalCaseForm(EntryForm):
    # Not required here: the model's rule gives the message, for the form and the API alike.
    articles = forms.MultipleChoiceField(
        label=_("Articles of the Criminal Code"), choices=ARTICLES, required=False, widget=forms.CheckboxSelectMultiple
    )
    victims = ReferenceListField(
        label=_("Linked victims' cases"),
        help_text=_("Reference codes of the victims' cases in CTIMS, separated by commas (e.g. NRM-2016-00012)."),
    )


class ChildForm(forms.ModelForm):
    """Rows of a criminal case: dates with a date picker, like the entry's own form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField):
                form_field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

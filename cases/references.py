"""A case named by its reference code in another record (a hotline call, a criminal case): typed, never chosen from a
list, since a list of choices would show every case to someone who may open none of them."""

from rest_framework import serializers

from cases.models import Case


def normalised_reference(value: str) -> str:
    """How people type a reference ("nrm-2016-00012 ") → how it is stored ("NRM-2016-00012")."""
    return value.strip().upper()


class CaseReferenceField(serializers.SlugRelatedField):
    """An API field for a case given by its reference. The browsable API shows a text box, not the cases."""

    def __init__(self, **kwargs):
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(slug_field="reference", queryset=Case.objects.all(), **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(normalised_reference(data) if isinstance(data, str) else data)

    def get_choices(self, cutoff=None):
        return {}

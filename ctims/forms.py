from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field renders as label, hint, error and input, in that order (GOV.UK Design System pattern)."""

    field_template_name = "includes/field.html"

"""The hotline register, declared for lib.registers (pages, API, downloads, audit)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.references import CaseReferenceField
from hotline.forms import CallForm
from hotline.models import Call, Indicator
from lib.registers import MEASURES_COLUMN, ORGANISATION_COLUMN, Column, Register, entry_form, own_organisation
from organisations.models import Organisation


def _yes_no(value: bool) -> str:
    return str(_("Yes") if value else _("No"))


calls = Register(
    name="calls",
    model=Call,
    title=_("Hotline calls"),
    description=_(
        "Calls and messages received by the hotline (§4.3, 13.2.1) and what was done. Only hotline operators read "
        "them; figures without details are on the hotline statistics page."
    ),
    form=entry_form(
        Call,
        [
            "received_at",
            "channel",
            "language",
            "region",
            "caller_type",
            "signal_type",
            "summary",
            "indicators",
            "thb_relevant",
            "action",
            "referred_to",
            "case",
            "no_action_reason",
            "anonymous",
            "caller_name",
            "caller_phone",
            "caller_email",
            "caller_notes",
        ],
        form=CallForm,
    ),
    columns=(
        Column(_("Received at"), "received_at", sort="received_at"),
        Column(_("Channel"), "channel", sort="channel"),
        Column(_("Caller type"), "caller_type", sort="caller_type"),
        Column(_("Signal"), "signal_type", sort="signal_type"),
        Column(_("Action"), "action", sort="action"),
        Column(_("Concerns trafficking"), lambda call: _yes_no(call.thb_relevant), sort="thb_relevant"),
        Column(_("Case reference"), "case.reference"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("summary", "region"),
    filters=("channel", "caller_type", "signal_type", "action", "thb_relevant", "received_at"),
    default_sort="-received_at",
    select_related=("case",),
    serializer_fields={
        "case": CaseReferenceField(required=False, allow_null=True),
        "referred_to": serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.filter(is_class=False), required=False, allow_null=True
        ),
        "indicators": serializers.ListField(child=serializers.ChoiceField(Indicator.choices), required=False),
    },
    visible=own_organisation,
    private_fields=("caller_name", "caller_phone", "caller_email", "caller_notes"),
    citable=False,
    links=((_("Statistics"), "hotline-statistics", "hotline.view_statistics"),),
    read="hotline.read",
    create="hotline.record",
    edit="hotline.edit",
)

REGISTERS = (calls,)

"""The partnership registers, declared for lib.registers (pages, API, downloads, audit)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import serializers

from cases.api import NamedChoiceField
from lib.registers import MEASURES_COLUMN, ORGANISATION_COLUMN, Children, Column, EntryForm, Register, entry_form
from monitoring.models import FundingSource
from partners.models import (
    Cooperation,
    Donor,
    DonorSupport,
    FollowUpAction,
    Meeting,
    SupportType,
    Transaction,
    support_check_transactions,
)

READ = "partners.read"
RECORDED_BY_BODIES = {"read": READ, "create": "partners.record", "edit": "partners.edit"}
COORDINATORS_ONLY = {"read": READ, "create": "partners.coordinate", "edit": "partners.coordinate"}


class DonorSupportForm(EntryForm):
    support_types = forms.MultipleChoiceField(
        label=_("Types of support"),
        choices=SupportType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of support §9.3 of the plan names; choose all that apply."),
    )


donors = Register(
    name="donors",
    model=Donor,
    title=_("Donors"),
    description=_("Donor organisations that support the plan (9.4), as named in IATI."),
    form=entry_form(Donor, ["name", "iati_ref", "org_type", "country"]),
    columns=(
        Column(_("Name"), "name", sort="name"),
        Column(_("IATI identifier"), "iati_ref", sort="iati_ref"),
        Column(_("Organisation type"), "org_type", sort="org_type"),
        Column(_("Country"), "country", sort="country"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("name", "iati_ref", "country"),
    filters=("org_type",),
    default_sort="name",
    **COORDINATORS_ONLY,
)

donor_support = Register(
    name="donor-support",
    model=DonorSupport,
    title=_("Donor support"),
    description=_("Support of donors to the plan (9.3), by type of support, with its commitments and disbursements."),
    links=((_("IATI 2.03 XML"), "donor-support-iati", "partners.export_iati"),),
    form=entry_form(
        DonorSupport,
        [
            "title",
            "description",
            "donor",
            "implementing_organisation",
            "support_types",
            "funding_source",
            "status",
            "start_on",
            "end_on",
            "currency",
            "amount_pledged",
            "amount_committed",
            "amount_disbursed",
        ],
        form=DonorSupportForm,
    ),
    columns=(
        Column(_("Title"), "title", sort="title"),
        Column(_("Donor"), "donor", sort="donor.name"),
        Column(_("Implementing organisation"), "implementing_organisation", sort="implementing_organisation.name"),
        Column(_("Types of support"), lambda entry: str(entry.support_types)),
        Column(_("Status"), "status", sort="status"),
        Column(_("Start date"), "start_on", sort="start_on"),
        Column(_("End date"), "end_on", sort="end_on"),
        Column(_("Currency"), "currency"),
        Column(_("Committed"), "amount_committed", sort="amount_committed"),
        Column(_("Disbursed"), "amount_disbursed", sort="amount_disbursed"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("title", "description", "donor__name"),
    filters=("donor", "implementing_organisation", "status", "funding_source", "start_on"),
    default_sort="-start_on",
    select_related=("donor", "implementing_organisation"),
    children=(
        Children("transactions", Transaction, ("kind", "date", "value", "currency"), _("Transactions"), form=EntryForm),
    ),
    serializer_fields={
        # A named schema component: as an anonymous enum it would clash with monitoring's funding `source`, which
        # uses the same choices.
        "funding_source": NamedChoiceField(
            enum_name="DonorSupportFundingSource", choices=FundingSource.choices, required=False
        ),
        "support_types": serializers.ListField(
            child=serializers.ChoiceField(choices=SupportType.choices), allow_empty=False
        ),
        "donor": serializers.SlugRelatedField(slug_field="uid", queryset=Donor.objects.all()),
    },
    check=support_check_transactions,
    **RECORDED_BY_BODIES,
)

meetings = Register(
    name="meetings",
    model=Meeting,
    title=_("Coordination meetings"),
    description=_(
        "Meetings of the inter-organisational commission (10.2) and of the legislative working group (10.3), "
        "with their decisions and follow-up actions."
    ),
    links=((_("Open follow-up actions"), "partners-follow-up", "partners.read"),),
    form=entry_form(Meeting, ["body", "held_on", "place", "participants", "agenda", "decisions"]),
    columns=(
        Column(_("Meeting"), lambda entry: str(entry)),
        Column(_("Body"), "body", sort="body"),
        Column(_("Date held"), "held_on", sort="held_on"),
        Column(pgettext_lazy("location", "Place"), "place"),
        Column(_("Participating organisations"), "participants"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("agenda", "decisions", "place"),
    filters=("body", "held_on"),
    default_sort="-held_on",
    prefetch_related=("measures", "participants"),
    children=(
        Children(
            "actions",
            FollowUpAction,
            ("action", "responsible", "measure", "due_on", "status", "done_on"),
            _("Follow-up actions"),
            form=EntryForm,
        ),
    ),
    **COORDINATORS_ONLY,
)

cooperation = Register(
    name="cooperation",
    model=Cooperation,
    title=_("International cooperation"),
    description=_(
        "Agreements, memoranda, joint events, international meetings and study visits with other states and "
        "international organisations (13.8)."
    ),
    form=entry_form(Cooperation, ["kind", "title", "partner", "date", "ends_on", "status", "description"]),
    columns=(
        Column(_("Title"), "title", sort="title"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Partner"), "partner", sort="partner"),
        Column(_("Date signed or held"), "date", sort="date"),
        Column(_("End date"), "ends_on", sort="ends_on"),
        Column(_("Status"), "status", sort="status"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("title", "partner", "description"),
    filters=("kind", "status", "date"),
    default_sort="-date",
    **RECORDED_BY_BODIES,
)

REGISTERS = (donors, donor_support, meetings, cooperation)

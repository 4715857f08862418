"""The criminal-case register, declared for lib.registers (pages, API, downloads, audit)."""

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.references import CaseReferenceField
from lib.registers import MEASURES_COLUMN, ORGANISATION_COLUMN, Children, Column, Register, entry_form
from prosecution.forms import ChildForm, CriminalCaseForm
from prosecution.models import (
    ARTICLES,
    OUTCOME_WITHOUT_JUDGMENT,
    TOO_MANY_LINKED_VICTIMS,
    Asset,
    CooperationRequest,
    CriminalCase,
    Defendant,
)

Outcome = Defendant.Outcome


def criminal_case_check(entry: CriminalCase) -> None:
    """The rules across the case and its rows, once the rows and the linked victims are saved."""
    errors = {}
    if entry.victims.count() > entry.victims_count:
        errors["victims"] = TOO_MANY_LINKED_VICTIMS
    if _has_outcome_without_judgment(entry):
        errors["judgment_on"] = OUTCOME_WITHOUT_JUDGMENT
    if errors:
        raise ValidationError(errors)


def _has_outcome_without_judgment(entry: CriminalCase) -> bool:
    """Only a court convicts or acquits. A prosecution can also be dropped before trial: a dismissed defendant of a
    closed case needs no judgment."""
    if entry.judgment_on is not None:
        return False
    decided = entry.defendants.exclude(outcome=Outcome.PENDING)
    if entry.stage == CriminalCase.Stage.CLOSED:
        decided = decided.exclude(outcome=Outcome.DISMISSED)
    return decided.exists()


def _convicted(entry: CriminalCase) -> int:
    return sum(1 for defendant in entry.defendants.all() if defendant.outcome == Outcome.CONVICTED)


def _victims_html(user, entry):
    """Reference codes only: the case page is linked for a user with `cases.view_case` on the case, never more."""
    parts = [
        format_html('<a href="{}">{}</a>', case.get_absolute_url(), case.reference)
        if user.has_perm("cases.view_case", case)
        else case.reference
        for case in entry.victims.all()
    ]
    return format_html_join(", ", "{}", ((part,) for part in parts))


criminal_cases = Register(
    name="criminal-cases",
    model=CriminalCase,
    title=_("Criminal cases"),
    description=_(
        "Criminal cases of trafficking and related crimes (§5, 13.3): stages, defendants and outcomes, assets seized "
        "and confiscated, international requests. Victims appear only as the reference codes of their cases."
    ),
    citable=False,
    display={
        "articles": lambda user, entry: "; ".join(entry.article_labels),
        "victims": _victims_html,
    },
    form=entry_form(
        CriminalCase,
        [
            "number",
            "articles",
            "stage",
            "opened_on",
            "investigation_completed_on",
            "sent_to_court_on",
            "judgment_on",
            "appeal_on",
            "court",
            "organised_group",
            "group_members",
            "transnational",
            "countries",
            "victims_count",
            "victims",
        ],
        form=CriminalCaseForm,
    ),
    columns=(
        Column(_("Case number"), "number", sort="number"),
        Column(_("Articles"), lambda entry: ", ".join(entry.articles)),
        Column(_("Stage"), "stage", sort="stage"),
        Column(_("Date opened"), "opened_on", sort="opened_on"),
        Column(_("Defendants"), lambda entry: len(entry.defendants.all())),
        Column(_("Convicted"), _convicted),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    read="prosecution.read",
    create="prosecution.record",
    edit="prosecution.edit",
    search=("number", "court", "countries"),
    filters=("stage", "organised_group", "transnational", "opened_on"),
    default_sort="-opened_on",
    # Counted from the prefetched rows, so the list costs the same queries for any page size.
    prefetch_related=("measures", "defendants", "victims"),
    children=(
        Children(
            "defendants",
            Defendant,
            ("kind", "sex", "age_band", "citizenship", "role", "outcome", "sentence_years", "suspended", "fine"),
            _("Defendants"),
            form=ChildForm,
        ),
        Children(
            "assets",
            Asset,
            ("kind", "seized_value", "confiscated_value", "currency"),
            _("Assets seized and confiscated"),
            form=ChildForm,
        ),
        Children(
            "requests",
            CooperationRequest,
            ("kind", "direction", "country", "sent_on", "status", "answered_on"),
            _("International requests"),
            form=ChildForm,
        ),
    ),
    serializer_fields={
        "articles": serializers.ListField(child=serializers.ChoiceField(choices=ARTICLES), required=False),
        "victims": CaseReferenceField(many=True, required=False),
    },
    check=criminal_case_check,
)

REGISTERS = (criminal_cases,)

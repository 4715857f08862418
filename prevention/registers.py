"""The prevention registers, declared for lib.registers (pages, API, downloads, audit)."""

from django.utils.translation import gettext_lazy as _

from lib.registers import MEASURES_COLUMN, ORGANISATION_COLUMN, Column, Register, entry_form
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research, Training

PERMS = {"read": "prevention.read", "create": "prevention.record", "edit": "prevention.edit"}

trainings = Register(
    name="trainings",
    model=Training,
    title=_("Trainings"),
    description=_("Trainings of officials and professionals (13.2.10), with participants by sex."),
    form=entry_form(
        Training, ["held_on", "ends_on", "topic", "audience", "place", "organiser", "women", "men", "hours"]
    ),
    columns=(
        Column(_("Topic"), "topic", sort="topic"),
        Column(_("Date"), "held_on", sort="held_on"),
        Column(_("Audience"), "audience", sort="audience"),
        Column(_("Women"), "women"),
        Column(_("Men"), "men"),
        Column(_("Participants"), "participants"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("topic", "place", "organiser"),
    filters=("audience", "held_on"),
    default_sort="-held_on",
    **PERMS,
)

awareness = Register(
    name="awareness",
    model=AwarenessActivity,
    title=_("Awareness activities and materials"),
    description=_("Campaigns, events and materials (§11, 13.9): where they went and how many people they reached."),
    form=entry_form(
        AwarenessActivity,
        ["started_on", "ended_on", "kind", "title", "channel", "place", "language", "quantity", "reach"],
    ),
    columns=(
        Column(_("Title"), "title", sort="title"),
        Column(_("Start date"), "started_on", sort="started_on"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Place or channel"), "channel", sort="channel"),
        Column(_("Quantity"), "quantity", sort="quantity"),
        Column(_("Estimated reach"), "reach", sort="reach"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("title", "place"),
    filters=("kind", "channel", "started_on"),
    default_sort="-started_on",
    **PERMS,
)

research = Register(
    name="research",
    model=Research,
    title=_("Research and surveys"),
    description=_("Studies of the causes and forms of trafficking (13.2.3)."),
    form=entry_form(
        Research, ["kind", "title", "started_on", "completed_on", "authors", "sample_size", "findings", "link"]
    ),
    columns=(
        Column(_("Title"), "title", sort="title"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Start date"), "started_on", sort="started_on"),
        Column(_("Completed"), "completed_on", sort="completed_on"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("title", "authors", "findings"),
    filters=("kind", "started_on"),
    default_sort="-started_on",
    **PERMS,
)

inspections = Register(
    name="inspections",
    model=LabourInspection,
    title=_("Labour-migration inspections"),
    description=_("Inspections of employers and labour migration (13.2.5–13.2.6) and their findings."),
    form=entry_form(
        LabourInspection,
        [
            "started_on",
            "ended_on",
            "region",
            "sector",
            "inspections",
            "with_violations",
            "workers_checked",
            "migrant_workers",
            "indicators_found",
            "sent_to_police",
            "findings",
        ],
    ),
    columns=(
        Column(_("Inspection"), lambda entry: str(entry)),
        Column(_("Start date"), "started_on", sort="started_on"),
        Column(_("Region"), "region", sort="region"),
        Column(_("Workplaces inspected"), "inspections", sort="inspections"),
        Column(_("With violations"), "with_violations", sort="with_violations"),
        Column(_("Sent to the police"), "sent_to_police", sort="sent_to_police"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("region", "sector", "findings"),
    filters=("started_on",),
    default_sort="-started_on",
    **PERMS,
)

media = Register(
    name="media-findings",
    model=MediaFinding,
    title=_("Media and internet monitoring"),
    description=_("Suspicious advertisements and publications found in the media and on the internet (13.2.9)."),
    form=entry_form(MediaFinding, ["found_on", "source", "address", "reason", "action", "action_on"]),
    columns=(
        Column(_("Finding"), lambda entry: str(entry)),
        Column(_("Date found"), "found_on", sort="found_on"),
        Column(_("Source"), "source", sort="source"),
        Column(_("Address"), "address"),
        Column(_("Action taken"), "action", sort="action"),
        ORGANISATION_COLUMN,
        MEASURES_COLUMN,
    ),
    search=("address", "reason"),
    filters=("source", "action", "found_on"),
    default_sort="-found_on",
    **PERMS,
)

REGISTERS = (trainings, awareness, research, inspections, media)

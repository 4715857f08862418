"""Prevention (plan §4, §11, 13.2, 13.9): tables R1–R4 of the annual report.

Definitions (the year is the calendar year in the project's time zone; an entry counts in the year of the date named):
- R1, R1b awareness activities and materials: register entries of awareness activities and materials whose start
  date is in the year, by place or channel (R1) and by the body that recorded them (R1b). "Activities and
  materials" counts the entries; "copies distributed" sums the quantity distributed given on them; "people reached"
  sums their estimated reach. An entry without a quantity or a reach adds nothing to that column.
- R2 persons trained: women and men participating in trainings whose start date is in the year, by the training's
  audience group. A person who attended two trainings is counted twice: these are participations, not distinct
  people. "Trainings held" counts the trainings.
- R3 hotline calls: calls received in the year (local time) by every organisation's hotline. "Concerning
  trafficking": calls the operator marked as concerning trafficking; "referred": calls passed to the police, an
  NGO or a consulate. Both are parts of the calls received and overlap each other. The calls by channel add up to
  the calls received.
- R4 labour-migration inspections: inspection entries whose start date is in the year, by the body that recorded
  them, summing the workplaces inspected, the workplaces with violations, the workers checked, of whom migrant
  workers, the workers with forced-labour indicators, and the cases sent to the police.
- R4b media and internet monitoring: suspicious advertisements or publications found in the year (date found), by
  source and by the action taken as recorded when the report is built.

These tables count activities, not people: the public edition does not suppress their small cells.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.models import Channel as CallChannel
from hotline.selectors import call_statistics
from prevention.models import Audience, AwarenessActivity, LabourInspection, MediaFinding, Training
from reports.tables import Table, counts_table, paired

DEFINITIONS: list[tuple[str, str]] = [
    (
        gettext_lazy("Awareness activities and materials"),
        gettext_lazy(
            "Awareness activities and materials recorded with a start date in the year, by place or channel and by "
            "the body that recorded them. Copies distributed and people reached are the sums of the quantities and "
            "estimated reach given on them; an entry without a figure adds nothing."
        ),
    ),
    (
        gettext_lazy("Persons trained"),
        gettext_lazy(
            "Women and men participating in trainings that started in the year, by the training's audience group. "
            "A person who attended two trainings is counted twice."
        ),
    ),
    (
        gettext_lazy("Hotline calls"),
        gettext_lazy(
            "Calls received in the year by the hotlines. Concerning trafficking: calls the operator marked so. "
            "Referred: calls passed to the police, an NGO or a consulate."
        ),
    ),
    (
        gettext_lazy("Labour-migration inspections"),
        gettext_lazy(
            "Inspections of labour migration and of employers that started in the year: workplaces inspected and "
            "with violations, workers checked, of whom migrant workers, workers with forced-labour indicators, and "
            "cases sent to the police."
        ),
    ),
    (
        gettext_lazy("Media and internet findings"),
        gettext_lazy(
            "Suspicious advertisements or publications found in the year by media and internet monitoring, by "
            "source and by the action taken as recorded when the report is built."
        ),
    ),
]

FIGURES = ("activities", "copies", "reach")
INSPECTION_FIGURES = (
    "inspections",
    "with_violations",
    "workers_checked",
    "migrant_workers",
    "indicators_found",
    "sent_to_police",
)


def tables(year: int) -> list[Table]:
    return paired(_build, year)


def _build(year: int) -> list[Table]:
    return [
        _awareness_by_channel(year),
        _awareness_by_body(year),
        _trainings(year),
        _calls(call_statistics(year=year)),
        _inspections(year),
        _media_findings(year),
    ]


def _activities(year: int, *group: str):
    """Entries started in `year`, grouped by `group`, with the figures of R1."""
    return (
        AwarenessActivity.objects.filter(started_on__year=year)
        .values(*group)
        .annotate(activities=Count("pk"), copies=Sum("quantity", default=0), reach=Sum("reach", default=0))
        .order_by()
    )


def _activity_columns() -> list[str]:
    return [_("Activities and materials"), _("Copies distributed"), _("People reached (estimated)")]


def _awareness_by_channel(year: int) -> Table:
    found = {row["channel"]: row for row in _activities(year, "channel")}
    return counts_table(
        "R1",
        _("Awareness activities and materials by place or channel"),
        _activity_columns(),
        [
            (code, str(label), [found.get(code, {}).get(name, 0) for name in FIGURES])
            for code, label in AwarenessActivity.Channel.choices
        ],
        total_label=_("Total"),
        row_heading=_("Place or channel"),
    )


def _awareness_by_body(year: int) -> Table:
    rows = _activities(year, "organisation_id", "organisation__name").order_by("organisation__name")
    return counts_table(
        "R1b",
        _("Awareness activities and materials by body"),
        _activity_columns(),
        [(f"org-{row['organisation_id']}", row["organisation__name"], [row[n] for n in FIGURES]) for row in rows],
        total_label=_("Total"),
        row_heading=_("Body"),
    )


def _trainings(year: int) -> Table:
    rows = (
        Training.objects.filter(held_on__year=year)
        .values("audience")
        .annotate(trainings=Count("pk"), women=Sum("women"), men=Sum("men"))
        .order_by()
    )
    found = {row["audience"]: row for row in rows}
    values = []
    for code, label in Audience.choices:
        row = found.get(code, {"trainings": 0, "women": 0, "men": 0})
        values.append((code, str(label), [row["trainings"], row["women"], row["men"], row["women"] + row["men"]]))
    return counts_table(
        "R2",
        _("Persons trained by audience group"),
        [_("Trainings held"), _("Women"), _("Men"), _("Persons trained")],
        values,
        total_label=_("Total"),
        row_heading=_("Audience group"),
        total_column=3,
        column_groups=[(1, 2)],
        note=_("Participations: a person who attended two trainings is counted twice."),
    )


def _calls(calls: dict) -> Table:
    channels = {row["code"]: row["count"] for row in calls["by_channel"]}
    first_channel = 3
    return counts_table(
        "R3",
        _("Hotline calls"),
        [
            _("Calls received"),
            _("of which concerning trafficking"),
            _("of which referred to the police, an NGO or a consulate"),
            *(str(label) for label in CallChannel.labels),
        ],
        [
            (
                "calls",
                _("Calls received by the hotlines"),
                [
                    calls["total"],
                    calls["thb_relevant"],
                    calls["referred"],
                    *(channels.get(code, 0) for code in CallChannel.values),
                ],
            )
        ],
        row_heading=_("Hotline"),
        total_column=0,
        column_groups=[tuple(range(first_channel, first_channel + len(CallChannel.values)))],
        note=_(
            "Calls concerning trafficking and calls referred are parts of the calls received and overlap; the calls "
            "by channel (phone, SMS, web form, e-mail, messenger) add up to the calls received."
        ),
    )


def _inspections(year: int) -> Table:
    rows = (
        LabourInspection.objects.filter(started_on__year=year)
        .values("organisation_id", "organisation__name")
        .annotate(**{name: Sum(name) for name in INSPECTION_FIGURES})
        .order_by("organisation__name")
    )
    return counts_table(
        "R4",
        _("Labour-migration inspections"),
        [
            _("Workplaces inspected"),
            _("Workplaces with violations"),
            _("Workers checked"),
            _("of whom migrant workers"),
            _("Workers with forced-labour indicators"),
            _("Cases sent to the police"),
        ],
        [
            (f"org-{row['organisation_id']}", row["organisation__name"], [row[n] for n in INSPECTION_FIGURES])
            for row in rows
        ],
        total_label=_("Total"),
        row_heading=_("Body"),
    )


def _media_findings(year: int) -> Table:
    rows = MediaFinding.objects.filter(found_on__year=year).values("source", "action").annotate(n=Count("pk"))
    counts = {(row["source"], row["action"]): row["n"] for row in rows.order_by()}
    actions = MediaFinding.Action.values
    return counts_table(
        "R4b",
        _("Media and internet findings by source and action taken"),
        [str(label) for label in MediaFinding.Action.labels],
        [
            (source, str(label), [counts.get((source, action), 0) for action in actions])
            for source, label in MediaFinding.Source.choices
        ],
        total_label=_("Total"),
        total_column_label=_("Findings"),
        row_heading=_("Source"),
        note=_("The action taken is the one recorded when the report was built."),
    )

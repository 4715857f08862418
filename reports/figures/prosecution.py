"""Criminal prosecution (plan §5, 13.3): tables P1–P7 of the annual report, built from
`prosecution.selectors.criminal_case_figures`, which holds the counting rules; this module only lays them out.

Definitions (the year is the calendar year; an entry counts in the year of the date named):
- P1 criminal cases by article: criminal cases opened in the year (date opened), under each article of the Criminal
  Code recorded on them. A case under several articles counts under each, so the rows have no total.
- P2 criminal cases by stage: cases opened in the year; investigations completed in the year (date the investigation
  was completed), and of those the cases opened in an earlier year; cases sent to court in the year (date sent to
  court). A case counts at every stage it reached in the year.
- P3 persons prosecuted and convicted: defendants of the cases sent to court in the year ("prosecuted", whatever
  their outcome) and defendants convicted in the cases judged in the year (date of the judgment, outcome
  "convicted"). Natural persons by sex, adult or child (under 18 at the age band recorded) and citizenship
  (national: Azerbaijani; foreign: any other), each with a column for what is not recorded; legal persons have
  none of these and are their own column, counted in every breakdown, so each breakdown adds up to the total.
- P4 sentences: natural persons convicted in the year, by sentence: suspended (whatever its length), imprisonment
  under 5 years, 5 to 10 years (both included), over 10 years, and no prison sentence recorded; the total is the
  natural persons convicted (P3 without legal persons).
- P5 organised groups: cases opened in the year against an organised criminal group, the group members recorded on
  them, and the transnational cases opened in the year.
- P6 money laundering: cases opened in the year under Art. 193-1.
- P6b assets: the values seized in cases opened in the year and confiscated in cases judged in the year, summed per
  currency (no exchange rates: each row is in its own currency).
- P7 international requests: requests for mutual legal assistance, extradition or a joint investigation team sent
  or received in the year (date sent), by kind and direction.

P8 (officials investigated for complicity) is not built: the register does not record whether a defendant is an
official.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from monitoring.models import Currency
from prosecution.models import ARTICLE_LABELS, ARTICLES, MONEY_LAUNDERING, CooperationRequest
from prosecution.selectors import criminal_case_figures
from reports.tables import MONEY, Table, counts_table, paired

DEFINITIONS: list[tuple[str, str]] = [
    (
        gettext_lazy("Criminal cases by article"),
        gettext_lazy(
            "Criminal cases opened in the year, under each article of the Criminal Code recorded on them; a case "
            "under several articles counts under each."
        ),
    ),
    (
        gettext_lazy("Criminal cases by stage"),
        gettext_lazy(
            "Cases opened, investigations completed (and of those, cases opened in an earlier year) and cases sent "
            "to court, each by the date of that stage in the year."
        ),
    ),
    (
        gettext_lazy("Persons prosecuted"),
        gettext_lazy("Defendants of the criminal cases sent to court in the year, whatever their outcome."),
    ),
    (
        gettext_lazy("Persons convicted"),
        gettext_lazy("Defendants convicted in the criminal cases judged in the year."),
    ),
    (
        gettext_lazy("Child defendant"),
        gettext_lazy("A natural person whose age band recorded is under 18."),
    ),
    (
        gettext_lazy("Sentence bands"),
        gettext_lazy(
            "Suspended (whatever its length); imprisonment under 5 years; 5 to 10 years, both included; over 10 "
            "years; no prison sentence recorded."
        ),
    ),
    (
        gettext_lazy("Organised groups and transnational cases"),
        gettext_lazy(
            "Criminal cases opened in the year against an organised criminal group, with the members recorded, and "
            "criminal cases opened in the year with a transnational element."
        ),
    ),
    (
        gettext_lazy("Assets seized and confiscated"),
        gettext_lazy(
            "Values seized in criminal cases opened in the year and confiscated in criminal cases judged in the "
            "year, in the currency recorded."
        ),
    ),
    (
        gettext_lazy("International requests"),
        gettext_lazy("Requests for international cooperation sent or received in the year, by the date sent."),
    ),
]

P3_FEEDS = ("TIP", "GLOTIP", "GRETA-III", "Eurostat")
SEX = ("female", "male", "unknown")
AGE = ("adult", "child", "unknown")
CITIZENSHIP = ("national", "foreign", "unknown")
BANDS = ("suspended", "under_5", "5_to_10", "over_10")


def tables(year: int) -> list[Table]:
    return paired(_build, year)


def _build(year: int) -> list[Table]:
    figures = criminal_case_figures(year=year)
    return [
        _by_article(figures["by_article"]),
        _stages(figures["stages"]),
        _defendants(figures["defendants"]),
        _sentences(figures["sentences"], figures["defendants"]["convicted"]),
        _groups(figures),
        _money_laundering(figures["assets"]),
        _assets(figures["assets"]),
        _requests(figures["requests"]),
    ]


def _by_article(by_article: dict[str, int]) -> Table:
    return counts_table(
        "P1",
        _("Criminal cases opened by article of the Criminal Code"),
        [_("Criminal cases opened")],
        [(code, str(label), [by_article[code]]) for code, label in ARTICLES],
        row_heading=_("Article"),
        feeds=("TIP", "GLOTIP"),
        note=_("A case under several articles counts under each, so the rows have no total: see table P2."),
    )


def _stages(stages: dict[str, int]) -> Table:
    return counts_table(
        "P2",
        _("Criminal cases by stage reached in the year"),
        [_("Criminal cases")],
        [
            ("opened", _("Opened"), [stages["opened"]]),
            ("investigation_completed", _("Investigation completed"), [stages["investigation_completed"]]),
            (
                "investigation_completed_from_earlier_years",
                _("of which opened in an earlier year"),
                [stages["investigation_completed_from_earlier_years"]],
            ),
            ("sent_to_court", _("Sent to court"), [stages["sent_to_court"]]),
        ],
        row_heading=_("Stage"),
        note=_("A case counts at every stage it reached in the year."),
    )


def _defendants(defendants: dict) -> Table:
    columns = [
        _("Female"),
        _("Male"),
        _("Sex not recorded"),
        _("Adults"),
        _("Children"),
        _("Age not recorded"),
        _("Nationals"),
        _("Foreign nationals"),
        _("Citizenship not recorded"),
        _("Legal persons"),
        _("Total"),
    ]
    legal = len(columns) - 2
    return counts_table(
        "P3",
        _("Persons prosecuted and convicted"),
        columns,
        [
            ("prosecuted", _("Prosecuted (cases sent to court)"), _person_values(defendants["prosecuted"])),
            ("convicted", _("Convicted (judgments of the year)"), _person_values(defendants["convicted"])),
        ],
        row_heading=_("Defendants"),
        people=True,
        total_column=legal + 1,
        column_groups=[(0, 1, 2, legal), (3, 4, 5, legal), (6, 7, 8, legal)],
        feeds=P3_FEEDS,
        note=_(
            "Sex, age and citizenship are those of natural persons; legal persons are counted in every breakdown "
            "so that each adds up to the total."
        ),
    )


def _person_values(people: dict) -> list[int]:
    return [
        *(people["sex"][key] for key in SEX),
        *(people["age"][key] for key in AGE),
        *(people["citizenship"][key] for key in CITIZENSHIP),
        people["legal_persons"],
        people["total"],
    ]


def _sentences(sentences: dict[str, int], convicted: dict) -> Table:
    natural = convicted["total"] - convicted["legal_persons"]
    labels = {
        "suspended": _("Suspended sentence"),
        "under_5": _("Imprisonment under 5 years"),
        "5_to_10": _("Imprisonment from 5 to 10 years"),
        "over_10": _("Imprisonment over 10 years"),
    }
    return counts_table(
        "P4",
        _("Persons convicted by sentence"),
        [_("Persons convicted")],
        [
            *((band, labels[band], [sentences[band]]) for band in BANDS),
            ("no_prison", _("No prison sentence recorded"), [natural - sum(sentences.values())]),
        ],
        total_label=_("Natural persons convicted"),
        row_heading=_("Sentence"),
        people=True,
    )


def _groups(figures: dict) -> Table:
    groups = figures["groups"]
    return counts_table(
        "P5",
        _("Organised criminal groups and transnational cases"),
        [pgettext("count", "Number")],
        [
            ("groups", _("Criminal cases against an organised group"), [groups["groups"]]),
            ("members", _("Group members"), [groups["members"]]),
            ("transnational", _("Transnational criminal cases"), [figures["transnational"]]),
        ],
        row_heading=_("Cases opened in the year"),
    )


def _money_laundering(assets: dict) -> Table:
    return counts_table(
        "P6",
        _("Money-laundering criminal cases"),
        [_("Criminal cases opened")],
        [(MONEY_LAUNDERING, str(ARTICLE_LABELS[MONEY_LAUNDERING]), [assets["money_laundering_cases"]])],
        row_heading=_("Article"),
        feeds=("GLOTIP",),
    )


def _assets(assets: dict) -> Table:
    zero = Decimal(0)
    return counts_table(
        "P6b",
        _("Assets seized and confiscated, by currency"),
        [_("Seized (cases opened in the year)"), _("Confiscated (cases judged in the year)")],
        [
            (code, code, [assets["seized"].get(code, zero), assets["confiscated"].get(code, zero)])
            for code in Currency.values
        ],
        row_heading=_("Currency"),
        kind=MONEY,
        feeds=("GLOTIP",),
        note=_("Each row is in its own currency: the rows are not added together."),
    )


def _requests(requests: dict[str, dict[str, int]]) -> Table:
    directions = CooperationRequest.Direction.values
    return counts_table(
        "P7",
        _("International requests by kind"),
        [str(label) for label in CooperationRequest.Direction.labels],
        [
            (kind, str(label), [requests[kind][direction] for direction in directions])
            for kind, label in CooperationRequest.Kind.choices
        ],
        total_label=_("Total"),
        total_column_label=_("Total"),
        row_heading=_("Kind of request"),
    )

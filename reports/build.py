"""The annual report on the condition of combating trafficking in human beings (plan §9.2), built from the data.

`report_build(year=…, edition=…)` collects every table of the outline with the year before beside it, checks the
data and lists what is wrong in the data-quality annex, and, for the public edition, hides the small counts of
people. The result is plain data (`Report`), stored as JSON when the report is issued and drawn as HTML, PDF, DOCX
and XLSX by `reports.render`.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import disclosure, noise, quality
from reports.figures import plan, prevention, prosecution, resources, victims
from reports.models import Edition
from reports.tables import Table

EXACT, SUPPRESSION, NOISE = "exact", "suppression", "noise"
PUBLIC_METHODS = (SUPPRESSION, NOISE)

# The sections of the outline (shared/reference "Proposed outline of the annual report") and the tables in each.
LAYOUT = (
    ("4", gettext_lazy("Implementation of the National Action Plan (13.1–13.9)"), ("S1", "S3")),
    ("5", gettext_lazy("Prevention (13.2, 13.9)"), ("R1", "R1b", "R2", "R3", "R4", "R4b")),
    ("6", gettext_lazy("Criminal prosecution (13.3)"), ("P1", "P2", "P3", "P4", "P5", "P6", "P6b", "P7")),
    (
        "7",
        gettext_lazy("Identification, protection and assistance of victims (13.4–13.6)"),
        ("V1", "V2", "V3", "V3b", "V4", "V4b", "A1", "A1b", "A2", "A4", "PR1"),
    ),
    ("8", gettext_lazy("Coordination, resources and donor support (13.7)"), ("D1", "D2", "D2b", "D3")),
    ("9", gettext_lazy("International cooperation and partnership (13.8)"), ("C1", "C1b")),
)
REFERENCES_SHOWN = 50  # per finding in Annex C: enough to start correcting; the rest are in the registers


@dataclass
class Section:
    number: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


@dataclass
class Report:
    year: int
    edition: str
    method: str
    min_cell: int
    language: str
    generated_at: str
    cover: dict
    summary: list[dict]
    sections: list[Section]
    tables: dict[str, Table]
    definitions: list[list[str]]
    problems: list[dict]
    version: int | None = None
    issued_at: str | None = None
    epsilon: float | None = None

    @property
    def public(self) -> bool:
        return self.edition == Edition.PUBLIC

    @property
    def suppressed_cells(self) -> int:
        return sum(len(table.suppressed) for table in self.tables.values())

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tables"] = {key: table.to_dict() for key, table in self.tables.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        data = dict(data)
        data["sections"] = [Section(**section) for section in data["sections"]]
        data["tables"] = {key: Table.from_dict(table) for key, table in data["tables"].items()}
        return cls(**data)


def report_build(
    *,
    year: int,
    edition: str,
    language: str | None = None,
    min_cell: int | None = None,
    method: str | None = None,
    epsilon: float | None = None,
) -> Report:
    """`method` (public edition only): "suppression" of small cells, or "noise" (differential privacy with
    `epsilon` per count); by default the settings REPORT_PUBLIC_METHOD and REPORT_EPSILON."""
    language = language or settings.LANGUAGE_CODE
    min_cell = min_cell or settings.REPORT_MIN_CELL
    public = edition == Edition.PUBLIC
    method = (method or settings.REPORT_PUBLIC_METHOD) if public else EXACT
    if method not in (EXACT, *PUBLIC_METHODS):
        raise ValueError(f"Unknown disclosure method {method!r}: choose one of {', '.join(PUBLIC_METHODS)}.")
    epsilon = (epsilon or settings.REPORT_EPSILON) if method == NOISE else None
    with translation.override(language):
        tables = {table.key: table for table in collect_tables(year)}
        problems = quality.problems(year) + quality.table_problems(list(tables.values()))
        implementation = (plan.implementation(year), plan.implementation(year - 1))
        for table in tables.values():
            if table.people and method == SUPPRESSION:
                disclosure.protect(table, min_cell)
            elif table.people and method == NOISE:
                noise.add_noise(table, epsilon)
        return Report(
            year=year,
            edition=edition,
            method=method,
            epsilon=epsilon,
            min_cell=min_cell,
            language=language,
            generated_at=timezone.now().isoformat(timespec="seconds"),
            cover=_cover(year),
            summary=_summary(tables, implementation),
            sections=_sections(year, tables, implementation[0]),
            tables=tables,
            definitions=_definitions(method, min_cell, epsilon),
            problems=[_problem(problem, public=public) for problem in problems],
        )


def collect_tables(year: int) -> list[Table]:
    """Every table of the report for `year`, with exact figures, in the order of the outline."""
    return [
        *plan.tables(year),
        *prevention.tables(year),
        *prosecution.tables(year),
        *victims.tables(year),
        *resources.tables(year),
    ]


def _cover(year: int) -> dict:
    bodies = plan.contributing_bodies(year)
    return {
        "title": _("Annual report on the condition of combating trafficking in human beings"),
        "period": _("1 January – 31 December %(year)s") % {"year": year},
        "addressees": [
            _("The President of the Republic of Azerbaijan"),
            _("The Milli Mejlis of the Republic of Azerbaijan"),
            _("The Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"),
        ],
        "legal_basis": [
            _("Law of the Republic of Azerbaijan on Combating Trafficking in Human Beings, Article 7.5"),
            _("National Action Plan on Combating Trafficking in Human Beings, section 9.2"),
        ],
        "presenter": _("The National Coordinator for combating trafficking in human beings"),
        "bodies": bodies,
    }


def _summary(tables: dict[str, Table], implementation: tuple[dict, dict]) -> list[dict]:
    """Key figures: each with the year before, None where the edition does not publish it."""
    figures = []
    for label, key, row, column in SUMMARY:
        table = tables.get(key)
        if table is None:
            continue
        index = next((r for r, candidate in enumerate(table.rows) if candidate.key == row), None)
        if index is None:
            continue
        column = column if column >= 0 else len(table.columns) + column
        figures.append(
            {
                "label": str(label),
                "table": key,
                "value": None if (index, column) in table.suppressed else table.rows[index].values[column],
                "previous": (
                    None
                    if (index, column) in table.previous_suppressed or table.rows[index].previous is None
                    else table.rows[index].previous[column]
                ),
            }
        )
    now, before = implementation
    if now["rate"] is not None:
        figures.append(
            {
                "label": _("Measures due that are implemented (%)"),
                "table": "S1",
                "value": float(now["rate"]),
                "previous": None if before["rate"] is None else float(before["rate"]),
            }
        )
    return figures


def _sections(year: int, tables: dict[str, Table], implementation: dict) -> list[Section]:
    needs = plan.open_needs(year)
    sections = [Section("1", _("Executive summary"), paragraphs=_top_needs(needs)), _situation(year, tables)]
    for number, title, keys in LAYOUT:
        present = [key for key in keys if key in tables]
        section = Section(number, str(title), tables=present)
        if number == "4":
            section.paragraphs = _implementation_text(implementation)
        sections.append(section)
    sections.append(_conclusions(year, implementation, needs))
    return sections


def _published(tables: dict[str, Table], key: str, row: str, column: int = -1):
    table = tables.get(key)
    if table is None:
        return None
    try:
        return table.cell(row, column if column >= 0 else len(table.columns) + column)
    except KeyError:
        return None


def _shown(value) -> str:
    return "x" if value is None else str(value)


def _situation(year: int, tables: dict[str, Table]) -> Section:
    """The national profile in words, from the published cells only (a hidden figure stays hidden here too)."""
    paragraphs = [
        _(
            "In %(year)s the competent body identified %(identified)s victims of trafficking; %(presumed)s presumed "
            "victims were registered (table V1). Presumed victims are counted apart from identified ones and never "
            "added to them."
        )
        % {
            "year": year,
            "identified": _shown(_published(tables, "V1", "identified")),
            "presumed": _shown(_published(tables, "V1", "presumed")),
        }
    ]
    v3 = tables.get("V3")
    if v3 is not None and v3.total_row:
        last = len(v3.rows) - 1
        scopes = [
            f"{v3.columns[c].lower()}: {_shown(None if (last, c) in v3.suppressed else v3.rows[last].values[c])}"
            for c in range(len(v3.columns))
            if c != v3.total_column
        ]
        paragraphs.append(
            _("Identified victims by where they were exploited (table V3): %(scopes)s.") % {"scopes": "; ".join(scopes)}
        )
    v3b = tables.get("V3b")
    if v3b is not None:
        countries = _largest_rows(v3b, 3)
        if countries:
            paragraphs.append(
                _("The countries of exploitation with the most identified victims (table V3b): %(countries)s.")
                % {"countries": ", ".join(countries)}
            )
    return Section("2", _("Situation and trends"), paragraphs=paragraphs)


def _largest_rows(table: Table, count: int) -> list[str]:
    column = table.total_column if table.total_column is not None else 0
    published = [
        (row.values[column], row.label)
        for r, row in enumerate(table.rows)
        if not row.total
        and (r, column) not in table.suppressed
        and isinstance(row.values[column], int)
        and row.values[column] > 0
        and row.key not in ("unknown", "not_recorded")
    ]
    return [f"{label} ({value})" for value, label in sorted(published, key=lambda item: (-item[0], item[1]))[:count]]


def _implementation_text(figures: dict) -> list[str]:
    if figures["plan"] is None:
        return [_("No action plan was in force in this year.")]
    text = [
        _(
            "%(plan)s: %(measures)s measures. At the reporting round %(round)s, %(implemented)s of the %(due)s "
            "measures due were implemented (complete, ongoing or substantially implemented); %(overdue)s are "
            "overdue. The status of each measure is in Annex B."
        )
        % {**figures, "round": figures["round"] or "–"}
    ]
    if figures["rate"] is not None:
        text.append(
            _("Implementation rate: %(rate)s%%. %(definition)s")
            % {"rate": figures["rate"], "definition": figures["rate_definition"]}
        )
    return text


def _top_needs(needs: list[dict], shown: int = 3) -> list[str]:
    """The open needs the executive bodies raised, the first few in full (all of them are in table D3)."""
    if not needs:
        return []
    lines = [
        _("%(kind_label)s, measure %(measure)s (%(organisation)s): %(description)s") % need for need in needs[:shown]
    ]
    return [
        _("Needs still open that the executive bodies raised (%(count)s in all, table D3): %(needs)s")
        % {"count": len(needs), "needs": " ".join(f"({n}) {line}" for n, line in enumerate(lines, start=1))}
    ]


def _conclusions(year: int, figures: dict, needs: list[dict]) -> Section:
    paragraphs = []
    if figures["overdue"]:
        paragraphs.append(
            _("%(count)s measures of the plan are overdue and need the executive bodies' attention (Annex B).")
            % {"count": figures["overdue"]}
        )
    not_started = figures["statuses"].get("not_started", 0)
    if not_started:
        paragraphs.append(_("%(count)s measures have not started.") % {"count": not_started})
    if needs:
        paragraphs.append(
            _("%(count)s needs raised by the executive bodies are still open (table D3).") % {"count": len(needs)}
        )
    paragraphs.append(
        _(
            "For %(next)s: complete the overdue measures, answer the open needs, and correct the data problems "
            "listed in Annex C before the next report."
        )
        % {"next": year + 1}
    )
    return Section("10", _("Problems, conclusions and plans for the next year"), paragraphs=paragraphs)


def _definitions(method: str, min_cell: int, epsilon: float | None) -> list[list[str]]:
    found = []
    for module in (plan, prevention, prosecution, victims, resources):
        found.extend([str(term), str(text)] for term, text in module.DEFINITIONS)
    if method == SUPPRESSION:
        found.append([_("Public edition"), suppression_method_text(min_cell)])
    elif method == NOISE:
        found.append([_("Public edition"), noise_method_text(epsilon)])
    return found


def suppression_method_text(min_cell: int) -> str:
    return _(
        "Counts of people from 1 to %(k)s are not published (shown as “x”), nor are the further cells that would let "
        "them be worked out from the totals. Counts of activities and amounts of money are published in full."
    ) % {"k": min_cell - 1}


def noise_method_text(epsilon: float) -> str:
    return _(
        "Counts of people are published with random noise (differential privacy: OpenDP's discrete Laplace "
        "mechanism, ε = %(epsilon)s for each count), so that no figure shows for certain whether any one person is "
        "in the data. A total has its own noise, so the parts need not add up to it exactly. Counts of activities "
        "and amounts of money are published exactly."
    ) % {"epsilon": epsilon}


def _problem(problem, *, public: bool) -> dict:
    """A finding of the checks; the restricted edition names at most REFERENCES_SHOWN records, the public none."""
    references = [] if public else list(problem.references)
    return {
        "code": problem.code,
        "message": str(problem.message),
        "count": problem.count,
        "references": references[:REFERENCES_SHOWN],
        "more": max(0, len(references) - REFERENCES_SHOWN),
    }


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# The key figures of the executive summary: (label, table, row key, column; -1 is the table's last column).
SUMMARY = (
    (gettext_lazy("Victims identified"), "V1", "identified", -1),
    (gettext_lazy("Presumed victims registered"), "V1", "presumed", -1),
    (gettext_lazy("Child victims identified"), "A4", "identified", 0),
    (gettext_lazy("Criminal cases opened"), "P2", "opened", 0),
    (gettext_lazy("Persons convicted"), "P3", "convicted", -1),
    (gettext_lazy("Hotline calls received"), "R3", "calls", 0),
    (gettext_lazy("Participants in trainings"), "R2", "total", -1),
    (gettext_lazy("Awareness activities"), "R1", "total", 0),
)

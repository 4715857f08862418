"""Victims, assistance, children and protection: tables V1–V4, A1, A2, A4 and PR1 of the annual report (§7).

Every figure comes from the case records (`cases`), counted in SQL from plain fields only: sex, year of birth,
estimated age, citizenship, "handled as a child", and the dates. Nothing encrypted is read. A year is a calendar
year in the project's time zone (Asia/Baku): a moment belongs to the year of its local date.

Definitions (quoted in the annex "Methodology and definitions"; `DEFINITIONS` holds the same text):

- Identified victim of year Y: a case whose first change of legal status to "identified" is dated in Y. A case
  is one person (a person has exactly one case), so a person is counted once a year, and only in the year of the
  first identification. A case recorded as identified without that status change (as some imported records are)
  has no identification date and is counted in no year.
- Presumed victim of year Y: a case registered (its registration moment) in Y, whatever its status. Presumed and
  identified victims are shown side by side, never added: a person registered and identified in the same year is
  in both rows.
- Child: a person handled as a child until the age is verified, or under 18 by the estimated age, or whose year of
  birth is less than 18 years before the year the case was registered (cases.selectors.CHILD_FILTER). Everyone
  else, including a person whose age is not recorded, is counted as an adult.
- Women, men, girls, boys: female or male adults and children. A person whose sex is recorded as "other" or
  "unknown" is counted once, in "sex not recorded", whatever the age.
- Form of exploitation (V2): the one form recorded for the case; a case with more than one form is counted once,
  in "more than one form"; a case with none in "not recorded".
- Citizenship (V3): nationals are citizens of Azerbaijan (AZ); a foreign national is counted under the ISO 3166
  code of the citizenship; an empty citizenship or one that is not an ISO 3166 alpha-2 code is "not recorded".
  Internal / transnational / not known is the case's scope as recorded.
- Country of exploitation (V3b): the first ISO 3166 code of the case's countries of exploitation; for an internal
  case with no country recorded, Azerbaijan (internal trafficking takes place within the country). A field that
  is empty, or holds anything but ISO codes, is "not recorded".
- Decision by 31 December (V4): for a case registered in Y, "identified" if a change of status to "identified" is
  dated on or before 31 December of Y; "not identified" if a change to "not identified" is, and none to
  "identified"; otherwise "awaiting a decision" on 31 December.
- Identification source (V4, V4b): who identified the person, as recorded on the case (police, NGO, hotline,
  consulate, self-referral, other).
- Services (A1): a service counts in the year it starts. "Persons assisted" is the number of distinct cases with
  at least one service of that kind starting in Y; "services started" counts every service. Placements in a
  shelter or assistance centre count in the year of the placement. Rows do not add up: a person gets several
  services.
- One-time allowances (A1b): the amounts of the "one-time allowance or financial aid" services starting in Y,
  summed by currency (no conversion).
- Repatriation (A2): repatriation services starting in Y; a repatriation of a national is a return to Azerbaijan,
  of a foreign national a return from Azerbaijan; with no citizenship recorded the direction is not known.
- Recovery and reflection period (A2): "granted" counts the periods starting in Y; "extended" counts the
  extensions recorded in Y (a period may be extended more than once).
- Children (A4): child victims identified in Y (as above); guardians or legal representatives appointed in Y;
  children under guardianship on 31 December of Y (a guardianship appointed by then and not ended by then);
  notifications of the guardianship authority or of the commission on minors dated in Y; risk and best-interest
  assessments dated in Y; age verifications dated in Y; school enrolments dated in Y.
- Protection (PR1): protection measures starting in Y, by kind; consular cases: cases registered in Y through a
  consulate; services abroad: repatriations or family reunifications taking place abroad, starting in Y.
- "Persons" in A2, A4 and PR1 is the number of distinct cases concerned; "number" counts the records.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import models
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cases.htcds import COUNTRY_CODES, country_codes
from cases.models import (
    AgeVerification,
    AssistanceService,
    AuthorityNotification,
    BestInterestAssessment,
    Case,
    ExploitationForm,
    Guardian,
    PeriodExtension,
    Placement,
    ProtectionMeasure,
    ReflectionPeriod,
    SchoolEnrolment,
    Sex,
    StatusChange,
)
from cases.selectors import CHILD_FILTER
from reports.tables import MONEY, Row, Table, counts_table, paired

Status = Case.Status
Source = Case.Source
Scope = Case.Scope
Kind = AssistanceService.Kind

NATIONAL = "AZ"
NOT_RECORDED = "not_recorded"
SEVERAL = "several"

DEFINITIONS = [
    (
        gettext_lazy("Identified victim"),
        gettext_lazy(
            "A person whose case was first given the legal status “identified victim” by the competent body in the "
            "year. Each person is counted once, in the year of the first identification."
        ),
    ),
    (
        gettext_lazy("Presumed victim"),
        gettext_lazy(
            "A person whose case was registered in the year, whatever its legal status. Presumed and identified "
            "victims are shown separately and never added together."
        ),
    ),
    (
        gettext_lazy("Child"),
        gettext_lazy(
            "A person handled as a child until the age is verified, or under 18 by the estimated age or by the year "
            "of birth in the year the case was registered. Everyone else, including a person whose age is not "
            "recorded, is counted as an adult."
        ),
    ),
    (
        gettext_lazy("Women, men, girls, boys; sex not recorded"),
        gettext_lazy(
            "Female and male adults and children. A person whose sex is recorded as other or unknown is counted "
            "once, under “sex not recorded”, whatever the age."
        ),
    ),
    (
        gettext_lazy("Form of exploitation"),
        gettext_lazy(
            "The form of exploitation recorded for the case. A case with more than one form is counted once, under "
            "“more than one form”; a case with none under “not recorded”."
        ),
    ),
    (
        gettext_lazy("Citizenship"),
        gettext_lazy(
            "Nationals are citizens of Azerbaijan; foreign nationals are counted by the ISO 3166 code of their "
            "citizenship. An empty citizenship, or one that is not an ISO 3166 code, is “not recorded”."
        ),
    ),
    (
        gettext_lazy("Internal and transnational trafficking"),
        gettext_lazy("As recorded on the case: internal, transnational, or not known."),
    ),
    (
        gettext_lazy("Country of exploitation"),
        gettext_lazy(
            "The first country of exploitation recorded for the case (ISO 3166 code); Azerbaijan for an internal "
            "case with no country recorded; “not recorded” when the field is empty or holds anything but country "
            "codes."
        ),
    ),
    (
        gettext_lazy("Decision by 31 December"),
        gettext_lazy(
            "For a case registered in the year: identified if the case was identified on or before 31 December; "
            "not identified if it was found not to be a victim by then and not identified; otherwise awaiting a "
            "decision."
        ),
    ),
    (
        gettext_lazy("Identification source"),
        gettext_lazy(
            "Who identified the person, as recorded on the case: police, NGO, hotline, consulate, self-referral or "
            "other."
        ),
    ),
    (
        gettext_lazy("Persons assisted and services started"),
        gettext_lazy(
            "A service counts in the year it starts. Persons assisted: the people with at least one service of the "
            "kind starting in the year; services started: every such service. Placements in a shelter or assistance "
            "centre count in the year of the placement. The rows do not add up: one person receives several "
            "services."
        ),
    ),
    (
        gettext_lazy("One-time allowance"),
        gettext_lazy(
            "The amounts of the one-time allowances or financial aid starting in the year, summed in each currency "
            "without conversion."
        ),
    ),
    (
        gettext_lazy("Repatriation"),
        gettext_lazy(
            "A repatriation service starting in the year: of a national, a return to Azerbaijan; of a foreign "
            "national, a return from Azerbaijan; with no citizenship recorded, direction not known."
        ),
    ),
    (
        gettext_lazy("Recovery and reflection period"),
        gettext_lazy(
            "Granted: the periods starting in the year. Extended: the extensions recorded in the year; a period may "
            "be extended more than once."
        ),
    ),
    (
        gettext_lazy("Measures for children"),
        gettext_lazy(
            "Guardians or legal representatives appointed, notifications of the guardianship authority and of the "
            "commission on minors, risk and best-interest assessments, age verifications and school enrolments, each "
            "dated in the year. Under guardianship on 31 December: a guardianship appointed by then and not ended by "
            "then."
        ),
    ),
    (
        gettext_lazy("Protection measures and consular cases"),
        gettext_lazy(
            "Protection measures starting in the year, by kind. Consular cases: cases registered in the year through "
            "a consulate. Services abroad: repatriations and family reunifications taking place abroad, starting in "
            "the year."
        ),
    ),
    (
        gettext_lazy("Persons and number"),
        gettext_lazy("Persons: the number of people concerned, each counted once; number: the number of records."),
    ),
]


def tables(year: int) -> list[Table]:
    """Every victim, assistance, child and protection table of `year`, with the previous year's values beside."""
    return paired(_build, year)


def _build(year: int) -> list[Table]:
    identified = identified_in(year)
    return [
        _v1_victims(year, identified),
        _v2_forms(identified),
        _v3_citizenship(identified),
        _v3b_exploitation_country(identified),
        _v4_decisions(year),
        _v4b_sources(identified),
        _a1_assistance(year),
        _a1b_allowances(year),
        _a2_returns_and_periods(year),
        _a4_children(year, identified),
        _pr1_protection(year),
    ]


def identified_in(year: int):
    """The cases first identified in `year` (one case is one person)."""
    first_identified = (
        StatusChange.objects.filter(to_status=Status.IDENTIFIED)
        .order_by()
        .values("case")
        .annotate(first=Min("at"))
        .filter(first__year=year)
        .values("case")
    )
    return Case.objects.filter(pk__in=first_identified)


# Sex and age: women, men, girls, boys, sex not recorded.


def _sex_age_columns() -> list[str]:
    return [_("Women"), _("Men"), _("Girls"), _("Boys"), _("Sex not recorded")]


def _by_sex_and_age(cases, field: str | None = None) -> dict:
    """{value of `field` (None without one): [women, men, girls, boys, sex not recorded]}, in one query."""
    fields = [field] if field else []
    groups = (
        cases.order_by()
        .values(*fields, "person__sex")
        .annotate(persons=Count("pk", distinct=True), children=Count("pk", filter=CHILD_FILTER, distinct=True))
    )
    counts = defaultdict(lambda: [0] * 5)
    for group in groups:
        cells = counts[group[field] if field else None]
        children, adults = group["children"], group["persons"] - group["children"]
        if group["person__sex"] == Sex.FEMALE:
            cells[0] += adults
            cells[2] += children
        elif group["person__sex"] == Sex.MALE:
            cells[1] += adults
            cells[3] += children
        else:
            cells[4] += group["persons"]
    return counts


def _v1_victims(year: int, identified) -> Table:
    presumed = _by_sex_and_age(Case.objects.filter(created_at__year=year))[None]
    victims = _by_sex_and_age(identified)[None]
    return counts_table(
        "V1",
        _("Presumed and identified victims, by sex and age"),
        _sex_age_columns(),
        [
            ("presumed", _("Presumed victims registered"), presumed),
            ("identified", _("Identified victims"), victims),
        ],
        total_column_label=_("Total"),
        people=True,
        feeds=("TIP", "GLOTIP", "SDG16.2.2"),
        note=_(
            "The rows are not added together: a person registered and identified in the same year is in both. A "
            "person of unknown age is counted as an adult."
        ),
    )


def _v2_forms(identified) -> Table:
    # A case holds each form at most once, so its lowest and highest forms are equal exactly when it has one form.
    forms = ExploitationForm.objects.filter(case=OuterRef("pk")).order_by()
    by_form = identified.alias(
        lowest=Subquery(forms.order_by("form").values("form")[:1]),
        highest=Subquery(forms.order_by("-form").values("form")[:1]),
    ).annotate(
        exploitation=models.Case(
            models.When(lowest__isnull=True, then=Value(NOT_RECORDED)),
            models.When(lowest=F("highest"), then=F("lowest")),
            default=Value(SEVERAL),
            output_field=models.CharField(),
        )
    )
    counts = _by_sex_and_age(by_form, "exploitation")
    rows = [(form.value, str(form.label), counts[form.value]) for form in ExploitationForm.Form]
    rows.append((SEVERAL, _("More than one form"), counts[SEVERAL]))
    rows.append((NOT_RECORDED, _("Not recorded"), counts[NOT_RECORDED]))
    return counts_table(
        "V2",
        _("Identified victims by form of exploitation, sex and age"),
        _sex_age_columns(),
        rows,
        row_heading=_("Form of exploitation"),
        total_label=_("Total"),
        total_column_label=_("Total"),
        people=True,
        feeds=("GLOTIP", "SDG16.2.2", "Eurostat"),
        note=_("A victim of more than one form of exploitation is counted once, under “more than one form”."),
    )


def _citizenship(code: str) -> str:
    code = code.strip().upper()
    return code if code in COUNTRY_CODES else NOT_RECORDED


def _country_rows(counts: dict, national_label: str) -> list[tuple[str, str, list[int]]]:
    """Azerbaijan first, then the other countries by code, then "not recorded"; every row keyed by its code."""
    foreign = sorted(key for key in counts if key not in (NATIONAL, NOT_RECORDED))
    return [
        (NATIONAL, national_label, counts[NATIONAL]),
        *[(code, code, counts[code]) for code in foreign],
        (NOT_RECORDED, _("Not recorded"), counts[NOT_RECORDED]),
    ]


def _v3_citizenship(identified) -> Table:
    scopes = [Scope.INTERNAL, Scope.TRANSNATIONAL, Scope.UNKNOWN]
    counts = defaultdict(lambda: [0] * len(scopes))
    groups = identified.order_by().values("person__citizenship", "scope").annotate(persons=Count("pk", distinct=True))
    for group in groups:
        scope = group["scope"] if group["scope"] in scopes else Scope.UNKNOWN
        counts[_citizenship(group["person__citizenship"])][scopes.index(scope)] += group["persons"]
    return counts_table(
        "V3",
        _("Identified victims by citizenship, internal or transnational trafficking"),
        [_("Internal"), _("Transnational"), _("Not known")],
        _country_rows(counts, _("Nationals (AZ)")),
        row_heading=_("Citizenship"),
        total_label=_("Total"),
        total_column_label=_("Total"),
        people=True,
        feeds=("GRETA-III", "Eurostat"),
    )


def _exploitation_country(countries: str, scope: str) -> str:
    codes = country_codes(countries)
    if codes:
        return codes.split(";")[0]
    return NATIONAL if scope == Scope.INTERNAL and not countries.strip() else NOT_RECORDED


def _v3b_exploitation_country(identified) -> Table:
    counts = defaultdict(lambda: [0, 0, 0])
    groups = (
        identified.order_by()
        .values("exploitation_countries", "scope", "person__citizenship")
        .annotate(persons=Count("pk", distinct=True))
    )
    for group in groups:
        citizenship = _citizenship(group["person__citizenship"])
        column = 0 if citizenship == NATIONAL else 2 if citizenship == NOT_RECORDED else 1
        country = _exploitation_country(group["exploitation_countries"], group["scope"])
        counts[country][column] += group["persons"]
    return counts_table(
        "V3b",
        _("Identified victims by country of exploitation and citizenship"),
        [_("Nationals"), _("Foreign nationals"), _("Citizenship not recorded")],
        _country_rows(counts, _("Azerbaijan (AZ)")),
        row_heading=_("Country of exploitation"),
        total_label=_("Total"),
        total_column_label=_("Total"),
        people=True,
        feeds=("GRETA-III", "Eurostat"),
        note=_("The first country of exploitation recorded; an internal case with none recorded is in Azerbaijan."),
    )


def _v4_decisions(year: int) -> Table:
    def decided(status: str):
        return Exists(StatusChange.objects.filter(case=OuterRef("pk"), to_status=status, at__year__lte=year))

    identified, rejected = decided(Status.IDENTIFIED), decided(Status.NOT_IDENTIFIED)
    groups = (
        Case.objects.filter(created_at__year=year)
        .order_by()
        .values("source")
        .annotate(
            registered=Count("pk"),
            identified=Count("pk", filter=identified),
            not_identified=Count("pk", filter=~identified & rejected),
        )
    )
    counts = defaultdict(lambda: [0, 0, 0])
    for group in groups:
        awaiting = group["registered"] - group["identified"] - group["not_identified"]
        cells = counts[group["source"]]
        for column, value in enumerate((group["identified"], group["not_identified"], awaiting)):
            cells[column] += value
    return counts_table(
        "V4",
        _("Presumed victims registered in the year, by identification source and decision by 31 December"),
        [_("Identified"), _("Not identified"), _("Awaiting a decision")],
        [(source.value, str(source.label), counts[source.value]) for source in Source],
        row_heading=_("Identification source"),
        total_label=_("Total"),
        total_column_label=_("Presumed victims registered"),
        people=True,
    )


def _v4b_sources(identified) -> Table:
    counts = _by_sex_and_age(identified, "source")
    return counts_table(
        "V4b",
        _("Identified victims by identification source, sex and age"),
        _sex_age_columns(),
        [(source.value, str(source.label), counts[source.value]) for source in Source],
        row_heading=_("Identification source"),
        total_label=_("Total"),
        total_column_label=_("Total"),
        people=True,
    )


# Assistance, returns and periods: persons (distinct cases) and records; rows never add up.


def _persons_and_number(case: str = "case") -> dict:
    """Aggregates of records about cases: the distinct persons concerned and the number of records."""
    return {"persons": Count(case, distinct=True), "number": Count("pk")}


def _pair(values: dict | None) -> list[int]:
    return [values["persons"], values["number"]] if values else [0, 0]


def _persons_table(key: str, title: str, columns: list[str], rows: list[tuple[str, str, list]], **options) -> Table:
    return Table(
        key=key,
        title=title,
        columns=columns,
        rows=[Row(row_key, label, values) for row_key, label, values in rows],
        people=True,
        **options,
    )


def _a1_assistance(year: int) -> Table:
    services = {
        group["kind"]: group
        for group in AssistanceService.objects.filter(starts_on__year=year)
        .order_by()
        .values("kind")
        .annotate(**_persons_and_number())
    }
    placements = Placement.objects.filter(placed_on__year=year).aggregate(**_persons_and_number())
    rows = [(kind.value, str(kind.label), _pair(services.get(kind.value))) for kind in Kind]
    rows.append(("placement", _("Placement in a shelter or assistance centre"), _pair(placements)))
    return _persons_table(
        "A1",
        _("Assistance: persons assisted and services started, by service"),
        [_("Persons assisted"), _("Services started")],
        rows,
        row_heading=_("Service"),
        note=_("The rows are not added together: one person receives several services."),
    )


def _a1b_allowances(year: int) -> Table:
    amounts = (
        AssistanceService.objects.filter(kind=Kind.FINANCIAL_AID, starts_on__year=year, amount__isnull=False)
        .order_by("currency")
        .values("currency")
        .annotate(amount=Sum("amount"))
    )
    return Table(
        key="A1b",
        title=_("One-time allowances and financial aid paid, by currency"),
        columns=[_("Amount")],
        rows=[Row(row["currency"], row["currency"], [Decimal(row["amount"])]) for row in amounts],
        row_heading=_("Currency"),
        kind=MONEY,
        note=_("Amounts in the currency of each row, not converted. The number of allowances is in table A1."),
    )


def _a2_returns_and_periods(year: int) -> Table:
    returns = {"in": [0, 0], "out": [0, 0], "unknown": [0, 0]}
    groups = (
        AssistanceService.objects.filter(kind=Kind.REPATRIATION, starts_on__year=year)
        .order_by()
        .values("case__person__citizenship")
        .annotate(**_persons_and_number())
    )
    for group in groups:
        citizenship = _citizenship(group["case__person__citizenship"])
        direction = "in" if citizenship == NATIONAL else "unknown" if citizenship == NOT_RECORDED else "out"
        returns[direction][0] += group["persons"]  # a case has one citizenship: the groups share no person
        returns[direction][1] += group["number"]
    granted = ReflectionPeriod.objects.filter(starts_on__year=year).aggregate(**_persons_and_number())
    extended = PeriodExtension.objects.filter(at__year=year).aggregate(**_persons_and_number(case="period__case"))
    return _persons_table(
        "A2",
        _("Repatriation and recovery and reflection periods"),
        [_("Persons"), pgettext("count", "Number")],
        [
            ("repatriation_in", _("Repatriations of nationals to Azerbaijan"), returns["in"]),
            ("repatriation_out", _("Repatriations of foreign nationals from Azerbaijan"), returns["out"]),
            ("repatriation_unknown", _("Repatriations, citizenship not recorded"), returns["unknown"]),
            ("period_granted", _("Recovery and reflection periods granted"), _pair(granted)),
            ("period_extended", _("Recovery and reflection periods extended"), _pair(extended)),
        ],
        feeds=("GRETA-III",),
        note=_("Residence permits are not recorded in CTIMS."),
    )


def _a4_children(year: int, identified) -> Table:
    children = identified.filter(CHILD_FILTER).aggregate(persons=Count("pk", distinct=True))["persons"]
    active = Q(appointed_on__year__lte=year) & (Q(ended_on__isnull=True) | Q(ended_on__year__gt=year))
    guardians = Guardian.objects.aggregate(
        persons=Count("case", distinct=True, filter=Q(appointed_on__year=year)),
        number=Count("pk", filter=Q(appointed_on__year=year)),
        active_persons=Count("case", distinct=True, filter=active),
        active_number=Count("pk", filter=active),
    )
    notified = {
        group["authority"]: group
        for group in AuthorityNotification.objects.filter(notified_on__year=year)
        .order_by()
        .values("authority")
        .annotate(**_persons_and_number())
    }
    assessed = BestInterestAssessment.objects.filter(assessed_on__year=year).aggregate(**_persons_and_number())
    verified = AgeVerification.objects.filter(verified_on__year=year).aggregate(**_persons_and_number())
    enrolled = SchoolEnrolment.objects.filter(enrolled_on__year=year).aggregate(**_persons_and_number())
    return _persons_table(
        "A4",
        _("Child victims: identification, guardianship and child protection"),
        [_("Persons"), pgettext("count", "Number")],
        [
            ("identified", _("Child victims identified"), [children, children]),
            ("guardian_appointed", _("Guardians or legal representatives appointed"), _pair(guardians)),
            (
                "under_guardianship",
                _("Children under guardianship on 31 December"),
                [guardians["active_persons"], guardians["active_number"]],
            ),
            *[
                (
                    f"notified_{authority.value}",
                    _("Notified: %(authority)s") % {"authority": authority.label},
                    _pair(notified.get(authority.value)),
                )
                for authority in AuthorityNotification.Authority
            ],
            ("best_interest", _("Risk and best-interest assessments"), _pair(assessed)),
            ("age_verified", _("Age verifications"), _pair(verified)),
            ("school", _("School enrolments"), _pair(enrolled)),
        ],
        note=_("The rows are not added together: one child is concerned by several measures."),
    )


def _pr1_protection(year: int) -> Table:
    measures = {
        group["kind"]: group
        for group in ProtectionMeasure.objects.filter(starts_on__year=year)
        .order_by()
        .values("kind")
        .annotate(**_persons_and_number())
    }
    consular = Case.objects.filter(created_at__year=year, source=Source.CONSULATE).count()
    abroad = AssistanceService.objects.filter(starts_on__year=year, abroad=True).aggregate(**_persons_and_number())
    rows = [(kind.value, str(kind.label), _pair(measures.get(kind.value))) for kind in ProtectionMeasure.Kind]
    rows.append(
        ("consular_cases", _("Consular cases registered (identified through a consulate)"), [consular, consular])
    )
    rows.append(("services_abroad", _("Services abroad (repatriation, family reunification)"), _pair(abroad)))
    return _persons_table(
        "PR1",
        _("Protection measures and consular cases"),
        [_("Persons"), pgettext("count", "Number")],
        rows,
        row_heading=_("Protection measure"),
        note=_("The rows are not added together: one person may be protected by several measures."),
    )

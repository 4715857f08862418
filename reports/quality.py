"""Data-quality checks run before the annual report of a year is generated; the report's annex C lists each finding.

A finding (`Problem`) has a stable code, a sentence in the active language with the count, and the references of
the records behind it: case reference codes, register entry uids, or progress reports named by measure, body and
round. References are for the restricted edition only. Each check runs a fixed number of queries, whatever the data.

The checks for year Y:
- `sex_not_recorded`: victims identified in Y (as reports.figures.victims.identified_in: the first change of the
  case's legal status to "identified victim" is dated in Y) whose sex is recorded neither as female nor as male;
  the tables by sex count them under "sex not recorded".
- `age_not_recorded`: victims identified in Y with no year of birth and no estimated age who are not handled as a
  child; the tables by age count them as adults.
- `service_after_closure`: assistance services starting or ending in Y whose start or end date is after the date
  (in the project's time zone) their case was closed.
- `service_ends_before_start`: assistance services starting or ending in Y that end before they start.
- `convicted_over_prosecuted`: more persons convicted in Y (in cases judged in Y) than prosecuted in Y (in cases
  sent to court in Y), as prosecution.selectors.criminal_case_figures counts them; the references are the criminal
  cases judged in Y with a conviction that were not sent to court in Y.
- `convicted_without_judgment`: defendants recorded as convicted in a criminal case opened in Y or earlier that has
  no date of judgment (they are in no year's conviction figures).
- `stage_dates_out_of_order`: criminal cases with a date of a stage in Y where a later stage's date (investigation
  completed, sent to court, judgment, appeal) is before an earlier one's (opened, …).
- `short_reflection_period`: recovery and reflection periods starting in Y shorter than 30 days (the period's
  days, both ends included; 30 days is the minimum of the Council of Europe Convention, Art. 13).
- `late_reports`: expected progress reports of the rounds of Y first submitted after the round's due date.
- `missing_reports`: expected progress reports of the rounds of Y never submitted by the time the checks run.
- `disbursed_over_committed`: donor support running in Y (started in Y or before, not ended before Y) with an amount
  disbursed greater than the amount committed.
- `training_without_participants`: trainings held in Y with no women and no men participants.
- `table_relations` (`table_problems`): cells of the report's tables that do not add up to their totals.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import AssistanceService, ReflectionPeriod, Sex
from monitoring.models import ProgressReport
from partners.models import DonorSupport
from prevention.models import Training
from prosecution.models import CriminalCase, Defendant
from prosecution.selectors import criminal_case_figures
from reports.figures.victims import identified_in
from reports.tables import Table

MINIMUM_REFLECTION_DAYS = 30


@dataclass
class Problem:
    code: str
    message: str
    count: int
    references: list[str] = field(default_factory=list)


def problems(year: int) -> list[Problem]:
    """Every finding of the checks for `year`, in the order of the report's sections."""
    found = [
        *_unrecorded_sex_and_age(year),
        _service_after_closure(year),
        _service_ends_before_start(year),
        _convicted_over_prosecuted(year),
        _convicted_without_judgment(year),
        _stage_dates_out_of_order(year),
        _short_reflection_periods(year),
        _late_reports(year),
        _missing_reports(year),
        _disbursed_over_committed(year),
        _trainings_without_participants(year),
    ]
    return [problem for problem in found if problem is not None]


def table_problems(tables: list[Table]) -> list[Problem]:
    """One finding for the tables whose cells do not add up to their totals (a fault of the report, not the data)."""
    found = {table.key: table.check() for table in tables}
    failures = [failure for problems in found.values() for failure in problems]
    if not failures:
        return []
    keys = ", ".join(key for key, problems in found.items() if problems)
    message = ngettext(
        "%(count)d total in the tables %(tables)s does not equal the sum of its parts.",
        "%(count)d totals in the tables %(tables)s do not equal the sum of their parts.",
        len(failures),
    ) % {"count": len(failures), "tables": keys}
    return [Problem("table_relations", message, len(failures), failures)]


def _problem(code: str, message: str, count: int, references) -> Problem | None:
    if not count:
        return None
    return Problem(code, message, count, sorted({str(reference) for reference in references}))


def _unrecorded_sex_and_age(year: int) -> list[Problem | None]:
    rows = list(
        identified_in(year).values_list(
            "reference", "person__sex", "person__year_of_birth", "person__estimated_age", "presumed_child"
        )
    )
    no_sex = [row[0] for row in rows if row[1] not in (Sex.FEMALE, Sex.MALE)]
    no_age = [row[0] for row in rows if row[2] is None and row[3] is None and not row[4]]
    values = {"total": len(rows), "year": year}
    return [
        _problem(
            "sex_not_recorded",
            ngettext(
                "%(count)d of the %(total)d victims identified in %(year)d is recorded neither as female nor as "
                "male: the tables by sex count this person under “sex not recorded”.",
                "%(count)d of the %(total)d victims identified in %(year)d are recorded neither as female nor as "
                "male: the tables by sex count them under “sex not recorded”.",
                len(no_sex),
            )
            % (values | {"count": len(no_sex)}),
            len(no_sex),
            no_sex,
        ),
        _problem(
            "age_not_recorded",
            ngettext(
                "%(count)d of the %(total)d victims identified in %(year)d has no recorded age and is not handled "
                "as a child: the tables by age count this person as an adult.",
                "%(count)d of the %(total)d victims identified in %(year)d have no recorded age and are not handled "
                "as children: the tables by age count them as adults.",
                len(no_age),
            )
            % (values | {"count": len(no_age)}),
            len(no_age),
            no_age,
        ),
    ]


def _services_of(year: int):
    return AssistanceService.objects.filter(Q(starts_on__year=year) | Q(ends_on__year=year))


def _service_after_closure(year: int) -> Problem | None:
    services = (
        _services_of(year)
        .filter(case__closed_at__isnull=False)
        .annotate(closed_on=TruncDate("case__closed_at"))
        .filter(Q(starts_on__gt=F("closed_on")) | Q(ends_on__gt=F("closed_on")))
    )
    references = list(services.values_list("case__reference", flat=True))
    message = ngettext(
        "%(count)d assistance service of %(year)d starts or ends after its case was closed.",
        "%(count)d assistance services of %(year)d start or end after their case was closed.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("service_after_closure", message, len(references), references)


def _service_ends_before_start(year: int) -> Problem | None:
    references = list(_services_of(year).filter(ends_on__lt=F("starts_on")).values_list("case__reference", flat=True))
    message = ngettext(
        "%(count)d assistance service of %(year)d ends before it starts.",
        "%(count)d assistance services of %(year)d end before they start.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("service_ends_before_start", message, len(references), references)


def _convicted_over_prosecuted(year: int) -> Problem | None:
    defendants = criminal_case_figures(year=year)["defendants"]
    convicted, prosecuted = defendants["convicted"]["total"], defendants["prosecuted"]["total"]
    if convicted <= prosecuted:
        return None
    judged_elsewhere = (
        CriminalCase.objects.filter(judgment_on__year=year, defendants__outcome=Defendant.Outcome.CONVICTED)
        .exclude(sent_to_court_on__year=year)
        .values_list("uid", flat=True)
    )
    message = _(
        "%(convicted)d persons were convicted in %(year)d but %(prosecuted)d prosecuted: convictions of cases sent "
        "to court in an earlier year, or a missing date of sending to court."
    ) % {"convicted": convicted, "prosecuted": prosecuted, "year": year}
    return _problem("convicted_over_prosecuted", message, convicted - prosecuted, judged_elsewhere)


def _convicted_without_judgment(year: int) -> Problem | None:
    defendants = Defendant.objects.filter(
        outcome=Defendant.Outcome.CONVICTED,
        criminal_case__judgment_on__isnull=True,
        criminal_case__opened_on__year__lte=year,
    )
    references = list(defendants.values_list("criminal_case__uid", flat=True))
    message = ngettext(
        "%(count)d defendant is recorded as convicted in a criminal case with no date of judgment, so no year "
        "counts the conviction.",
        "%(count)d defendants are recorded as convicted in a criminal case with no date of judgment, so no year "
        "counts their convictions.",
        len(references),
    ) % {"count": len(references)}
    return _problem("convicted_without_judgment", message, len(references), references)


def _stage_dates_out_of_order(year: int) -> Problem | None:
    names = [name for name, _stage in CriminalCase.DATES]
    in_year = Q()
    for name in names:
        in_year |= Q(**{f"{name}__year": year})
    out_of_order = Q()
    for position, later in enumerate(names):
        for earlier in names[:position]:
            out_of_order |= Q(**{f"{later}__lt": F(earlier)})
    references = list(CriminalCase.objects.filter(in_year).filter(out_of_order).values_list("uid", flat=True))
    message = ngettext(
        "%(count)d criminal case with a stage in %(year)d has the date of a later stage before an earlier one.",
        "%(count)d criminal cases with a stage in %(year)d have the date of a later stage before an earlier one.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("stage_dates_out_of_order", message, len(references), references)


def _short_reflection_periods(year: int) -> Problem | None:
    length = ExpressionWrapper(F("ends_on") - F("starts_on"), output_field=DurationField())
    periods = ReflectionPeriod.objects.filter(starts_on__year=year).annotate(length=length)
    # `length` leaves out the first day: 30 days from 1 to 30 June are 29 days apart.
    short = periods.filter(length__lt=datetime.timedelta(days=MINIMUM_REFLECTION_DAYS - 1))
    references = list(short.values_list("case__reference", flat=True))
    message = ngettext(
        "%(count)d recovery and reflection period starting in %(year)d is shorter than %(days)d days.",
        "%(count)d recovery and reflection periods starting in %(year)d are shorter than %(days)d days.",
        len(references),
    ) % {"count": len(references), "year": year, "days": MINIMUM_REFLECTION_DAYS}
    return _problem("short_reflection_period", message, len(references), references)


def _expected_reports(year: int):
    return ProgressReport.objects.filter(round__year=year, expected=True).select_related(
        "round__plan", "measure", "organisation"
    )


def _late_reports(year: int) -> Problem | None:
    references = [str(report) for report in _expected_reports(year).filter(late=True)]
    message = ngettext(
        "%(count)d expected progress report of the rounds of %(year)d was submitted after the due date.",
        "%(count)d expected progress reports of the rounds of %(year)d were submitted after the due date.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("late_reports", message, len(references), references)


def _missing_reports(year: int) -> Problem | None:
    references = [str(report) for report in _expected_reports(year).filter(first_submitted_at__isnull=True)]
    message = ngettext(
        "%(count)d expected progress report of the rounds of %(year)d was never submitted.",
        "%(count)d expected progress reports of the rounds of %(year)d were never submitted.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("missing_reports", message, len(references), references)


def _disbursed_over_committed(year: int) -> Problem | None:
    running = Q(start_on__year__lte=year) & (Q(end_on__isnull=True) | Q(end_on__year__gte=year))
    supports = DonorSupport.objects.filter(running, amount_disbursed__gt=F("amount_committed"))
    references = list(supports.values_list("uid", flat=True))
    message = ngettext(
        "%(count)d donor support running in %(year)d has disbursed more than was committed.",
        "%(count)d donor supports running in %(year)d have disbursed more than was committed.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("disbursed_over_committed", message, len(references), references)


def _trainings_without_participants(year: int) -> Problem | None:
    references = list(Training.objects.filter(held_on__year=year, women=0, men=0).values_list("uid", flat=True))
    message = ngettext(
        "%(count)d training held in %(year)d has no participants recorded.",
        "%(count)d trainings held in %(year)d have no participants recorded.",
        len(references),
    ) % {"count": len(references), "year": year}
    return _problem("training_without_participants", message, len(references), references)

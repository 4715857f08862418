"""Coordination, resources and donor support (plan §9.2–9.4, §10, §12, 13.7, 13.8): tables D1–D3 and C1 of the
annual report.

Definitions (the year is the calendar year in the project's time zone; an entry counts in the year of the date named;
statuses are those recorded when the report is built):
- D1 spending by funding source: the spending (by funding source and currency) given in the progress reports of the
  reporting rounds of the year (every period type: year, half-year, quarter) that the Coordinator has accepted.
  Amounts are in the currency reported: there are no exchange rates, so currencies are never added together.
- D2 donor support: every donor support whose period overlaps the year (start date on or before 31 December, and no
  end date or an end date on or after 1 January), whatever its status, with its donor, implementing organisation,
  plan measures, types of support, amounts committed and disbursed (over the whole support, not only in the year)
  and status.
- D2b donor support by donor: the amounts committed and disbursed of the supports of D2, summed per donor and
  currency. A support without an amount adds nothing.
- D3 needs: the needs raised in progress reports in the year (date raised, local time), by kind and state.
- C1 international cooperation: agreements, memoranda, joint events, international meetings, study visits and other
  cooperation signed or held in the year (date signed or held), by kind and status.
- C1b coordination meetings: meetings of the inter-organisational commission, of the legislative working group and
  other coordination meetings held in the year (date held), and the follow-up actions they decided, by status:
  done, open or in progress, dropped. "Overdue": open or in progress and due on or before 31 December of the year.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.models import Currency, FundingSource, Need, ProgressReport, ReportSpending
from partners.models import Cooperation, DonorSupport, FollowUpAction, Meeting
from reports.tables import MONEY, TEXT, Row, Table, counts_table, paired

DEFINITIONS: list[tuple[str, str]] = [
    (
        gettext_lazy("Spending by funding source"),
        gettext_lazy(
            "Spending by funding source given in the accepted progress reports of the reporting rounds of the year, "
            "in the currency reported."
        ),
    ),
    (
        gettext_lazy("Donor support in the year"),
        gettext_lazy(
            "Donor support whose period overlaps the year, whatever its status; amounts committed and disbursed are "
            "those of the whole support."
        ),
    ),
    (
        gettext_lazy("Needs raised"),
        gettext_lazy("Needs raised in progress reports in the year, by kind and by state when the report is built."),
    ),
    (
        gettext_lazy("International cooperation"),
        gettext_lazy("Agreements, memoranda, joint events, meetings and visits signed or held in the year."),
    ),
    (
        gettext_lazy("Overdue follow-up action"),
        gettext_lazy(
            "An action decided at a coordination meeting of the year that is still open or in progress and was "
            "due on or before 31 December of the year."
        ),
    ),
]

NOT_GIVEN = "—"
ZERO = Decimal(0)


def tables(year: int) -> list[Table]:
    spending, by_donor, needs, cooperation, meetings = paired(_build, year)
    return [spending, _donor_support(year), by_donor, needs, cooperation, meetings]


def _build(year: int) -> list[Table]:
    return [_spending(year), _donor_summary(year), _needs(year), _cooperation(year), _meetings(year)]


def _spending(year: int) -> Table:
    reports = ProgressReport.objects.filter(status=ProgressReport.Status.ACCEPTED, round__year=year)
    rows = ReportSpending.objects.filter(report__in=reports).values("source", "currency").annotate(total=Sum("amount"))
    amounts = {(row["source"], row["currency"]): row["total"] for row in rows.order_by()}
    return counts_table(
        "D1",
        _("Spending by funding source"),
        list(Currency.values),
        [
            (source, str(label), [amounts.get((source, currency), ZERO) for currency in Currency.values])
            for source, label in FundingSource.choices
        ],
        total_label=_("Total"),
        row_heading=_("Funding source"),
        kind=MONEY,
        note=_("From the accepted progress reports of the year's reporting rounds; each column is in its currency."),
    )


def _active(year: int):
    overlaps = Q(start_on__lte=date(year, 12, 31)) & (Q(end_on__isnull=True) | Q(end_on__gte=date(year, 1, 1)))
    return DonorSupport.objects.filter(overlaps)


def _amount(value: Decimal | None, currency: str) -> str:
    if value is None:
        return NOT_GIVEN
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def _donor_support(year: int) -> Table:
    supports = (
        _active(year)
        .select_related("donor", "implementing_organisation")
        .prefetch_related("measures")
        .order_by("donor__name", "start_on", "pk")
    )
    rows = [
        Row(
            str(support.uid),
            support.title,
            [
                support.donor.name,
                support.implementing_organisation.name,
                ", ".join(measure.number for measure in sorted(support.measures.all(), key=lambda m: m.position)),
                str(support.support_types),
                _amount(support.amount_committed, support.currency),
                _amount(support.amount_disbursed, support.currency),
                str(support.get_status_display()),
            ],
        )
        for support in supports
    ]
    return Table(
        key="D2",
        title=_("Donor support in the year"),
        columns=[
            _("Donor"),
            _("Implementing organisation"),
            _("Plan measures"),
            _("Types of support"),
            _("Committed"),
            _("Disbursed"),
            _("Status"),
        ],
        rows=rows,
        row_heading=_("Donor support"),
        kind=TEXT,
        note=_("Amounts committed and disbursed are those of the whole support, not only of the year."),
    )


def _donor_summary(year: int) -> Table:
    rows = (
        _active(year)
        .values("donor_id", "donor__name", "currency")
        .annotate(committed=Sum("amount_committed", default=ZERO), disbursed=Sum("amount_disbursed", default=ZERO))
        .order_by("donor__name")
    )
    donors: dict[int, str] = {}
    amounts: dict[tuple[int, str], dict] = defaultdict(lambda: {"committed": ZERO, "disbursed": ZERO})
    for row in rows:
        donors[row["donor_id"]] = row["donor__name"]
        amounts[row["donor_id"], row["currency"]] = row
    currencies = Currency.values
    return counts_table(
        "D2b",
        _("Donor support in the year by donor"),
        [
            *(_("Committed, %(currency)s") % {"currency": code} for code in currencies),
            *(_("Disbursed, %(currency)s") % {"currency": code} for code in currencies),
        ],
        [
            (
                f"donor-{donor_id}",
                name,
                [
                    *(amounts[donor_id, code]["committed"] for code in currencies),
                    *(amounts[donor_id, code]["disbursed"] for code in currencies),
                ],
            )
            for donor_id, name in donors.items()
        ],
        total_label=_("Total"),
        row_heading=_("Donor"),
        kind=MONEY,
        note=_("The supports of table D2; amounts of the whole support, in each column's currency."),
    )


def _cross_table(key: str, title: str, counts: dict, rows, columns, **options) -> Table:
    """A count for each (row choice, column choice), with the total column and total row."""
    return counts_table(
        key,
        title,
        [str(label) for label in columns.labels],
        [(code, str(label), [counts.get((code, column), 0) for column in columns.values]) for code, label in rows],
        total_label=_("Total"),
        total_column_label=_("Total"),
        **options,
    )


def _needs(year: int) -> Table:
    rows = Need.objects.filter(raised_at__year=year).values("kind", "state").annotate(n=Count("pk")).order_by()
    return _cross_table(
        "D3",
        _("Needs raised in the year, by state"),
        {(row["kind"], row["state"]): row["n"] for row in rows},
        Need.Kind.choices,
        Need.State,
        row_heading=_("Kind of need"),
        note=_("The state of each need when the report was built."),
    )


def _cooperation(year: int) -> Table:
    rows = Cooperation.objects.filter(date__year=year).values("kind", "status").annotate(n=Count("pk")).order_by()
    return _cross_table(
        "C1",
        _("International cooperation in the year"),
        {(row["kind"], row["status"]): row["n"] for row in rows},
        Cooperation.Kind.choices,
        Cooperation.Status,
        row_heading=_("Kind"),
        note=_("The status recorded when the report was built."),
    )


def _meetings(year: int) -> Table:
    pending = Q(status__in=FollowUpAction.PENDING)
    held = dict(Meeting.objects.filter(held_on__year=year).values_list("body").annotate(n=Count("pk")).order_by())
    actions = {
        row["meeting__body"]: row
        for row in FollowUpAction.objects.filter(meeting__held_on__year=year)
        .values("meeting__body")
        .annotate(
            decided=Count("pk"),
            done=Count("pk", filter=Q(status=FollowUpAction.Status.DONE)),
            pending=Count("pk", filter=pending),
            overdue=Count("pk", filter=pending & Q(due_on__lte=date(year, 12, 31))),
            dropped=Count("pk", filter=Q(status=FollowUpAction.Status.DROPPED)),
        )
        .order_by()
    }
    figures = ("decided", "done", "pending", "overdue", "dropped")
    return counts_table(
        "C1b",
        _("Coordination meetings held in the year and their follow-up actions"),
        [
            _("Meetings held"),
            _("Follow-up actions decided"),
            _("Done"),
            _("Open or in progress"),
            _("of which overdue"),
            _("Dropped"),
        ],
        [
            (body, str(label), [held.get(body, 0), *(actions.get(body, {}).get(name, 0) for name in figures)])
            for body, label in Meeting.Body.choices
        ],
        total_label=_("Total"),
        row_heading=_("Body"),
        total_column=1,
        column_groups=[(2, 3, 5)],
        note=_(
            "Follow-up actions decided at the meetings of the year, by their status when the report was built; "
            "overdue: still open or in progress and due on or before 31 December of the year."
        ),
    )

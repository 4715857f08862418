"""Donor support as IATI 2.03 activities (https://iatistandard.org/en/iati-standard/203/), and a check of a file
against IATI's own rules on top of its schema (IATI-Rulesets standard.json), so that what the National Coordinator
publishes is accepted by the IATI registry and by the aid-management systems that read it.

lxml is not installed, so the file is written and read with the standard library's ElementTree.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import DonorSupport, Transaction

GOVERNMENT = "10"  # IATI OrganisationType of the reporting organisation, a state body

STATUS_CODES = {status: str(code) for code, status in enumerate(DonorSupport.Status.values, start=1)}
TRANSACTION_CODES = {
    Transaction.Kind.COMMITMENT: "2",  # outgoing commitment
    Transaction.Kind.DISBURSEMENT: "3",
    Transaction.Kind.EXPENDITURE: "4",
}
STARTED = {
    DonorSupport.Status.IMPLEMENTATION,
    DonorSupport.Status.FINALISATION,
    DonorSupport.Status.CLOSED,
    DonorSupport.Status.SUSPENDED,
}
ENDED = {DonorSupport.Status.FINALISATION, DonorSupport.Status.CLOSED}
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# DAC 5-digit purpose code for all support to the plan. 15160 "Human rights": trafficking is a violation of human
# rights and the plan deals with victims of every sex and age and with forced labour as much as with sexual
# exploitation. 15180 "Ending violence against women and girls" names trafficking too, but would mislabel support
# for men in forced labour; 15190 (migration) only exists since 2018, after most of this plan.
SECTOR_CODE, SECTOR_NAME = "15160", "Human rights"
RECIPIENT_COUNTRY = "AZ"

# IATI OrganisationType of the bodies that implement support, by Organisation.kind.
ORGANISATION_TYPES = {
    "ministry": "10",
    "state_committee": "10",
    "service": "10",
    "court": "10",
    "prosecution": "10",
    "ombudsman": "10",
    "local_authority_class": "11",
    "ngo": "22",
    "ngo_class": "22",
    "international_organisation": "40",
}


def iati_reporting_org() -> dict[str, str]:
    """The keyword arguments of iati_activities_xml, from the deployment's settings."""
    return {
        "reporting_org_ref": settings.IATI_REPORTING_ORG_REF,
        "reporting_org_name": settings.IATI_REPORTING_ORG_NAME,
    }


def iati_activities_xml(supports, *, reporting_org_ref: str, reporting_org_name: str, now=None) -> bytes:
    """One <iati-activity> per donor support. `supports` should come with donor, implementing organisation and
    transactions loaded (select_related / prefetch_related)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": _datetime(now)})
    for support in supports:
        root.append(_activity(support, reporting_org_ref, reporting_org_name, today))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _activity(support: DonorSupport, ref: str, name: str, today: datetime.date) -> ET.Element:
    activity = ET.Element(
        "iati-activity",
        {
            "default-currency": support.currency,
            "last-updated-datetime": _datetime(support.updated_at),
            "hierarchy": "1",
        },
    )
    ET.SubElement(activity, "iati-identifier").text = f"{ref}-{support.uid}"
    _narrative(ET.SubElement(activity, "reporting-org", {"ref": ref, "type": GOVERNMENT}), name)
    _narrative(ET.SubElement(activity, "title"), support.title)
    _narrative(ET.SubElement(activity, "description", {"type": "1"}), support.description or support.title)
    donor = support.donor
    funding = {"role": "1", "type": donor.org_type} | ({"ref": donor.iati_ref} if donor.iati_ref else {})
    _narrative(ET.SubElement(activity, "participating-org", funding), donor.name)
    implementer = support.implementing_organisation
    implementing = {"role": "4"} | (
        {"type": ORGANISATION_TYPES[implementer.kind]} if implementer.kind in ORGANISATION_TYPES else {}
    )
    _narrative(ET.SubElement(activity, "participating-org", implementing), implementer.name)
    ET.SubElement(activity, "activity-status", {"code": STATUS_CODES[support.status]})
    for date_type, day in _activity_dates(support, today):
        ET.SubElement(activity, "activity-date", {"type": date_type, "iso-date": day.isoformat()})
    ET.SubElement(activity, "recipient-country", {"code": RECIPIENT_COUNTRY, "percentage": "100"})
    sector = ET.SubElement(activity, "sector", {"vocabulary": "1", "code": SECTOR_CODE, "percentage": "100"})
    _narrative(sector, SECTOR_NAME)
    for budget in _budgets(support):
        activity.append(budget)
    for row in support.transactions.all():
        activity.append(_transaction(row))
    return activity


def _activity_dates(support: DonorSupport, today: datetime.date) -> list[tuple[str, datetime.date]]:
    """Actual dates for what has happened (by status, and never in the future), planned dates otherwise."""
    started = support.status in STARTED and support.start_on <= today
    dates = [(ACTUAL_START if started else PLANNED_START, support.start_on)]
    if support.end_on:
        ended = support.status in ENDED and support.end_on <= today
        dates.append((ACTUAL_END if ended else PLANNED_END, support.end_on))
    return dates


def budget_periods(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar-year parts of start…end: IATI budget periods may not be longer than a year."""
    periods = []
    period_start = start
    while period_start <= end:
        period_end = min(datetime.date(period_start.year, 12, 31), end)
        periods.append((period_start, period_end))
        period_start = datetime.date(period_start.year + 1, 1, 1)
    return periods


def _budgets(support: DonorSupport) -> list[ET.Element]:
    """The committed amount (else the pledged one, as indicative) shared among the years in proportion to their
    days. Without an end date the years are unknown, so there is no budget."""
    amount = support.amount_committed if support.amount_committed is not None else support.amount_pledged
    if amount is None or support.end_on is None:
        return []
    status = "2" if support.amount_committed is not None else "1"  # BudgetStatus: 1 indicative, 2 committed
    periods = budget_periods(support.start_on, support.end_on)
    total_days = (support.end_on - support.start_on).days + 1
    shares = [(amount * ((end - start).days + 1) / total_days).quantize(Decimal("0.01")) for start, end in periods]
    shares[-1] = amount - sum(shares[:-1])  # the rounding goes to the last year, so that the years add up
    budgets = []
    for (start, end), share in zip(periods, shares, strict=True):
        budget = ET.Element("budget", {"type": "1", "status": status})
        ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
        _value(budget, share, support.currency, start)
        budgets.append(budget)
    return budgets


def _transaction(row: Transaction) -> ET.Element:
    transaction = ET.Element("transaction")
    ET.SubElement(transaction, "transaction-type", {"code": TRANSACTION_CODES[row.kind]})
    ET.SubElement(transaction, "transaction-date", {"iso-date": row.date.isoformat()})
    _value(transaction, row.value, row.currency, row.date)
    return transaction


def _value(parent: ET.Element, amount: Decimal, currency: str, value_date: datetime.date) -> None:
    value = ET.SubElement(parent, "value", {"currency": currency, "value-date": value_date.isoformat()})
    value.text = f"{amount:.2f}"


def _narrative(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "narrative").text = text


def _datetime(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat()


# The check ------------------------------------------------------------------------------------------------------

NOT_XML = _("The file is not well-formed XML: %(error)s")
NOT_ACTIVITIES = _("The root element is not <iati-activities>.")
MISSING = _("<%(element)s> is missing.")
NO_REPORTING_REF = _("<reporting-org> has no @ref.")
NO_TITLE = _("<title> has no narrative text.")
IDENTIFIER_PREFIX = _("The identifier %(identifier)s does not start with the reporting organisation's @ref %(ref)s.")
IDENTIFIER_CHARACTERS = _("The identifier %(identifier)s contains /, &, | or ?.")
NOT_A_DATE = _("<%(element)s> has no valid @iso-date (%(value)s).")
NO_START = _("There is no start date: an <activity-date> of type 1 (planned start) or 2 (actual start).")
PLANNED_ORDER = _("The planned start %(start)s is after the planned end %(end)s.")
ACTUAL_ORDER = _("The actual start %(start)s is after the actual end %(end)s.")
ACTUAL_IN_FUTURE = _("The actual date %(date)s (type %(type)s) is in the future.")
TRANSACTION_IN_FUTURE = _("The transaction date %(date)s is in the future.")
BUDGET_ORDER = _("A budget period starts on %(start)s, after it ends on %(end)s.")
BUDGET_TOO_LONG = _("The budget period %(start)s to %(end)s is longer than one year.")
NO_CURRENCY = _("A <value> in <%(element)s> has no @currency and the activity has no @default-currency.")
ORG_UNNAMED = _("A <participating-org> has neither @ref nor a narrative.")
BAD_CODE = _("%(what)s %(code)s is not in the IATI code list.")
NO_RECIPIENT = _("There is no recipient country or region, at activity or at transaction level.")
RECIPIENT_BOTH_LEVELS = _("Recipient countries or regions are given both for the activity and for transactions.")
RECIPIENT_PERCENTAGES = _("The recipient country and region percentages add up to %(total)s, not 100.")
NO_SECTOR = _("There is no <sector>, at activity or at transaction level.")

FORBIDDEN_IN_IDENTIFIER = re.compile(r"[/&|?]")
REQUIRED = (
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
)
CODE_LISTS = (
    # (what, element path, attribute, codes): IATI 2.03 OrganisationRole, ActivityStatus, ActivityDateType and
    # TransactionType.
    (_("Participating organisation role"), "participating-org", "role", {"1", "2", "3", "4"}),
    (_("Activity status"), "activity-status", "code", {"1", "2", "3", "4", "5", "6"}),
    (_("Activity date type"), "activity-date", "type", {"1", "2", "3", "4"}),
    (_("Transaction type"), "transaction/transaction-type", "code", {str(code) for code in range(1, 14)}),
)


def iati_problems(xml_bytes: bytes, *, today: datetime.date | None = None) -> list[str]:
    """What in the file breaks IATI's rules, one sentence per problem, each naming its activity; [] if nothing."""
    today = today or timezone.localdate()
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError as error:
        return [str(NOT_XML % {"error": error})]
    if root.tag != "iati-activities":
        return [str(NOT_ACTIVITIES)]
    problems = []
    for number, activity in enumerate(root.findall("iati-activity"), start=1):
        name = (activity.findtext("iati-identifier") or "").strip() or f"#{number}"
        problems += [f"{name}: {problem}" for problem in _activity_problems(activity, today)]
    return problems


def _activity_problems(activity: ET.Element, today: datetime.date) -> list[str]:
    checks = (
        _required_problems,
        _identifier_problems,
        _date_problems,
        _budget_problems,
        _value_problems,
        _participant_problems,
        _code_problems,
        _recipient_problems,
        _sector_problems,
    )
    return [str(problem) for check in checks for problem in check(activity, today)]


def _required_problems(activity, today) -> list:
    problems = [MISSING % {"element": tag} for tag in REQUIRED if activity.find(tag) is None]
    reporting = activity.find("reporting-org")
    if reporting is not None and not reporting.get("ref"):
        problems.append(NO_REPORTING_REF)
    if activity.find("title") is not None and not _has_narrative(activity.find("title")):
        problems.append(NO_TITLE)
    return problems


def _identifier_problems(activity, today) -> list:
    identifier = (activity.findtext("iati-identifier") or "").strip()
    ref = activity.find("reporting-org").get("ref") if activity.find("reporting-org") is not None else None
    if not identifier:
        return []
    problems = []
    if ref and not identifier.startswith(ref):
        problems.append(IDENTIFIER_PREFIX % {"identifier": identifier, "ref": ref})
    if FORBIDDEN_IN_IDENTIFIER.search(identifier):
        problems.append(IDENTIFIER_CHARACTERS % {"identifier": identifier})
    return problems


def _date_problems(activity, today) -> list:
    problems = []
    dates: dict[str, list[datetime.date]] = {}
    for element in activity.findall("activity-date"):
        day = _iso_date(element, problems)
        if day is not None:
            dates.setdefault(element.get("type"), []).append(day)
    if not (dates.get(PLANNED_START) or dates.get(ACTUAL_START)):
        problems.append(NO_START)
    for start_type, end_type, message in (
        (PLANNED_START, PLANNED_END, PLANNED_ORDER),
        (ACTUAL_START, ACTUAL_END, ACTUAL_ORDER),
    ):
        for start in dates.get(start_type, []):
            problems += [message % {"start": start, "end": end} for end in dates.get(end_type, []) if start > end]
    for date_type in (ACTUAL_START, ACTUAL_END):
        problems += [ACTUAL_IN_FUTURE % {"date": d, "type": date_type} for d in dates.get(date_type, []) if d > today]
    for element in activity.findall("transaction/transaction-date"):
        day = _iso_date(element, problems)
        if day is not None and day > today:
            problems.append(TRANSACTION_IN_FUTURE % {"date": day})
    return problems


def _budget_problems(activity, today) -> list:
    problems = []
    for budget in activity.findall("budget"):
        start, end = (_iso_date(budget.find(tag), problems, tag) for tag in ("period-start", "period-end"))
        if start is None or end is None:
            continue
        if start > end:
            problems.append(BUDGET_ORDER % {"start": start, "end": end})
        elif end >= _a_year_after(start):
            problems.append(BUDGET_TOO_LONG % {"start": start, "end": end})
    return problems


def _value_problems(activity, today) -> list:
    if activity.get("default-currency"):
        return []
    return [
        NO_CURRENCY % {"element": parent.tag}
        for parent in activity.iter()
        for value in parent.findall("value")
        if not value.get("currency")
    ]


def _participant_problems(activity, today) -> list:
    return [ORG_UNNAMED for org in activity.findall("participating-org") if not (org.get("ref") or _has_narrative(org))]


def _code_problems(activity, today) -> list:
    return [
        BAD_CODE % {"what": what, "code": element.get(attribute)}
        for what, path, attribute, codes in CODE_LISTS
        for element in activity.findall(path)
        if element.get(attribute) not in codes
    ]


def _recipient_problems(activity, today) -> list:
    recipients = activity.findall("recipient-country") + activity.findall("recipient-region")
    in_transactions = activity.findall("transaction/recipient-country") + activity.findall(
        "transaction/recipient-region"
    )
    if recipients and in_transactions:
        return [RECIPIENT_BOTH_LEVELS]
    if not recipients:
        return [] if in_transactions else [NO_RECIPIENT]
    if len(recipients) == 1 and recipients[0].get("percentage") is None:
        return []  # a single recipient needs no percentage: it has it all
    try:
        total = sum(Decimal(element.get("percentage") or "0") for element in recipients)
    except ArithmeticError:
        total = None
    return [] if total == 100 else [RECIPIENT_PERCENTAGES % {"total": total}]


def _sector_problems(activity, today) -> list:
    return [] if activity.findall("sector") or activity.findall("transaction/sector") else [NO_SECTOR]


def _has_narrative(element) -> bool:
    return any((narrative.text or "").strip() for narrative in element.findall("narrative"))


def _iso_date(element, problems: list, tag: str = "") -> datetime.date | None:
    """The element's @iso-date; a missing or invalid one is added to `problems`."""
    if element is None:
        problems.append(MISSING % {"element": tag})
        return None
    value = element.get("iso-date") or ""
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        problems.append(NOT_A_DATE % {"element": element.tag, "value": value})
        return None


def _a_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)

"""The figures of the criminal-prosecution tables of the annual report (P1–P7), for one calendar year.

What is counted where:
- P1 cases by article, P5 organised groups and transnational cases, and the money-laundering cases of P6: criminal
  cases opened in the year.
- P2: cases opened, investigations completed (and of those, how many were opened in an earlier year), and cases
  sent to court, each by the date of that stage in the year.
- P3: defendants prosecuted (in cases sent to court in the year) and convicted (in cases judged in the year), each
  by sex, adult or child and national or foreign citizenship; legal persons apart (they have none of these).
- P4: sentences of the defendants convicted in the year: suspended (whatever its length), under 5 years, 5 to 10
  years (both included), over 10 years; a conviction without a prison sentence is in none of them.
- P6: assets seized in cases opened in the year and confiscated in cases judged in the year, by currency.
- P7: international requests sent or received in the year, by kind and direction.
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum

from prosecution.models import (
    ARTICLES,
    MONEY_LAUNDERING,
    NATIONAL,
    Asset,
    CooperationRequest,
    CriminalCase,
    Defendant,
)

Outcome = Defendant.Outcome
FIVE, TEN = Decimal(5), Decimal(10)


def criminal_case_figures(*, year: int) -> dict:
    opened = CriminalCase.objects.filter(opened_on__year=year)
    return {
        "by_article": _by_article(opened),
        "stages": _stages(year),
        "defendants": {
            "prosecuted": _people(Defendant.objects.filter(criminal_case__sent_to_court_on__year=year)),
            "convicted": _people(_convicted(year)),
        },
        "sentences": _sentences(_convicted(year)),
        "groups": opened.filter(organised_group=True).aggregate(
            groups=Count("pk"), members=Sum("group_members", default=0)
        ),
        "transnational": opened.filter(transnational=True).count(),
        "assets": _assets(year, opened),
        "requests": _requests(year),
    }


def _by_article(opened) -> dict[str, int]:
    # Counted in Python: JSON "contains" lookups are not available on every database the project runs on.
    counts = Counter(code for articles in opened.values_list("articles", flat=True) for code in set(articles))
    return {code: counts[code] for code, _label in ARTICLES}


def _stages(year: int) -> dict[str, int]:
    return CriminalCase.objects.aggregate(
        opened=Count("pk", filter=Q(opened_on__year=year)),
        investigation_completed=Count("pk", filter=Q(investigation_completed_on__year=year)),
        investigation_completed_from_earlier_years=Count(
            "pk", filter=Q(investigation_completed_on__year=year, opened_on__year__lt=year)
        ),
        sent_to_court=Count("pk", filter=Q(sent_to_court_on__year=year)),
    )


def _convicted(year: int):
    return Defendant.objects.filter(criminal_case__judgment_on__year=year, outcome=Outcome.CONVICTED)


def _people(defendants) -> dict:
    rows = list(defendants.values("kind", "sex", "age_band", "citizenship"))
    natural = [row for row in rows if row["kind"] == Defendant.Kind.NATURAL]
    return {
        "total": len(rows),
        "legal_persons": len(rows) - len(natural),
        "sex": _tally((row["sex"] or "unknown" for row in natural), Defendant.Sex.values),
        "age": _tally((_age(row["age_band"]) for row in natural), ["adult", "child", "unknown"]),
        "citizenship": _tally(
            (_citizenship(row["citizenship"]) for row in natural), ["national", "foreign", "unknown"]
        ),
    }


def _tally(values, keys: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return {key: counts[key] for key in keys}


def _age(band: str) -> str:
    if not band:
        return "unknown"
    return "child" if band == Defendant.AgeBand.UNDER_18 else "adult"


def _citizenship(code: str) -> str:
    if not code:
        return "unknown"
    return "national" if code == NATIONAL else "foreign"


def _sentences(convicted) -> dict[str, int]:
    bands = {"suspended": 0, "under_5": 0, "5_to_10": 0, "over_10": 0}
    for years, suspended in convicted.filter(sentence_years__isnull=False).values_list("sentence_years", "suspended"):
        if suspended:
            bands["suspended"] += 1
        elif years < FIVE:
            bands["under_5"] += 1
        elif years <= TEN:
            bands["5_to_10"] += 1
        else:
            bands["over_10"] += 1
    return bands


def _assets(year: int, opened) -> dict:
    seized = Asset.objects.filter(criminal_case__opened_on__year=year, seized_value__isnull=False)
    confiscated = Asset.objects.filter(criminal_case__judgment_on__year=year, confiscated_value__isnull=False)
    return {
        "money_laundering_cases": sum(
            1 for articles in opened.values_list("articles", flat=True) if MONEY_LAUNDERING in articles
        ),
        "seized": _by_currency(seized, "seized_value"),
        "confiscated": _by_currency(confiscated, "confiscated_value"),
    }


def _by_currency(assets, field: str) -> dict[str, Decimal]:
    rows = assets.values("currency").annotate(total=Sum(field)).order_by("currency")
    return {row["currency"]: row["total"] for row in rows}


def _requests(year: int) -> dict[str, dict[str, int]]:
    counts = Counter(CooperationRequest.objects.filter(sent_on__year=year).values_list("kind", "direction").order_by())
    return {
        kind: {direction: counts[(kind, direction)] for direction in CooperationRequest.Direction.values}
        for kind in CooperationRequest.Kind.values
    }

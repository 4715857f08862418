"""The statistics step against hand-written SQL: each figure set computed both ways on the same database.

The SQL side reproduces the selectors' definitions exactly (the same year bounds in the same time zone, the same
roll-up rule, the same ordering), so the two results must be equal; only the shaping of a
few dozen grouped rows into the selectors' dictionaries is done in Python. Each side is timed best of five.
"""

import datetime
import time
from collections import Counter, defaultdict
from dataclasses import asdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from bench.subjects import dashboard_round
from hotline.models import REFERRAL_ACTIONS
from hotline.selectors import DIMENSIONS, MONTHS, call_statistics
from monitoring.models import MeasureStatus, ProgressReport
from monitoring.selectors import compliance, dashboard
from plans.models import Participation
from prosecution.models import ARTICLES, MONEY_LAUNDERING, NATIONAL, CooperationRequest, Defendant
from prosecution.selectors import criminal_case_figures

REPEATS = 5


def run() -> dict:
    reporting_round = dashboard_round()
    call_year = _busiest_year("SELECT EXTRACT(YEAR FROM received_at AT TIME ZONE %s) FROM hotline_call", [_tz()])
    case_year = _busiest_year("SELECT EXTRACT(YEAR FROM opened_on) FROM prosecution_criminalcase", [])
    pairs = [
        (
            f"hotline.call_statistics(year={call_year})",
            lambda: call_statistics(year=call_year),
            lambda: sql_call_statistics(call_year),
        ),
        (
            f"prosecution.criminal_case_figures(year={case_year})",
            lambda: criminal_case_figures(year=case_year),
            lambda: sql_criminal_case_figures(case_year),
        ),
        (
            f"monitoring.compliance(round {reporting_round.label})",
            lambda: [asdict(row) for row in compliance(reporting_round)],
            lambda: sql_compliance(reporting_round.pk),
        ),
        (
            f"monitoring.dashboard(round {reporting_round.label})",
            lambda: dashboard(reporting_round).as_dict(),
            lambda: sql_dashboard(reporting_round),
        ),
    ]
    return {"statistics": [_compare(name, python, sql) for name, python, sql in pairs]}


def _compare(name: str, python, sql) -> dict:
    python_seconds, python_result = _best_of(python)
    sql_seconds, sql_result = _best_of(sql)
    return {
        "name": name,
        "python_ms": python_seconds * 1000,
        "sql_ms": sql_seconds * 1000,
        "ratio": python_seconds / sql_seconds if sql_seconds else None,
        "equal": python_result == sql_result,
        "difference": None if python_result == sql_result else _difference(python_result, sql_result),
    }


def _best_of(function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _difference(python, sql) -> str:
    """The first place where the two results differ, for the report."""
    if isinstance(python, dict) and isinstance(sql, dict):
        for key in sorted(set(python) | set(sql), key=str):
            if python.get(key) != sql.get(key):
                return f"[{key!r}]: python {python.get(key)!r} != sql {sql.get(key)!r}"[:600]
    return f"python {python!r} != sql {sql!r}"[:600]


def _tz() -> str:
    return settings.TIME_ZONE


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _busiest_year(years_sql: str, params: list) -> int:
    rows = _rows(f"SELECT year::int, count(*) FROM ({years_sql}) AS t(year) GROUP BY 1 ORDER BY 2 DESC, 1 DESC", params)
    return rows[0][0] if rows else datetime.date.today().year


# Hotline --------------------------------------------------------------------------------------------------------

# GROUPING(month, channel, caller_type, signal_type, action) of each grouping set: a bit is 1 when not grouped.
GROUPING_KEYS = {0b01111: "by_month", 0b10111: "by_channel", 0b11011: "by_caller_type", 0b11101: "by_signal_type"}
GROUPING_KEYS |= {0b11110: "by_action", 0b11111: "totals"}

CALLS_SQL = """
SELECT GROUPING(month, channel, caller_type, signal_type, action),
       COALESCE(month::text, channel, caller_type, signal_type, action),
       count(*),
       count(*) FILTER (WHERE thb_relevant),
       count(*) FILTER (WHERE action = ANY(%(referral)s))
FROM (
    SELECT EXTRACT(MONTH FROM received_at AT TIME ZONE %(tz)s)::int AS month,
           channel, caller_type, signal_type, action, thb_relevant
    FROM hotline_call
    WHERE received_at >= %(start)s AND received_at < %(end)s
) AS calls
GROUP BY GROUPING SETS ((), (month), (channel), (caller_type), (signal_type), (action))
"""


def sql_call_statistics(year: int) -> dict:
    zone = ZoneInfo(_tz())
    params = {
        "tz": _tz(),
        "start": datetime.datetime(year, 1, 1, tzinfo=zone),
        "end": datetime.datetime(year + 1, 1, 1, tzinfo=zone),
        "referral": [str(action) for action in REFERRAL_ACTIONS],
    }
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    totals = (0, 0, 0)
    for grouping, code, total, thb_relevant, referred in _rows(CALLS_SQL, params):
        key = GROUPING_KEYS[grouping]
        if key == "totals":
            totals = (total, thb_relevant, referred)
        else:
            counts[key][code] = total
    months = counts["by_month"]
    result = {
        "year": year,
        "total": totals[0],
        "thb_relevant": totals[1],
        "referred": totals[2],
        "by_month": [{"month": m, "label": MONTHS[m], "count": months.get(str(m), 0)} for m in range(1, 13)],
    }
    for key, _field, choices in DIMENSIONS:
        result[key] = [
            {"code": code, "label": label, "count": counts[key].get(code, 0)} for code, label in choices.choices
        ]
    return result


# Prosecution ----------------------------------------------------------------------------------------------------

CRIMINAL_CASES_SQL = """
SELECT count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s),
       count(*) FILTER (WHERE investigation_completed_on BETWEEN %(start)s AND %(end)s),
       count(*) FILTER (WHERE investigation_completed_on BETWEEN %(start)s AND %(end)s AND opened_on < %(start)s),
       count(*) FILTER (WHERE sent_to_court_on BETWEEN %(start)s AND %(end)s),
       count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s AND organised_group),
       COALESCE(sum(group_members) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s AND organised_group), 0),
       count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s AND transnational),
       count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s AND articles ? %(laundering)s)
FROM prosecution_criminalcase
"""
ARTICLES_SQL = """
SELECT article, count(DISTINCT c.id)
FROM prosecution_criminalcase AS c CROSS JOIN LATERAL jsonb_array_elements_text(c.articles) AS a(article)
WHERE c.opened_on BETWEEN %(start)s AND %(end)s
GROUP BY article
"""
# Defendants of cases sent to court in the year (prosecuted) and convicted in cases judged in the year, grouped by
# the report's categories.
DEFENDANTS_SQL = """
SELECT stages.counted_as, d.kind,
       CASE WHEN d.sex = '' THEN 'unknown' ELSE d.sex END,
       CASE WHEN d.age_band = '' THEN 'unknown' WHEN d.age_band = %(child)s THEN 'child' ELSE 'adult' END,
       CASE WHEN d.citizenship = '' THEN 'unknown' WHEN d.citizenship = %(national)s THEN 'national'
            ELSE 'foreign' END,
       count(*)
FROM prosecution_defendant AS d
JOIN prosecution_criminalcase AS c ON c.id = d.criminal_case_id
CROSS JOIN LATERAL (
    SELECT 'prosecuted' WHERE c.sent_to_court_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT 'convicted' WHERE c.judgment_on BETWEEN %(start)s AND %(end)s AND d.outcome = %(convicted)s
) AS stages(counted_as)
GROUP BY 1, 2, 3, 4, 5
"""
SENTENCES_SQL = """
SELECT count(*) FILTER (WHERE d.suspended),
       count(*) FILTER (WHERE NOT d.suspended AND d.sentence_years < 5),
       count(*) FILTER (WHERE NOT d.suspended AND d.sentence_years >= 5 AND d.sentence_years <= 10),
       count(*) FILTER (WHERE NOT d.suspended AND d.sentence_years > 10)
FROM prosecution_defendant AS d JOIN prosecution_criminalcase AS c ON c.id = d.criminal_case_id
WHERE c.judgment_on BETWEEN %(start)s AND %(end)s AND d.outcome = %(convicted)s AND d.sentence_years IS NOT NULL
"""
ASSETS_SQL = """
SELECT 'seized', a.currency, sum(a.seized_value)
FROM prosecution_asset AS a JOIN prosecution_criminalcase AS c ON c.id = a.criminal_case_id
WHERE c.opened_on BETWEEN %(start)s AND %(end)s AND a.seized_value IS NOT NULL
GROUP BY a.currency
UNION ALL
SELECT 'confiscated', a.currency, sum(a.confiscated_value)
FROM prosecution_asset AS a JOIN prosecution_criminalcase AS c ON c.id = a.criminal_case_id
WHERE c.judgment_on BETWEEN %(start)s AND %(end)s AND a.confiscated_value IS NOT NULL
GROUP BY a.currency
ORDER BY 1, 2
"""
REQUESTS_SQL = """
SELECT kind, direction, count(*) FROM prosecution_cooperationrequest
WHERE sent_on BETWEEN %(start)s AND %(end)s
GROUP BY kind, direction
"""


def sql_criminal_case_figures(year: int) -> dict:
    params = {
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year, 12, 31),
        "laundering": MONEY_LAUNDERING,
        "child": Defendant.AgeBand.UNDER_18.value,
        "national": NATIONAL,
        "convicted": Defendant.Outcome.CONVICTED.value,
    }
    (opened, completed, completed_earlier, sent, groups, members, transnational, laundering) = _rows(
        CRIMINAL_CASES_SQL, params
    )[0]
    articles = dict(_rows(ARTICLES_SQL, params))
    suspended, under_5, five_to_ten, over_10 = _rows(SENTENCES_SQL, params)[0]
    assets = {"seized": {}, "confiscated": {}}
    for which, currency, total in _rows(ASSETS_SQL, params):
        assets[which][currency] = total
    requests = Counter({(kind, direction): n for kind, direction, n in _rows(REQUESTS_SQL, params)})
    return {
        "by_article": {code: articles.get(code, 0) for code, _label in ARTICLES},
        "stages": {
            "opened": opened,
            "investigation_completed": completed,
            "investigation_completed_from_earlier_years": completed_earlier,
            "sent_to_court": sent,
        },
        "defendants": _defendants(_rows(DEFENDANTS_SQL, params)),
        "sentences": {"suspended": suspended, "under_5": under_5, "5_to_10": five_to_ten, "over_10": over_10},
        "groups": {"groups": groups, "members": members},
        "transnational": transnational,
        "assets": {"money_laundering_cases": laundering, **assets},
        "requests": {
            kind: {direction: requests[(kind, direction)] for direction in CooperationRequest.Direction.values}
            for kind in CooperationRequest.Kind.values
        },
    }


def _defendants(rows: list[tuple]) -> dict:
    people = {}
    for stage in ("prosecuted", "convicted"):
        stage_rows = [row[1:] for row in rows if row[0] == stage]
        natural = [row for row in stage_rows if row[0] == Defendant.Kind.NATURAL]
        people[stage] = {
            "total": sum(row[-1] for row in stage_rows),
            "legal_persons": sum(row[-1] for row in stage_rows if row[0] != Defendant.Kind.NATURAL),
            "sex": _sum_by(natural, 1, Defendant.Sex.values),
            "age": _sum_by(natural, 2, ["adult", "child", "unknown"]),
            "citizenship": _sum_by(natural, 3, ["national", "foreign", "unknown"]),
        }
    return people


def _sum_by(rows: list[tuple], column: int, keys: list[str]) -> dict[str, int]:
    sums = Counter()
    for row in rows:
        sums[row[column]] += row[-1]
    return {key: sums[key] for key in keys}


# Monitoring -----------------------------------------------------------------------------------------------------

COMPLIANCE_SQL = """
SELECT r.organisation_id, o.name,
       count(*),
       count(*) FILTER (WHERE r.first_submitted_at IS NOT NULL),
       count(*) FILTER (WHERE r.first_submitted_at IS NOT NULL AND r.late),
       count(*) FILTER (WHERE r.status = %(returned)s),
       count(*) FILTER (WHERE r.status = %(accepted)s)
FROM monitoring_progressreport AS r JOIN organisations_organisation AS o ON o.id = r.organisation_id
WHERE r.round_id = %(round)s AND r.expected
GROUP BY r.organisation_id, o.name
ORDER BY o.name
"""


def sql_compliance(round_id: int) -> list[dict]:
    params = {"round": round_id, "returned": ProgressReport.Status.RETURNED, "accepted": ProgressReport.Status.ACCEPTED}
    return [
        {
            "organisation_id": organisation_id,
            "organisation": name,
            "expected": expected,
            "submitted": submitted,
            "on_time": submitted - late,
            "late": late,
            "returned": returned,
            "accepted": accepted,
            "missing": expected - submitted,
        }
        for organisation_id, name, expected, submitted, late, returned, accepted in _rows(COMPLIANCE_SQL, params)
    ]


# Each measure's status in the round (monitoring.status): the least advanced executor's accepted progress decides;
# "complete" needs every executor; a measure complete in any round up to this one (in period order) stays complete.
# At the top rank a measure has either "complete" (dated) or "ongoing" (regular) reports, never both (the report's
# validation), so the rank gives the value back.
MEASURE_STATUS_SQL = """
WITH rounds AS (
    SELECT id, row_number() OVER (ORDER BY period_end, year, period_type, period_number) AS position
    FROM (
        SELECT id, year, period_type, period_number,
               (make_date(year, 1, 1) + make_interval(months => 12 / (CASE period_type WHEN 'half' THEN 2
                    WHEN 'quarter' THEN 4 ELSE 1 END) * period_number))::date - 1 AS period_end
        FROM monitoring_reportinground WHERE plan_id = %(plan)s
    ) AS dated
),
up_to AS (
    SELECT id FROM rounds WHERE position <= (SELECT position FROM rounds WHERE id = %(round)s)
),
executors AS (
    SELECT p.measure_id, count(*) AS n
    FROM plans_participation AS p JOIN plans_measure AS m ON m.id = p.measure_id
    WHERE m.plan_id = %(plan)s AND p.role = %(executor)s
    GROUP BY p.measure_id
),
accepted AS (
    SELECT r.round_id, r.measure_id, count(*) AS n, min(ranks.rank) AS least_rank,
           CASE min(ranks.rank) WHEN 0 THEN 'not_started' WHEN 1 THEN 'limited' WHEN 2 THEN 'substantial'
                ELSE min(r.progress) END AS least
    FROM monitoring_progressreport AS r
    JOIN plans_participation AS p
      ON p.measure_id = r.measure_id AND p.organisation_id = r.organisation_id AND p.role = %(executor)s
    JOIN (VALUES ('not_started', 0), ('limited', 1), ('substantial', 2), ('complete', 3), ('ongoing', 3))
      AS ranks(progress, rank) ON ranks.progress = r.progress
    WHERE r.round_id IN (SELECT id FROM up_to) AND r.expected AND r.status = %(accepted)s
    GROUP BY r.round_id, r.measure_id
),
own AS (
    SELECT a.round_id, a.measure_id,
           CASE WHEN a.least_rank = 3 AND a.n < e.n THEN 'substantial' ELSE a.least END AS status
    FROM accepted AS a JOIN executors AS e ON e.measure_id = a.measure_id
),
statuses AS (
    SELECT m.id, m.number, m.position, m.recurring, m.end_year, d.id AS direction_id, d.number AS direction_number,
           d.title AS direction_title,
           CASE WHEN EXISTS (SELECT 1 FROM own WHERE own.measure_id = m.id AND own.status = 'complete')
                THEN 'complete' ELSE COALESCE(current.status, 'no_evidence') END AS status
    FROM plans_measure AS m
    JOIN plans_direction AS d ON d.id = m.direction_id
    LEFT JOIN own AS current ON current.measure_id = m.id AND current.round_id = %(round)s
    WHERE m.plan_id = %(plan)s
)
SELECT number, direction_id, direction_number, direction_title, status,
       NOT recurring AND end_year IS NOT NULL AND end_year < %(year)s AND status <> 'complete' AS overdue
FROM statuses
ORDER BY position
"""


def sql_dashboard(reporting_round) -> dict:
    params = {
        "plan": reporting_round.plan_id,
        "round": reporting_round.pk,
        "year": reporting_round.year,
        "executor": Participation.Role.EXECUTOR,
        "accepted": ProgressReport.Status.ACCEPTED,
    }
    totals = Counter()
    by_direction: dict[int, dict] = {}
    overdue = []
    for number, direction_id, direction_number, title, status, is_overdue in _rows(MEASURE_STATUS_SQL, params):
        totals[status] += 1
        direction = by_direction.setdefault(direction_id, {"direction": direction_number, "title": title, "n": {}})
        direction["n"][status] = direction["n"].get(status, 0) + 1
        if is_overdue:
            overdue.append(number)
    rows = sql_compliance(reporting_round.pk)
    return {
        "round": {"id": reporting_round.pk, "label": reporting_round.label},
        "status_totals": {status: totals[status] for status in MeasureStatus.values},
        "by_direction": [
            {
                "direction": d["direction"],
                "title": d["title"],
                "statuses": {s: d["n"].get(s, 0) for s in MeasureStatus.values},
            }
            for d in by_direction.values()
        ],
        "overdue": overdue,
        "compliance": rows,
        "not_reported": [row["organisation"] for row in rows if row["missing"]],
    }

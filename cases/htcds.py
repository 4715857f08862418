"""A pseudonymised, case-level export for the National Coordinator's statistics, aligned with IOM's Human Trafficking
Case Data Standard (HTCDS) and the variables of the Counter-Trafficking Data Collaborative (CTDC) built on it.

One row per case. Column names are the CTDC/HTCDS ones where the standard has the field; the few CTIMS-only columns
(`legalStatus`, `traffickingScope`) say so in COLUMNS. Values follow CTDC: 1 / 0 for flags, empty when not known.

What never leaves: names, date of birth, exact age, documents, address, phone, the person's region, every free-text
field (means of control, vulnerabilities, recruitment method, notes: any of them may hold a name), the case reference
and the owning organisation. Ages are in CTDC's broad bands; countries are ISO 3166 alpha-2 codes, and anything else
typed into a country field is dropped.

The case reference is replaced by a random identifier drawn afresh for every export, and the rows are ordered by it.
A keyed hash of the reference would give the same pseudonym in every export, so anyone holding the key (anyone with
the server's settings) could join a row back to a CTIMS page, and successive exports could be chained into a history
of each person; a random identifier cannot be recomputed and means nothing outside its own file. Ordering by it also
hides the registration order, which the sequential reference numbers (NRM-YYYY-NNNNN) would otherwise give away.

This is microdata for the Coordinator's own counting, not for publication: national figures are small, so published
tables still need small-cell suppression (CTDC publishes nothing under k = 11).
"""

import re
import secrets

from django.db.models import Prefetch
from django.utils import timezone

from cases.models import CHILD_AGE, Case, ExploitationForm, Sex, StatusChange

Form = ExploitationForm.Form
Status = Case.Status

# (heading, where it comes from). CTDC codebook names unless marked CTIMS.
COLUMNS = (
    ("recordId", "CTIMS: random per export, never the case reference"),
    ("yearOfRegistration", "CTDC"),
    ("Datasource", "CTDC: always 'Case Management'"),
    ("gender", "HTCDS Person Gender / CTDC gender"),
    ("ageBroad", "CTDC age band at registration"),
    ("majorityStatus", "CTDC: Minor / Adult at registration; presumed children count as Minor"),
    ("citizenship", "CTDC / HTCDS Nationality, ISO 3166 alpha-2"),
    ("CountryOfExploitation", "CTDC, ISO 3166 alpha-2; several joined with ';'"),
    ("isForcedLabour", "CTDC"),
    ("isSexualExploit", "CTDC"),
    ("isOtherExploit", "CTDC"),
    ("isSexAndLabour", "CTDC"),
    ("isForcedMarriage", "CTDC"),
    ("isOrganRemoval", "CTDC"),
    ("typeOfLabourBegging", "CTDC"),
    ("typeOfLabourIllicitActivities", "CTDC: forced criminality"),
    ("Status", "HTCDS Case Status: Active / Closed"),
    ("legalStatus", "CTIMS: potential / presumed / identified / not_identified (for closed cases, before closing)"),
    ("traffickingScope", "CTIMS: internal / transnational / unknown"),
)
HEADINGS = [heading for heading, _source in COLUMNS]

DATASOURCE = "Case Management"

# CTDC's broad age bands, written as CTDC writes them.
AGE_BANDS = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, None, "48+"),
)

# HTCDS Gender values: Male / Female / Transgender/NonConforming / Unknown.
GENDERS = {
    Sex.FEMALE: "Female",
    Sex.MALE: "Male",
    Sex.OTHER: "Transgender/NonConforming",
    Sex.UNKNOWN: "Unknown",
}

# Each CTIMS form of exploitation, as the CTDC flags it sets. Begging and forced criminality are forms of labour
# exploitation in CTDC (typeOfLabourBegging, typeOfLabourIllicitActivities).
FLAGS = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isOrganRemoval",
    "typeOfLabourBegging",
    "typeOfLabourIllicitActivities",
)
FORM_FLAGS = {
    Form.FORCED_LABOUR: ("isForcedLabour",),
    Form.SEXUAL: ("isSexualExploit",),
    Form.BEGGING: ("isForcedLabour", "typeOfLabourBegging"),
    Form.CRIMINALITY: ("isForcedLabour", "typeOfLabourIllicitActivities"),
    Form.MARRIAGE: ("isForcedMarriage",),
    Form.ORGAN_REMOVAL: ("isOrganRemoval",),
    Form.OTHER: ("isOtherExploit",),
}

# ISO 3166-1 alpha-2 (and XK, Kosovo, as IOM uses it).
_ALPHA_2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
    JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
    MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
    TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_ALPHA_2.split())

CLOSINGS = StatusChange.objects.filter(to_status=Status.CLOSED).order_by("at", "pk").only("case", "from_status")

# Only what the columns need: the person's identifiers are never even loaded (nor decrypted), except the date of
# birth, which gives the age band and is then dropped.
FIELDS = (
    "created_at",
    "status",
    "scope",
    "presumed_child",
    "exploitation_countries",
    "person__sex",
    "person__date_of_birth",
    "person__year_of_birth",
    "person__estimated_age",
    "person__citizenship",
)


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return ""
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return ""


def majority_status(age: int | None, presumed_child: bool) -> str:
    """Minor under 18, or while handled as a child until the age is verified; empty when nothing is known."""
    if presumed_child or (age is not None and 0 <= age < CHILD_AGE):
        return "Minor"
    return "Adult" if age is not None and age >= CHILD_AGE else ""


def country_codes(text: str) -> str:
    """A country field's ISO 3166 alpha-2 codes, joined with ';'. A field holding anything but codes gives nothing:
    it is free text, and guessing codes in it ("worked in Dubai" has "IN") would report a wrong country."""
    tokens = [token for token in re.split(r"[\s,;/]+", text.upper()) if token]
    if not all(token in COUNTRY_CODES for token in tokens):
        return ""
    return ";".join(dict.fromkeys(tokens))


def exploitation_flags(forms: set[str]) -> dict[str, int | str]:
    """CTDC flags for a case's forms of exploitation: 1 / 0, or all empty when no form is recorded."""
    if not forms:
        return dict.fromkeys(FLAGS, "")
    flags = dict.fromkeys(FLAGS, 0)
    for form in forms:
        flags.update(dict.fromkeys(FORM_FLAGS.get(form, ("isOtherExploit",)), 1))
    flags["isSexAndLabour"] = int(bool(flags["isSexualExploit"] and flags["isForcedLabour"]))
    return flags


def legal_status(case: Case) -> str:
    """The legal status; for a closed case, the one it had when it was closed."""
    if case.status != Status.CLOSED:
        return case.status
    return case.closings[-1].from_status if case.closings else ""


def _row(case: Case) -> dict:
    person = case.person
    registered = timezone.localdate(case.created_at)
    age = person.age_on(registered)
    return {
        "yearOfRegistration": registered.year,
        "Datasource": DATASOURCE,
        "gender": GENDERS.get(person.sex, "Unknown"),
        "ageBroad": age_band(age),
        "majorityStatus": majority_status(age, case.presumed_child),
        "citizenship": country_codes(person.citizenship),
        "CountryOfExploitation": country_codes(case.exploitation_countries),
        **exploitation_flags({form.form for form in case.exploitation_forms.all()}),
        "Status": "Closed" if case.status == Status.CLOSED else "Active",
        "legalStatus": legal_status(case),
        "traffickingScope": case.scope,
    }


def _random_ids(count: int) -> list[str]:
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(secrets.token_hex(8))
    return list(ids)


def htcds_rows(cases) -> tuple[list[str], list[list]]:
    """(headings, rows) for a queryset of cases: one row per case, in random order, without any identifier."""
    cases = (
        cases.defer(None)
        .select_related(None)
        .select_related("person")
        .only(*FIELDS)
        .prefetch_related("exploitation_forms", Prefetch("status_changes", CLOSINGS, to_attr="closings"))
        .order_by()
    )
    rows = [_row(case) for case in cases]
    for row, record_id in zip(rows, _random_ids(len(rows)), strict=True):
        row["recordId"] = record_id
    rows.sort(key=lambda row: row["recordId"])
    return list(HEADINGS), [[row[heading] for heading in HEADINGS] for row in rows]

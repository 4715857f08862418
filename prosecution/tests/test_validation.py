"""Every rule of the criminal-case register, through the form (the error next to the field, nothing saved) and the
API (400 naming the field, nothing saved)."""

from datetime import date

from prosecution.forms import UNKNOWN_REFERENCES
from prosecution.models import (
    ANSWER_BEFORE_SENT,
    CONFISCATED_OVER_SEIZED,
    COUNTRIES_REQUIRED,
    DATE_TOO_EARLY,
    DATE_WITHOUT_EARLIER,
    DUPLICATE_NUMBER,
    FINE_ONLY_CONVICTED_LEGAL,
    GROUP_MEMBERS_WITHOUT_GROUP,
    NATURAL_PERSON_ONLY,
    NO_ARTICLES,
    OUTCOME_WITHOUT_JUDGMENT,
    SENTENCE_ONLY_CONVICTED,
    SEX_REQUIRED,
    STAGE_WITHOUT_DATE,
    SUSPENDED_WITHOUT_SENTENCE,
    TOO_MANY_LINKED_VICTIMS,
    CriminalCase,
)
from prosecution.tests.base import ProsecutionTestCase, criminal_case

JUDGED = {
    "stage": "judgment",
    "investigation_completed_on": "2016-06-01",
    "sent_to_court_on": "2016-06-20",
    "judgment_on": "2016-11-02",
}
NATURAL = {"kind": "natural", "sex": "male", "age_band": "25_34", "citizenship": "AZ", "role": "recruiter"}
CONVICTED = {**NATURAL, "outcome": "convicted", "sentence_years": "6"}
LEGAL = {"kind": "legal", "citizenship": "AZ", "role": "exploiter"}


def message(text, **params) -> str:
    return str(text) % params if params else str(text)


# (what, changes to the entry, field, message); booleans are True here, "on" in the form.
CASE_RULES = [
    ("no article", {"articles": []}, "articles", message(NO_ARTICLES)),
    (
        "completed before opened",
        {"stage": "investigation_completed", "investigation_completed_on": "2016-02-01"},
        "investigation_completed_on",
        message(DATE_TOO_EARLY, earlier="date opened"),
    ),
    (
        "judgment before sent to court",
        {**JUDGED, "judgment_on": "2016-06-10"},
        "judgment_on",
        message(DATE_TOO_EARLY, earlier="date sent to court"),
    ),
    (
        "appeal before opened",
        {**JUDGED, "stage": "appeal", "appeal_on": "2016-01-10"},
        "appeal_on",
        message(DATE_TOO_EARLY, earlier="date opened"),
    ),
    (
        "judgment without sent to court",
        {**JUDGED, "sent_to_court_on": None},
        "judgment_on",
        message(DATE_WITHOUT_EARLIER, earlier="date sent to court"),
    ),
    (
        "sent to court without the investigation completed",
        {"stage": "sent_to_court", "sent_to_court_on": "2016-06-20"},
        "sent_to_court_on",
        message(DATE_WITHOUT_EARLIER, earlier="date the investigation was completed"),
    ),
    (
        "stage without its date",
        {"stage": "sent_to_court", "investigation_completed_on": "2016-06-01"},
        "sent_to_court_on",
        message(STAGE_WITHOUT_DATE, date="date sent to court"),
    ),
    ("group members without a group", {"group_members": 4}, "group_members", message(GROUP_MEMBERS_WITHOUT_GROUP)),
    ("transnational without countries", {"transnational": True}, "countries", message(COUNTRIES_REQUIRED)),
]

# (what, kind of rows, row, changes to the entry, field, message)
ROW_RULES = [
    ("natural person without sex", "defendants", {**NATURAL, "sex": ""}, {}, "sex", message(SEX_REQUIRED)),
    ("legal person with a sex", "defendants", {**LEGAL, "sex": "male"}, {}, "sex", message(NATURAL_PERSON_ONLY)),
    ("legal person with an age", "defendants", {**LEGAL, "age_band": "18_24"}, {}, "age_band", NATURAL_PERSON_ONLY),
    (
        "sentence while pending",
        "defendants",
        {**NATURAL, "sentence_years": "5"},
        {},
        "sentence_years",
        message(SENTENCE_ONLY_CONVICTED),
    ),
    (
        "sentence for a legal person",
        "defendants",
        {**LEGAL, "outcome": "convicted", "sentence_years": "5"},
        JUDGED,
        "sentence_years",
        message(SENTENCE_ONLY_CONVICTED),
    ),
    (
        "suspended without a sentence",
        "defendants",
        {**NATURAL, "outcome": "convicted", "suspended": True},
        JUDGED,
        "suspended",
        message(SUSPENDED_WITHOUT_SENTENCE),
    ),
    (
        "fine for a natural person",
        "defendants",
        {**CONVICTED, "fine": "500"},
        JUDGED,
        "fine",
        message(FINE_ONLY_CONVICTED_LEGAL),
    ),
    (
        "fine before the conviction",
        "defendants",
        {**LEGAL, "fine": "500"},
        {},
        "fine",
        message(FINE_ONLY_CONVICTED_LEGAL),
    ),
    (
        "confiscated more than seized",
        "assets",
        {"kind": "money", "seized_value": "100", "confiscated_value": "150", "currency": "AZN"},
        {},
        "confiscated_value",
        message(CONFISCATED_OVER_SEIZED),
    ),
    (
        "answered before sent",
        "requests",
        {
            "kind": "legal_assistance",
            "direction": "sent",
            "country": "Georgia",
            "sent_on": "2016-05-01",
            "status": "executed",
            "answered_on": "2016-04-01",
        },
        {},
        "answered_on",
        message(ANSWER_BEFORE_SENT),
    ),
]


def form_values(values: dict) -> dict:
    """Form POST values: True is a ticked box, False and None are left out."""
    return {name: ("on" if value is True else value) for name, value in values.items() if value not in (None, False)}


def _api_row(row: dict) -> dict:
    """A row as JSON: an empty number or date is null (an empty choice stays empty)."""
    numbers_and_dates = {"sentence_years", "fine", "seized_value", "confiscated_value", "sent_on", "answered_on"}
    return {name: None if value == "" and name in numbers_and_dates else value for name, value in row.items()}


class FormValidationTest(ProsecutionTestCase):
    def setUp(self):
        self.login(self.paul)

    def post(self, **kwargs):
        return self.client.post("/prosecution/criminal-cases/new/", self.form_data(**kwargs))

    def test_each_rule_of_the_case_shows_next_to_its_field_and_saves_nothing(self):
        for what, changes, field, text in CASE_RULES:
            with self.subTest(what):
                data = self.form_data(**{name: "on" if value is True else value for name, value in changes.items()})
                response = self.client.post("/prosecution/criminal-cases/new/", data)
                self.assertEqual(response.status_code, 200)
                self.assertFormError(response.context["form"], field, text)
                self.assertContains(response, "There is a problem")
                self.assertFalse(CriminalCase.objects.exists())

    def test_each_rule_of_a_row_shows_in_its_row_and_saves_nothing(self):
        for what, kind, row, changes, field, text in ROW_RULES:
            with self.subTest(what):
                response = self.post(**{kind: [form_values(row)]}, **changes)
                self.assertEqual(response.status_code, 200)
                formset = dict((spec.name, formset) for spec, formset in response.context["formsets"])[kind]
                self.assertFormSetError(formset, 0, field, str(text))
                self.assertFalse(CriminalCase.objects.exists())

    def test_a_number_taken_in_the_organisation_is_refused(self):
        criminal_case(self.prosecutor_office, number="45/2016-A")
        for number in ("45/2016-A", "45/2016-A ", "45/2016-a"):
            response = self.post(number=number)
            self.assertFormError(response.context["form"], "number", str(DUPLICATE_NUMBER))
            self.assertEqual(response.context["form"].non_field_errors(), [])
        self.assertEqual(CriminalCase.objects.count(), 1)

    def test_another_organisation_may_use_the_same_number(self):
        criminal_case(self.ministry, number="45/2016")
        response = self.post(number="45/2016")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CriminalCase.objects.filter(number="45/2016").count(), 2)

    def test_unknown_reference_codes_are_refused_by_name(self):
        response = self.post(victims=f"{self.victim_case.reference}, NRM-2001-99999 nrm-2001-88888")
        self.assertFormError(
            response.context["form"], "victims", message(UNKNOWN_REFERENCES, codes="NRM-2001-99999, NRM-2001-88888")
        )
        self.assertFalse(CriminalCase.objects.exists())

    def test_more_linked_victims_than_victims_is_refused(self):
        response = self.post(victims=self.victim_case.reference, victims_count="0")
        self.assertFormError(response.context["form"], "victims", str(TOO_MANY_LINKED_VICTIMS))
        self.assertFalse(CriminalCase.objects.exists())

    def test_an_outcome_needs_the_date_of_the_judgment(self):
        response = self.post(defendants=[form_values(CONVICTED)])
        self.assertFormError(response.context["form"], "judgment_on", str(OUTCOME_WITHOUT_JUDGMENT))
        self.assertFalse(CriminalCase.objects.exists())
        response = self.post(defendants=[form_values(CONVICTED)], **JUDGED)
        self.assertEqual(response.status_code, 302)

    def test_a_dismissed_defendant_of_a_closed_case_needs_no_judgment(self):
        dismissed = form_values({**NATURAL, "outcome": "dismissed"})
        response = self.post(defendants=[dismissed], stage="investigation")
        self.assertFormError(response.context["form"], "judgment_on", str(OUTCOME_WITHOUT_JUDGMENT))
        response = self.post(defendants=[dismissed], stage="closed")
        self.assertEqual(response.status_code, 302)


class ApiValidationTest(ProsecutionTestCase):
    def setUp(self):
        self.login(self.paul)

    def post(self, **changes):
        return self.client.post("/api/criminal-cases/", self.payload(**changes), content_type="application/json")

    def test_each_rule_of_the_case_answers_400_with_its_field(self):
        for what, changes, field, text in CASE_RULES:
            with self.subTest(what):
                response = self.post(**changes)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {field: [text]})
                self.assertFalse(CriminalCase.objects.exists())

    def test_each_rule_of_a_row_answers_400_with_its_field(self):
        for what, kind, row, changes, field, text in ROW_RULES:
            with self.subTest(what):
                response = self.post(**{kind: [_api_row(row)]}, **changes)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json(), {field: [str(text)]})
                self.assertFalse(CriminalCase.objects.exists())

    def test_a_number_taken_in_the_organisation_is_refused(self):
        criminal_case(self.prosecutor_office, number="45/2016")
        response = self.post()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"number": [str(DUPLICATE_NUMBER)]})

    def test_unknown_reference_codes_and_articles_are_refused_by_name(self):
        response = self.post(victims=["NRM-2001-99999"], articles=["144-1", "999"])
        self.assertEqual(response.status_code, 400)
        self.assertIn("NRM-2001-99999", response.json()["victims"][0])
        self.assertIn("999", response.json()["articles"]["1"][0])
        self.assertFalse(CriminalCase.objects.exists())

    def test_more_linked_victims_than_victims_is_refused(self):
        response = self.post(victims=[self.victim_case.reference], victims_count=0)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"victims": [str(TOO_MANY_LINKED_VICTIMS)]})

    def test_an_outcome_needs_the_date_of_the_judgment(self):
        response = self.post(defendants=[{**CONVICTED}])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"judgment_on": [str(OUTCOME_WITHOUT_JUDGMENT)]})
        self.assertFalse(CriminalCase.objects.exists())

    def test_an_outcome_on_a_case_without_judgment_is_refused_on_update_too(self):
        entry = criminal_case(self.prosecutor_office, defendants=[{"kind": "natural", "sex": "male"}])
        row = entry.defendants.get()
        response = self.client.patch(
            f"/api/criminal-cases/{entry.uid}/",
            {"defendants": [{"id": row.pk, **NATURAL, "outcome": "acquitted"}]},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        row.refresh_from_db()
        self.assertEqual(row.outcome, "pending")
        self.assertEqual(entry.opened_on, date(2016, 3, 1))

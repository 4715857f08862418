"""The cases API: need-to-know per role, audited reads with a stated reason, and every change through the services."""

import datetime
import json
from urllib.parse import quote

from accounts.roles import Role
from audit.models import AuditEvent
from cases import services
from cases.api import NOT_YOUR_CASE
from cases.models import Case, Consent, IndicatorAssessment, Referral
from cases.tests.base import CaseTestCase
from ctims.testing import make_user

NAME = "Aynur"  # the given name of CaseTestCase's case: it must never appear where identifiers are not shown
IDENTIFIER_KEYS = {"given_name", "family_name", "date_of_birth", "documents", "address", "phone"}
REASON = {"HTTP_X_ACCESS_REASON": "Checking the case for the monthly review."}
TODAY = datetime.date.today()

NEW_CASE = {
    "person": {
        "given_name": "Zenfira",
        "family_name": "Mammadli",
        "date_of_birth": "1999-04-02",
        "sex": "female",
        "citizenship": "AZ",
        "documents": "Passport C01234567",
        "phone": "+994 50 111 22 33",
    },
    "source": "ngo",
    "scope": "transnational",
    "exploitation_forms": ["forced_labour", "sexual"],
}


class CaseApiTestCase(CaseTestCase):
    def detail_url(self, case=None) -> str:
        return f"/api/cases/{(case or self.case).uid}/"

    def action_url(self, step: str, case=None) -> str:
        return f"{self.detail_url(case)}{step}/"

    def post(self, url: str, data=None):
        return self.client.post(url, json.dumps(data or {}), content_type="application/json")

    def as_user(self, user) -> None:
        if user is None:
            self.client.logout()
        else:
            self.login(user)

    def refer_to_main_department(self, case=None, accept: bool = True) -> Referral:
        case = case or self.case
        services.consent_record(case=case, actor=self.carol, purpose="referral", given=True, given_on=TODAY)
        referral = services.referral_send(
            case=case, actor=self.carol, to_organisation=self.main_department, services="identification"
        )
        if accept:
            services.referral_answer(referral=referral, actor=self.ivan, accept=True)
        return referral

    def presumed(self, case=None) -> Case:
        return services.case_change_status(
            case=case or self.case, actor=self.carol, to_status="presumed", reason="Indicators met."
        )


class ReadPermissionMatrixTests(CaseApiTestCase):
    """Who lists which cases, and who reads a case with or without the person's identifiers."""

    def assert_reads(self, user, *, listed, detail: int, identifiers: bool = False):
        self.as_user(user)
        listing = self.client.get("/api/cases/")
        if listed is None:
            self.assertEqual(listing.status_code, 403)
        else:
            self.assertEqual(listing.status_code, 200)
            self.assertEqual([row["reference"] for row in listing.json()["results"]], listed)
            self.assertNotContains(listing, NAME)
        response = self.client.get(self.detail_url(), **REASON)
        self.assertEqual(response.status_code, detail)
        if detail == 200:
            person = response.json()["person"]
            self.assertEqual(person.keys() >= IDENTIFIER_KEYS, identifiers)
            self.assertEqual(bool(IDENTIFIER_KEYS & person.keys()), identifiers)
            self.assertEqual(NAME in response.content.decode(), identifiers)
            self.assertEqual(response.json()["full"], identifiers)
        else:
            self.assertNotContains(response, self.case.reference, status_code=detail)

    def test_the_owning_case_worker_lists_and_reads_the_case_with_identifiers(self):
        self.assert_reads(self.carol, listed=[self.case.reference], detail=200, identifiers=True)

    def test_a_case_worker_of_another_ngo_lists_nothing_and_gets_not_found(self):
        self.assert_reads(self.dan, listed=[], detail=404)

    def test_the_identification_officer_sees_the_case_only_after_accepting_a_referral(self):
        self.assert_reads(self.ivan, listed=[], detail=404)
        self.refer_to_main_department(accept=False)
        self.assert_reads(self.ivan, listed=[], detail=404)
        services.referral_answer(referral=Referral.objects.get(), actor=self.ivan, accept=True)
        self.assert_reads(self.ivan, listed=[self.case.reference], detail=200, identifiers=True)

    def test_the_coordinator_lists_every_case_and_reads_it_pseudonymised(self):
        elsewhere = self.new_case(actor=self.dan)
        self.assert_reads(self.alice, listed=[elsewhere.reference, self.case.reference], detail=200, identifiers=False)

    def test_observer_focal_point_sysadmin_and_user_without_role_list_nothing_and_get_not_found(self):
        for user in (self.olga, self.bob, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.assert_reads(user, listed=None, detail=404)

    def test_anonymous_users_are_refused(self):
        self.assert_reads(None, listed=None, detail=403)
        self.assertEqual(self.client.get("/api/referrals/").status_code, 403)

    def test_a_case_worker_without_the_second_factor_is_refused(self):
        self.client.force_login(self.carol)
        response = self.client.get(self.detail_url())
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, NAME, status_code=403)


class CreatePermissionTests(CaseApiTestCase):
    def test_case_workers_and_identification_officers_record_cases(self):
        for user in (self.carol, self.dan, self.ivan):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.post("/api/cases/", NEW_CASE)
                self.assertEqual(response.status_code, 201)
                case = Case.objects.get(reference=response.json()["reference"])
                self.assertEqual((case.owner, case.created_by), (user.organisation, user))
        self.assertEqual(Case.objects.count(), 4)

    def test_nobody_else_records_cases(self):
        for user in (self.alice, self.olga, self.bob, self.sam, self.eve, None):
            with self.subTest(user=getattr(user, "username", "anonymous")):
                self.as_user(user)
                self.assertEqual(self.post("/api/cases/", NEW_CASE).status_code, 403)
        self.assertEqual(Case.objects.count(), 1)


class StatusPermissionMatrixTests(CaseApiTestCase):
    """Who may move a case from potential to presumed victim."""

    def attempt(self, user, case) -> int:
        self.as_user(user)
        return self.post(self.action_url("status", case), {"to_status": "presumed", "reason": "Indicators met."})

    def assert_attempt(self, user, expected: int, case=None) -> None:
        case = case or self.new_case()
        self.assertEqual(self.attempt(user, case).status_code, expected)
        self.assertEqual(Case.objects.get(pk=case.pk).status, "presumed" if expected == 200 else "potential")

    def test_the_owning_case_worker_changes_the_status(self):
        self.assert_attempt(self.carol, 200)

    def test_a_colleague_of_the_owner_changes_the_status_without_giving_a_read_reason(self):
        self.assert_attempt(make_user("cora", self.ngo, Role.CASE_WORKER), 200)

    def test_the_identification_officer_acts_only_after_accepting_a_referral(self):
        case = self.new_case()
        self.assert_attempt(self.ivan, 404, case)
        self.refer_to_main_department(case)
        self.assert_attempt(self.ivan, 200, case)

    def test_the_coordinator_sees_the_case_but_may_not_change_it(self):
        self.assert_attempt(self.alice, 403)

    def test_everyone_else_gets_not_found(self):
        for user in (self.dan, self.olga, self.bob, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.assert_attempt(user, 404)

    def test_anonymous_users_are_refused(self):
        self.assert_attempt(None, 403)

    def test_an_unknown_reference_is_not_found(self):
        self.login(self.carol)
        response = self.post("/api/cases/NRM-1999-99999/status/", {"to_status": "presumed", "reason": "x"})
        self.assertEqual(response.status_code, 404)


class ReadReasonTests(CaseApiTestCase):
    def setUp(self):
        self.cora = make_user("cora", self.ngo, Role.CASE_WORKER)

    def test_the_case_worker_who_registered_the_case_gives_no_reason(self):
        self.login(self.carol)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 200)
        self.assertFalse(AuditEvent.objects.filter(action="case.open").exists())

    def test_a_colleague_without_a_reason_is_refused_with_what_to_do_and_nothing_is_shown(self):
        self.login(self.cora)
        response = self.client.get(self.detail_url())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "This case is not yours: give ?reason=… (it is recorded)."})
        self.assertEqual(response.json()["detail"], str(NOT_YOUR_CASE))
        self.assertNotContains(response, NAME, status_code=403)
        self.assertFalse(AuditEvent.objects.filter(action__startswith="case.", actor=self.cora).exists())

    def test_a_blank_reason_is_no_reason(self):
        self.login(self.cora)
        self.assertEqual(self.client.get(self.detail_url(), {"reason": "   "}).status_code, 403)

    def test_a_reason_in_the_query_opens_the_case_and_is_recorded(self):
        self.login(self.cora)
        response = self.client.get(self.detail_url(), {"reason": "Covering for Carol this week."})
        self.assertContains(response, NAME)
        event = AuditEvent.objects.get(action="case.open")
        self.assertEqual((event.actor, event.reason), (self.cora, "Covering for Carol this week."))
        self.assertTrue(AuditEvent.objects.filter(action="case.read", actor=self.cora).exists())

    def test_a_reason_in_the_header_is_recorded_decoded_and_preferred_to_the_query(self):
        self.login(self.cora)
        reason = "Karolu əvəz edirəm."
        response = self.client.get(self.detail_url(), {"reason": "from the query"}, HTTP_X_ACCESS_REASON=quote(reason))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AuditEvent.objects.get(action="case.open").reason, reason)

    def test_the_coordinator_also_gives_a_reason(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 403)
        self.assertEqual(self.client.get(self.detail_url(), **REASON).status_code, 200)
        self.assertEqual(AuditEvent.objects.get(action="case.open").reason, REASON["HTTP_X_ACCESS_REASON"])

    def test_a_case_the_user_may_not_see_is_not_found_even_without_a_reason(self):
        self.login(self.dan)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 404)

    def test_an_overlong_reason_is_refused_and_nothing_is_recorded(self):
        self.login(self.cora)
        response = self.client.get(self.detail_url(), {"reason": "x" * 501})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.json())
        self.assertFalse(AuditEvent.objects.filter(action__in=["case.open", "case.read"]).exists())


class ReadAuditTests(CaseApiTestCase):
    def test_every_full_read_is_audited(self):
        self.login(self.carol)
        for _ in range(2):
            self.assertEqual(self.client.get(self.detail_url()).status_code, 200)
        events = AuditEvent.objects.filter(action="case.read")
        self.assertEqual(events.count(), 2)
        expected = {(self.carol, "cases.case", str(self.case.pk))}
        self.assertEqual({(e.actor, e.object_type, e.object_id) for e in events}, expected)

    def test_a_pseudonymised_read_is_audited_as_such(self):
        self.login(self.alice)
        self.client.get(self.detail_url(), **REASON)
        self.assertTrue(AuditEvent.objects.filter(action="case.read_pseudonymised", actor=self.alice).exists())
        self.assertFalse(AuditEvent.objects.filter(action="case.read").exists())

    def test_a_refused_read_is_not_audited_as_a_read(self):
        self.login(self.dan)
        self.client.get(self.detail_url(), **REASON)
        self.assertFalse(AuditEvent.objects.filter(action__startswith="case.read").exists())


class DetailContentTests(CaseApiTestCase):
    def test_the_full_detail_carries_the_history_and_consents(self):
        self.presumed()
        services.consent_record(case=self.case, actor=self.carol, purpose="assistance", given=True, given_on=TODAY)
        self.login(self.carol)
        data = self.client.get(self.detail_url()).json()
        self.assertEqual(data["person"]["family_name"], "Quliyeva")
        self.assertEqual(data["status"], "presumed")
        self.assertEqual([c["to_status"] for c in data["status_changes"]], ["presumed"])
        self.assertEqual(len(data["reflection_periods"]), 1)
        self.assertEqual([c["purpose"] for c in data["consents"]], ["assistance"])
        self.assertEqual(data["exploitation_forms"], ["forced_labour"])
        self.assertTrue(data["can_change"])

    def test_the_pseudonymised_detail_has_no_identifier_consent_or_free_text_keys(self):
        self.login(self.alice)
        data = self.client.get(self.detail_url(), **REASON).json()
        self.assertFalse(IDENTIFIER_KEYS & data["person"].keys())
        self.assertFalse({"consents", "means_of_control", "vulnerabilities", "recruitment_method"} & data.keys())
        self.assertEqual((data["person"]["year_of_birth"], data["full"], data["can_change"]), (1998, False, False))

    def test_the_detail_does_not_load_identifiers_for_the_coordinator(self):
        # Alice's detail must not even decrypt the name: compare the SQL with and without identifiers.
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.alice)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.detail_url(), **REASON)
        person_queries = [q["sql"] for q in queries if '"cases_person"' in q["sql"]]
        self.assertTrue(person_queries)
        self.assertFalse([sql for sql in person_queries if '"given_name"' in sql])


class ListTests(CaseApiTestCase):
    def test_the_list_never_contains_identifiers(self):
        self.login(self.carol)
        self.post("/api/cases/", NEW_CASE)
        for user in (self.carol, self.alice):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/api/cases/")
                self.assertEqual(response.json()["count"], 2)
                text = response.content.decode()
                for value in ("Zenfira", "Mammadli", "C01234567", "1999-04-02", "111 22 33", NAME, "Quliyeva"):
                    self.assertNotIn(value, text)
                row = response.json()["results"][0]
                self.assertEqual(
                    set(row),
                    {
                        "id",
                        "reference",
                        "status",
                        "source",
                        "scope",
                        "presumed_child",
                        "exploitation_forms",
                        "owner",
                        "owner_name",
                        "created_at",
                    },
                )
                self.assertEqual(row["owner_name"], self.ngo.name)

    def test_the_list_keeps_a_fixed_query_count(self):
        for number in range(5):
            self.new_case(given_name=f"Name{number}")
        for user in (self.carol, self.alice):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertQueriesDoNotGrow(
                    lambda size: self.client.get("/api/cases/", {"per_page": size}), sizes=(1, 6)
                )

    def test_it_filters_children_and_adults_as_the_page_does(self):
        child = self.new_case(year_of_birth=TODAY.year - 14)
        self.login(self.carol)

        def references(**params):
            return [row["reference"] for row in self.client.get("/api/cases/", params).json()["results"]]

        self.assertEqual(references(child="true"), [child.reference])
        self.assertEqual(references(child="false"), [self.case.reference])

    def test_it_filters_by_status_form_and_owner(self):
        other = self.new_case()
        other.exploitation_forms.update(form="begging")
        elsewhere = self.new_case(actor=self.dan)
        self.presumed()
        self.login(self.alice)

        def references(**params):
            response = self.client.get("/api/cases/", params)
            self.assertEqual(response.status_code, 200)
            return [row["reference"] for row in response.json()["results"]]

        self.assertEqual(references(form="begging"), [other.reference])
        self.assertEqual(references(status="presumed"), [self.case.reference])
        self.assertEqual(references(owner=self.other_ngo.pk), [elsewhere.reference])

    def test_an_unknown_filter_value_is_a_bad_request(self):
        self.login(self.carol)
        self.assertEqual(self.client.get("/api/cases/", {"status": "arrested"}).status_code, 400)


class CreateTests(CaseApiTestCase):
    def test_a_case_is_recorded_with_its_person_and_forms(self):
        self.login(self.carol)
        response = self.post("/api/cases/", NEW_CASE)
        self.assertEqual(response.status_code, 201)
        data = response.json()
        case = Case.objects.get(reference=data["reference"])
        self.assertEqual((case.person.given_name, case.person.year_of_birth), ("Zenfira", 1999))
        self.assertEqual(set(case.exploitation_forms.values_list("form", flat=True)), {"forced_labour", "sexual"})
        self.assertEqual(data["person"]["documents"], "Passport C01234567")
        self.assertTrue(AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).exists())

    def test_bad_input_gives_field_errors_and_saves_nothing(self):
        self.login(self.carol)
        bad = NEW_CASE | {"person": NEW_CASE["person"] | {"date_of_birth": "yesterday"}, "source": "rumour"}
        response = self.post("/api/cases/", bad)
        self.assertEqual(response.status_code, 400)
        self.assertIn("date_of_birth", response.json()["person"])
        self.assertIn("source", response.json())
        self.assertEqual(Case.objects.count(), 1)

    def test_a_missing_person_is_a_field_error(self):
        self.login(self.carol)
        response = self.post("/api/cases/", {"source": "ngo"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("person", response.json())


class StatusTests(CaseApiTestCase):
    def test_a_non_competent_user_cannot_decide_identification(self):
        self.presumed()
        self.refer_to_main_department()
        for user in (self.carol, self.paul):  # the owner, and a case worker (not an officer) of the competent body
            with self.subTest(user=user.username):
                self.login(user)
                response = self.post(self.action_url("status"), {"to_status": "identified", "reason": "Interview."})
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["detail"], str(services.ONLY_COMPETENT_BODY))
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "presumed")

    def test_the_identification_officer_of_the_competent_body_decides(self):
        self.presumed()
        self.refer_to_main_department()
        self.login(self.ivan)
        response = self.post(self.action_url("status"), {"to_status": "identified", "reason": "Interview held."})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "identified")

    def test_a_transition_not_allowed_is_a_bad_request_with_the_reason(self):
        self.login(self.carol)
        response = self.post(self.action_url("status"), {"to_status": "closed", "reason": "Done."})
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot go from", response.json()["non_field_errors"][0])

    def test_a_change_without_a_reason_keeps_the_field_key(self):
        self.login(self.carol)
        response = self.post(self.action_url("status"), {"to_status": "presumed", "reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"reason": [str(services.REASON_REQUIRED)]})


class ConsentAndReferralTests(CaseApiTestCase):
    def test_a_referral_without_consent_is_refused_until_consent_is_recorded(self):
        self.login(self.carol)
        referral = {"to_organisation": self.other_ngo.pk, "services": "shelter"}
        response = self.post(self.action_url("referrals"), referral)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["non_field_errors"], [str(services.CONSENT_MISSING)])
        self.assertFalse(Referral.objects.exists())
        consent = {"purpose": "referral", "given": True, "given_on": str(TODAY)}
        self.assertEqual(self.post(self.action_url("consents"), consent).status_code, 201)
        response = self.post(self.action_url("referrals"), referral)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["state"], "pending")
        self.assertEqual(Referral.objects.get().to_organisation, self.other_ngo)

    def test_overriding_consent_needs_the_right(self):
        self.login(self.carol)
        data = {"to_organisation": self.other_ngo.pk, "services": "shelter", "override_reason": "Emergency."}
        response = self.post(self.action_url("referrals"), data)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["detail"], str(services.OVERRIDE_NOT_ALLOWED))

    def test_a_referral_to_the_owner_keeps_the_field_key(self):
        Consent.objects.create(case=self.case, purpose="referral", given=True, given_on=TODAY, taken_by=self.carol)
        self.login(self.carol)
        response = self.post(self.action_url("referrals"), {"to_organisation": self.ngo.pk, "services": "shelter"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"to_organisation": [str(services.REFER_TO_SELF)]})

    def test_bad_consent_input_is_a_bad_request(self):
        self.login(self.carol)
        response = self.post(self.action_url("consents"), {"purpose": "marketing", "given": True})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"purpose", "given_on"})
        self.assertFalse(Consent.objects.exists())


class IndicatorTests(CaseApiTestCase):
    def test_an_assessment_is_kept_and_explained_without_changing_the_status(self):
        self.login(self.carol)
        response = self.post(self.action_url("indicators"), {"profile": "adult_labour", "present": ["DR-01", "CR-01"]})
        self.assertEqual(response.status_code, 201)
        self.assertIn("Conclusion:", " ".join(response.json()["explanation"]))
        self.assertEqual(IndicatorAssessment.objects.get().indicators, ["CR-01", "DR-01"])
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "potential")

    def test_an_unknown_indicator_code_is_a_bad_request_naming_it(self):
        self.login(self.carol)
        response = self.post(self.action_url("indicators"), {"profile": "adult_labour", "present": ["XX-99"]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("XX-99", response.json()["present"][0])
        self.assertFalse(IndicatorAssessment.objects.exists())


class PeriodTests(CaseApiTestCase):
    def test_the_period_is_extended_and_its_end_recorded(self):
        period = self.presumed().reflection_periods.get()
        self.login(self.carol)
        new_end = str(period.ends_on + datetime.timedelta(days=30))
        response = self.post(self.action_url(f"periods/{period.pk}/extend"), {"new_end": new_end, "reason": "Ill."})
        self.assertEqual((response.status_code, response.json()["ends_on"]), (200, new_end))
        response = self.post(self.action_url(f"periods/{period.pk}/decide"), {"decision": "cooperates"})
        self.assertEqual((response.status_code, response.json()["end_decision"]), (200, "cooperates"))

    def test_an_extension_that_does_not_extend_keeps_the_field_key(self):
        period = self.presumed().reflection_periods.get()
        self.login(self.carol)
        response = self.post(
            self.action_url(f"periods/{period.pk}/extend"), {"new_end": str(period.starts_on), "reason": "x"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("new_end", response.json())

    def test_a_period_of_another_case_is_not_found(self):
        other = self.presumed(self.new_case()).reflection_periods.get()
        self.login(self.carol)
        response = self.post(self.action_url(f"periods/{other.pk}/decide"), {"decision": "cooperates"})
        self.assertEqual(response.status_code, 404)


class ReferralInboxTests(CaseApiTestCase):
    def test_the_receiving_organisation_lists_pending_referrals_without_identifiers(self):
        self.refer_to_main_department(accept=False)
        self.login(self.ivan)
        response = self.client.get("/api/referrals/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 1)
        row = response.json()["results"][0]
        self.assertEqual((row["case"], row["from_organisation_name"]), (self.case.reference, self.ngo.name))
        self.assertEqual(row["services"], "identification")
        self.assertNotContains(response, NAME)

    def test_other_organisations_do_not_see_the_referral_and_other_roles_are_refused(self):
        self.refer_to_main_department(accept=False)
        self.login(self.dan)
        self.assertEqual(self.client.get("/api/referrals/").json()["count"], 0)
        for user in (self.alice, self.olga, self.bob, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/api/referrals/").status_code, 403)

    def test_accepting_gives_access_to_the_case(self):
        referral = self.refer_to_main_department(accept=False)
        self.login(self.ivan)
        response = self.post(f"/api/referrals/{referral.uid}/answer/", {"accept": True})
        self.assertEqual((response.status_code, response.json()["state"]), (200, "accepted"))
        self.assertEqual(self.client.get("/api/referrals/").json()["count"], 0)
        self.assertEqual(self.client.get("/api/cases/").json()["results"][0]["reference"], self.case.reference)

    def test_declining_needs_a_reason(self):
        referral = self.refer_to_main_department(accept=False)
        self.login(self.ivan)
        response = self.post(f"/api/referrals/{referral.uid}/answer/", {"accept": False})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"reason": [str(services.DECLINE_NEEDS_REASON)]})
        response = self.post(f"/api/referrals/{referral.uid}/answer/", {"accept": False, "reason": "No capacity."})
        self.assertEqual((response.status_code, response.json()["state"]), (200, "declined"))

    def test_a_referral_is_answered_once(self):
        referral = self.refer_to_main_department()
        self.login(self.ivan)
        response = self.post(f"/api/referrals/{referral.uid}/answer/", {"accept": True})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["non_field_errors"], [str(services.REFERRAL_ALREADY_ANSWERED)])

    def test_a_referral_to_another_organisation_cannot_be_answered(self):
        referral = self.refer_to_main_department(accept=False)
        self.login(self.dan)
        self.assertEqual(self.post(f"/api/referrals/{referral.uid}/answer/", {"accept": True}).status_code, 404)
        self.assertEqual(Referral.objects.get().state, "pending")


class CaseSchemaTests(CaseApiTestCase):
    def test_the_schema_is_valid_describes_cases_and_generates_without_warnings(self):
        import yaml
        from drf_spectacular.drainage import GENERATOR_STATS
        from drf_spectacular.validation import validate_schema

        self.login(self.carol)
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(GENERATOR_STATS, "drf-spectacular warned or failed while generating the schema")
        schema = yaml.safe_load(response.content)
        validate_schema(schema)
        for path_ in (
            "/api/cases/",
            "/api/cases/{uid}/",
            "/api/cases/{uid}/status/",
            "/api/cases/{uid}/indicators/",
            "/api/cases/{uid}/consents/",
            "/api/cases/{uid}/referrals/",
            "/api/cases/{uid}/periods/{period_id}/extend/",
            "/api/cases/{uid}/periods/{period_id}/decide/",
            "/api/referrals/",
            "/api/referrals/{uid}/answer/",
        ):
            self.assertIn(path_, schema["paths"])
        components = schema["components"]["schemas"]
        self.assertFalse(IDENTIFIER_KEYS & components["CaseList"]["properties"].keys())
        self.assertFalse(IDENTIFIER_KEYS & components["PersonPseudonymised"]["properties"].keys())
        self.assertIn("CaseStatus", components)

import datetime

from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, Referral
from cases.services import consent_record, referral_send
from cases.tests.base import CaseTestCase

PERSON = {
    "person-given_name": "Zenfira",
    "person-family_name": "Mammadli",
    "person-date_of_birth": "1999-04-02",
    "person-sex": "female",
    "person-citizenship": "AZ",
    "person-documents": "Passport C01234567",
    "person-phone": "+994 50 111 22 33",
    "case-source": "ngo",
    "case-scope": "transnational",
    "case-exploitation_forms": ["forced_labour", "sexual"],
}


class CaseCreateViewTests(CaseTestCase):
    def test_a_case_worker_records_a_presumed_victim_and_lands_on_its_page(self):
        self.login(self.carol)
        response = self.client.post(reverse("cases-create"), PERSON)
        case = Case.objects.exclude(pk=self.case.pk).get()
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        self.assertNotIn("Zenfira", response["Location"])
        self.assertEqual(set(case.exploitation_forms.values_list("form", flat=True)), {"forced_labour", "sexual"})
        page = self.client.get(case.get_absolute_url())
        self.assertContains(page, "Zenfira Mammadli")

    def test_bad_input_is_explained_and_nothing_is_saved(self):
        self.login(self.carol)
        response = self.client.post(
            reverse("cases-create"), PERSON | {"person-date_of_birth": "yesterday", "case-source": ""}
        )
        self.assertContains(response, "There is a problem")
        self.assertEqual(Case.objects.count(), 1)

    def test_only_case_workers_record_cases(self):
        for user in (self.alice, self.bob, self.olga, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.post(reverse("cases-create"), PERSON).status_code, 403)
        self.assertEqual(Case.objects.count(), 1)


class CaseReadTests(CaseTestCase):
    def test_the_owner_reads_the_case_and_the_read_is_audited(self):
        self.login(self.carol)
        response = self.client.get(self.case.get_absolute_url())
        self.assertContains(response, "Aynur Quliyeva")
        event = AuditEvent.objects.filter(action="case.read").get()
        self.assertEqual((event.actor, event.object_id), (self.carol, str(self.case.pk)))

    def test_other_organisations_administrators_and_outsiders_get_not_found(self):
        for user in (self.dan, self.paul, self.ivan, self.bob, self.olga, self.sam, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertIn(self.client.get(self.case.get_absolute_url()).status_code, (403, 404))
                listing = self.client.get(reverse("cases-list"))
                if listing.status_code == 200:  # case workers elsewhere have a list, without this case in it
                    self.assertNotContains(listing, self.case.reference)
                    self.assertEqual(listing.context["page"].paginator.count, 0)
                else:
                    self.assertEqual(listing.status_code, 403)

    def test_a_colleague_who_did_not_register_the_case_states_a_reason_first(self):
        from accounts.roles import Role
        from ctims.testing import make_user

        colleague = make_user("cora", self.ngo, Role.CASE_WORKER)
        self.login(colleague)
        response = self.client.get(self.case.get_absolute_url())
        self.assertContains(response, "Why do you need to open this case?")
        self.assertNotContains(response, "Aynur")
        response = self.client.post(self.case.get_absolute_url(), {"reason": "Covering for Carol this week."})
        self.assertRedirects(response, self.case.get_absolute_url(), fetch_redirect_response=False)
        self.assertContains(self.client.get(self.case.get_absolute_url()), "Aynur")
        event = AuditEvent.objects.get(action="case.open")
        self.assertEqual((event.actor, event.reason), (colleague, "Covering for Carol this week."))

    def test_the_coordinator_sees_a_pseudonymised_case_without_identifiers(self):
        self.login(self.alice)
        self.client.post(self.case.get_absolute_url(), {"reason": "Annual statistics check."})
        response = self.client.get(self.case.get_absolute_url())
        self.assertContains(response, self.case.reference)
        self.assertContains(response, "Pseudonymised view")
        self.assertNotContains(response, "Aynur")
        self.assertNotContains(response, "Quliyeva")
        self.assertTrue(AuditEvent.objects.filter(action="case.read_pseudonymised", actor=self.alice).exists())

    def test_the_case_list_never_shows_names_and_keeps_a_fixed_query_count(self):
        for number in range(5):
            self.new_case(given_name=f"Name{number}")
        self.login(self.carol)
        response = self.client.get(reverse("cases-list"))
        self.assertNotContains(response, "Aynur")
        self.assertNotContains(response, "Name1")
        self.assertEqual(response.context["page"].paginator.count, 6)
        self.assertQueriesDoNotGrow(
            lambda size: self.client.get(reverse("cases-list"), {"per_page": size}), sizes=(1, 6)
        )


class CaseActionViewTests(CaseTestCase):
    def test_presumed_then_referred_then_accepted_then_identified(self):
        self.login(self.carol)
        url = self.case.uid
        self.client.post(reverse("cases-status", args=[url]), {"to_status": "presumed", "reason": "Indicators met."})
        self.client.post(
            reverse("cases-consent", args=[url]),
            {"purpose": "referral", "given": "on", "given_on": str(datetime.date.today())},
        )
        self.client.post(
            reverse("cases-refer", args=[url]),
            {"to_organisation": self.main_department.pk, "services": "identification"},
        )
        referral = Referral.objects.get()
        self.login(self.ivan)
        inbox = self.client.get(reverse("cases-referrals"))
        self.assertContains(inbox, self.case.reference)
        self.assertNotContains(inbox, "Aynur")
        self.client.post(reverse("cases-referral-answer", args=[referral.uid]), {"answer": "accept"})
        self.client.post(self.case.get_absolute_url(), {"reason": "Referred to us."})
        self.client.post(reverse("cases-status", args=[url]), {"to_status": "identified", "reason": "Interview held."})
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "identified")

    def test_a_referral_without_consent_is_refused_with_the_reason_shown(self):
        self.login(self.carol)
        response = self.client.post(
            reverse("cases-refer", args=[self.case.uid]),
            {"to_organisation": self.other_ngo.pk, "services": "shelter"},
            follow=True,
        )
        self.assertContains(response, "There is no recorded consent to refer this person.")
        self.assertFalse(Referral.objects.exists())

    def test_a_case_worker_of_another_organisation_cannot_act_on_the_case(self):
        self.login(self.dan)
        response = self.client.post(
            reverse("cases-status", args=[self.case.uid]), {"to_status": "presumed", "reason": "x"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "potential")

    def test_declining_a_referral_needs_a_reason(self):
        consent_record(case=self.case, actor=self.carol, purpose="referral", given=True, given_on=datetime.date.today())
        referral = referral_send(case=self.case, actor=self.carol, to_organisation=self.other_ngo, services="shelter")
        self.login(self.dan)
        response = self.client.post(
            reverse("cases-referral-answer", args=[referral.uid]), {"answer": "decline"}, follow=True
        )
        self.assertContains(response, "Say why the referral is declined.")
        referral.refresh_from_db()
        self.assertEqual(referral.state, "pending")


class CaseListFilterTests(CaseTestCase):
    def test_children_and_adults_are_told_apart(self):
        child = self.new_case(year_of_birth=datetime.date.today().year - 14)
        self.login(self.carol)
        children = self.client.get(reverse("cases-list"), {"child": "yes"}).context["page"].object_list
        adults = self.client.get(reverse("cases-list"), {"child": "no"}).context["page"].object_list
        self.assertEqual([c.reference for c in children], [child.reference])
        self.assertEqual([c.reference for c in adults], [self.case.reference])

    def test_it_filters_by_status_and_form_of_exploitation(self):
        other = self.new_case()
        other.exploitation_forms.update(form="begging")
        self.login(self.carol)
        begging = self.client.get(reverse("cases-list"), {"form": "begging"}).context["page"].object_list
        self.assertEqual([c.reference for c in begging], [other.reference])
        self.assertEqual(
            self.client.get(reverse("cases-list"), {"status": "presumed"}).context["page"].paginator.count, 0
        )

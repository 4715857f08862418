"""What a call reveals, and to whom: caller details only on the call itself (and each such read audited), case
references typed rather than listed, and the same rules through the API as through the form."""

from audit.models import AuditEvent
from hotline.tests.base import HotlineTestCase, call
from organisations.models import Organisation


class CallPrivacyTests(HotlineTestCase):
    def named_call(self):
        return call(self.ministry, anonymous=False, caller_name="Leyla M.", caller_phone="+994 50 111 22 33")

    def test_reading_a_call_page_with_caller_details_is_audited(self):
        entry = self.named_call()
        self.login(self.hana)
        self.assertContains(self.client.get(entry.get_absolute_url()), "+994 50 111 22 33")
        event = AuditEvent.objects.get(action="calls.read")
        self.assertEqual((event.actor, event.object_id), (self.hana, str(entry.pk)))
        self.assertNotIn("994", str(event.details))

    def test_the_api_list_leaves_caller_details_out_and_reading_one_call_is_audited(self):
        entry = self.named_call()
        self.login(self.hana)
        listed = self.client.get("/api/calls/").json()["results"][0]
        self.assertNotIn("caller_phone", listed)
        self.assertNotIn("Leyla", str(listed))
        self.assertFalse(AuditEvent.objects.filter(action="calls.read").exists())
        one = self.client.get(f"/api/calls/{entry.uid}/").json()
        self.assertEqual(one["caller_phone"], "+994 50 111 22 33")
        self.assertEqual(AuditEvent.objects.filter(action="calls.read", object_id=str(entry.pk)).count(), 1)

    def test_the_browsable_api_does_not_list_case_references(self):
        self.login(self.hugo)
        response = self.client.get("/api/calls/", HTTP_ACCEPT="text/html")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.case.reference)

    def test_the_api_takes_a_case_reference_as_people_type_it(self):
        self.login(self.hana)
        payload = {
            "received_at": "2016-05-10T14:30:00+04:00",
            "channel": "phone",
            "caller_type": "potential_victim",
            "signal_type": "help",
            "summary": "Opened a case",
            "action": "case_opened",
            "case": f" {self.case.reference.lower()} ",
        }
        response = self.client.post("/api/calls/", payload, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["case"], self.case.reference)

    def api_call(self, **changes):
        payload = {
            "received_at": "2016-05-10T14:30:00+04:00",
            "channel": "phone",
            "caller_type": "third_party",
            "signal_type": "tip",
            "summary": "A tip",
            "action": "police",
            "referred_to": self.ministry.pk,
        }
        return self.client.post("/api/calls/", payload | changes, content_type="application/json")

    def test_the_api_refuses_a_class_of_bodies_as_referral_target_as_the_form_does(self):
        self.login(self.hana)
        response = self.api_call(referred_to=Organisation.objects.filter(is_class=True).first().pk)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["referred_to"])

    def test_the_api_refuses_an_indicator_given_twice(self):
        self.login(self.hana)
        response = self.api_call(indicators=["documents", "documents"])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"indicators": ["Each choice may be given only once."]})
        self.assertEqual(self.api_call(indicators=["documents"]).status_code, 201)

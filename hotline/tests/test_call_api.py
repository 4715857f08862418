"""The call register's API: a case by its reference, the same rules as the pages (400 with the field), and the same
need-to-know: other organisations' operators and every other role are refused."""

from hotline.models import (
    ANONYMOUS_WITH_IDENTIFIERS,
    CASE_ONLY_WHEN_OPENED,
    CASE_REQUIRED,
    NO_ACTION_NEEDS_REASON,
    RECEIVED_IN_FUTURE,
    REFERRAL_NEEDS_ORGANISATION,
    Call,
)
from hotline.tests.base import HotlineTestCase, call


class CallApiTest(HotlineTestCase):
    def payload(self, **changes):
        data = {
            "received_at": "2016-05-10T14:30:00+04:00",
            "channel": "phone",
            "language": "ru",
            "caller_type": "family",
            "signal_type": "help",
            "summary": "Daughter abroad cannot come home",
            "indicators": ["deception", "debt"],
            "thb_relevant": True,
            "action": "ngo",
            "referred_to": self.ngo.pk,
            "measures": [self.measures["13.2.1"].pk],
        }
        return {**data, **changes}

    def post(self, data):
        return self.client.post("/api/calls/", data, content_type="application/json")

    def test_operator_creates_a_call_with_a_case_given_by_reference(self):
        self.login(self.hana)
        response = self.post(self.payload(action="case_opened", referred_to=None, case=self.case.reference))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["case"], self.case.reference)
        self.assertEqual(body["indicators"], ["deception", "debt"])
        self.assertEqual(body["organisation"], self.ministry.name)
        entry = Call.objects.get(uid=body["uid"])
        self.assertEqual((entry.case, entry.organisation, entry.created_by), (self.case, self.ministry, self.hana))

    def test_operator_updates_its_call(self):
        entry = call(self.ministry)
        self.login(self.hana)
        response = self.client.patch(f"/api/calls/{entry.uid}/", {"region": "Shaki"}, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        entry.refresh_from_db()
        self.assertEqual(entry.region, "Shaki")

    def test_an_unknown_case_reference_is_a_400_on_case(self):
        self.login(self.hana)
        response = self.post(self.payload(action="case_opened", referred_to=None, case="NRM-2016-99999"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("case", response.json())
        self.assertFalse(Call.objects.exists())

    def test_an_unknown_indicator_is_a_400_on_indicators(self):
        self.login(self.hana)
        response = self.post(self.payload(indicators=["deception", "organ_removal"]))
        self.assertEqual(response.status_code, 400)
        self.assertIn("indicators", response.json())
        self.assertFalse(Call.objects.exists())

    def test_each_broken_rule_is_a_400_naming_its_field(self):
        self.login(self.hana)
        cases = [
            ({"action": "case_opened", "referred_to": None}, "case", CASE_REQUIRED),
            (
                {"action": "information", "referred_to": None, "case": self.case.reference},
                "case",
                CASE_ONLY_WHEN_OPENED,
            ),
            ({"action": "consulate", "referred_to": None}, "referred_to", REFERRAL_NEEDS_ORGANISATION),
            ({"action": "none", "referred_to": None}, "no_action_reason", NO_ACTION_NEEDS_REASON),
            ({"received_at": "2999-01-01T10:00:00Z"}, "received_at", RECEIVED_IN_FUTURE),
            ({"caller_name": "Somebody"}, "caller_name", ANONYMOUS_WITH_IDENTIFIERS),
        ]
        for changes, field, message in cases:
            with self.subTest(field=field, changes=changes):
                response = self.post(self.payload(**changes))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {field: [str(message)]})
        self.assertFalse(Call.objects.exists())

    def test_a_named_caller_is_readable_by_the_operator(self):
        self.login(self.hana)
        response = self.post(self.payload(anonymous=False, caller_phone="+994 55 000 11 22"))
        self.assertEqual(response.status_code, 201, response.content)
        detail = self.client.get(f"/api/calls/{response.json()['uid']}/").json()
        self.assertEqual(detail["caller_phone"], "+994 55 000 11 22")

    def test_operator_of_another_organisation_can_neither_read_nor_update(self):
        entry = call(self.ministry)
        self.login(self.hugo)
        self.assertEqual(self.client.get("/api/calls/").json()["count"], 0)
        self.assertEqual(self.client.get(f"/api/calls/{entry.uid}/").status_code, 404)
        response = self.client.patch(f"/api/calls/{entry.uid}/", {"region": "X"}, content_type="application/json")
        self.assertEqual(response.status_code, 404)
        entry.refresh_from_db()
        self.assertEqual(entry.region, "")

    def test_every_other_role_is_refused_the_api(self):
        entry = call(self.ministry)
        for user in (self.alice, self.bob, self.carol, self.dan, self.olga, self.sam, self.paul, self.eve):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/api/calls/").status_code, 403)
                self.assertEqual(self.client.get(f"/api/calls/{entry.uid}/").status_code, 403)
                self.assertEqual(self.post(self.payload()).status_code, 403)
                response = self.client.patch(
                    f"/api/calls/{entry.uid}/", {"region": "X"}, content_type="application/json"
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Call.objects.count(), 1)

    def test_api_filters_like_the_page(self):
        call(self.ministry, channel="sms")
        call(self.ministry, channel="phone")
        self.login(self.hana)
        response = self.client.get("/api/calls/", {"channel": "sms"})
        self.assertEqual(response.json()["count"], 1)
        self.assertEqual(response.json()["results"][0]["channel"], "sms")

    def test_calls_are_not_deleted_through_the_api(self):
        entry = call(self.ministry)
        self.login(self.hana)
        self.assertEqual(self.client.delete(f"/api/calls/{entry.uid}/").status_code, 405)
        self.assertTrue(Call.objects.filter(pk=entry.pk).exists())

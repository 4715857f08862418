"""The admin site shows the trail to those allowed to view it, and nobody can add, change or delete an event there."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.services import event_record
from ctims.testing import BaseTestCase, make_user


class AuditAdminTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.event = event_record(
            actor=cls.carol,
            action="case.update",
            object_type="cases.case",
            object_id="42",
            reason="Referral accepted by phone.",
            details={"fields": ["status"], "status": {"old": "open", "new": "referred"}},
        )
        cls.sam.user_permissions.add(
            Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
        )

    def setUp(self):
        self.login(self.sam)
        self.detail = reverse("admin:audit_auditevent_change", args=[self.event.sequence])

    def test_the_list_shows_who_did_what_to_which_object(self):
        response = self.client.get(reverse("admin:audit_auditevent_changelist"))
        self.assertEqual(response.status_code, 200)
        for text in ("carol", "case.update", "cases.case", "42", "Referral accepted by phone."):
            self.assertContains(response, text)
        self.assertNotContains(response, 'name="action"')  # no bulk actions, so no "delete selected"
        self.assertNotContains(response, reverse("admin:audit_auditevent_add"))

    def test_an_event_shows_its_details_as_pretty_json_and_cannot_be_saved(self):
        response = self.client.get(self.detail)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<pre", html=False)
        self.assertContains(response, "  &quot;status&quot;: {\n    &quot;new&quot;: &quot;referred&quot;,")
        self.assertContains(response, self.event.hash)
        self.assertNotContains(response, 'name="_save"')

    def test_adding_changing_and_deleting_are_forbidden(self):
        self.assertEqual(self.client.get(reverse("admin:audit_auditevent_add")).status_code, 403)
        self.assertEqual(self.client.post(self.detail, {"reason": "edited"}).status_code, 403)
        delete = reverse("admin:audit_auditevent_delete", args=[self.event.sequence])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.event.refresh_from_db()
        self.assertEqual(self.event.reason, "Referral accepted by phone.")

    def test_the_system_administrator_role_may_read_the_trail(self):
        self.sam.user_permissions.clear()
        self.login(type(self.sam).objects.get(pk=self.sam.pk))
        self.assertEqual(self.client.get(reverse("admin:audit_auditevent_changelist")).status_code, 200)

    def test_staff_without_the_view_permission_cannot_see_the_trail(self):
        staff = make_user("stan", self.admin_org, is_staff=True)
        self.login(staff)
        self.assertEqual(self.client.get(reverse("admin:audit_auditevent_changelist")).status_code, 403)
        self.assertEqual(self.client.get(self.detail).status_code, 403)

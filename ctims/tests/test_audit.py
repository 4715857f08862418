from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from ctims.testing import PlanTestCase
from organisations.models import Organisation
from plans.models import Measure


class AuditTests(PlanTestCase):
    def test_a_change_made_in_the_admin_site_records_who_changed_what(self):
        self.login(self.sam)
        organisation = Organisation.objects.get(name="State Security Service")
        response = self.client.post(
            f"/admin/organisations/organisation/{organisation.pk}/change/",
            {
                "name": "State Security Service",
                "kind": "service",
                "is_class": "",
                "parent": self.ministry.pk,
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 302)
        entry = LogEntry.objects.get_for_object(organisation).latest("timestamp")
        self.assertEqual(entry.actor, self.sam)
        self.assertEqual(entry.action, LogEntry.Action.UPDATE)
        self.assertEqual(entry.changes_dict["parent"], ["None", str(self.ministry.pk)])

    def test_importing_a_plan_records_each_measure_created(self):
        measure_type = ContentType.objects.get_for_model(Measure)
        created = LogEntry.objects.filter(content_type=measure_type, action=LogEntry.Action.CREATE)
        self.assertEqual(created.count(), 60)

    def test_deleting_a_measure_is_recorded(self):
        measure = self.measures["13.9.7"]
        pk = measure.pk
        measure.delete()
        entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Measure), object_id=pk).latest(
            "timestamp"
        )
        self.assertEqual(entry.action, LogEntry.Action.DELETE)

    def test_changing_a_users_roles_is_recorded(self):
        self.bob.groups.clear()
        entry = LogEntry.objects.get_for_object(self.bob).latest("timestamp")
        self.assertIn("groups", entry.changes_dict)

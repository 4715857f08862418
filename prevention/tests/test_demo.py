import io

from django.core.management import call_command
from django.test import TestCase

from plans.importers import BUNDLED_PLAN, import_plan_file
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research, Training


class PreventionDemoTests(TestCase):
    """`seed_demo` on the bundled plan, as `make run` does it, records prevention activities once."""

    def seed(self) -> str:
        out = io.StringIO()
        call_command("seed_demo", password="demo-password-1", stdout=out)
        return out.getvalue()

    def test_demo_records_every_prevention_register_linked_to_measures_once(self):
        import_plan_file(BUNDLED_PLAN)
        output = self.seed()
        self.assertIn("Demo register entries created", output)
        models = (Training, AwarenessActivity, Research, LabourInspection, MediaFinding)
        counts = {model.__name__: model.objects.count() for model in models}
        self.assertTrue(all(counts.values()), counts)
        self.assertFalse(Training.objects.filter(measures=None).exists())
        years = set(Training.objects.values_list("held_on__year", flat=True))
        self.assertTrue({2016, 2017} <= years)
        self.seed()
        self.assertEqual({model.__name__: model.objects.count() for model in models}, counts)

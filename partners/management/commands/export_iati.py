"""`manage.py export_iati -o FILE.xml`: every donor support as an IATI 2.03 activity file, checked against IATI's
rules (the problems found are listed, and the command fails, so that a broken file is not published unnoticed)."""

from django.core.management.base import BaseCommand, CommandError

from partners.iati import iati_activities_xml, iati_problems, iati_reporting_org
from partners.models import DonorSupport


class Command(BaseCommand):
    help = "Writes the donor support register as an IATI 2.03 activity file (settings IATI_REPORTING_ORG_REF/_NAME)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="The XML file to write.")

    def handle(self, *args, **options):
        path = options["output"]
        supports = (
            DonorSupport.objects.select_related("donor", "implementing_organisation")
            .prefetch_related("transactions")
            .order_by("start_on", "pk")
        )
        content = iati_activities_xml(supports, **iati_reporting_org())
        try:
            with open(path, "wb") as output:
                output.write(content)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror}.") from None
        problems = iati_problems(content)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problems with IATI's rules in {path}.")
        self.stdout.write(f"{len(supports)} activities written to {path}")

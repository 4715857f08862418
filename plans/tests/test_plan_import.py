"""plan_import / import_plan_file: the bundled NAP 2014-2018 in the database, re-imports, and all-or-nothing."""

import tempfile
from datetime import date
from pathlib import Path

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import TestCase

from ctims.testing import PlanTestCase
from organisations.models import Organisation, OrganisationAlias
from plans import parsing
from plans.bodies import EXECUTOR, INVOLVED, RECOMMENDED, Participant
from plans.importers import BUNDLED_PLAN, import_plan_file
from plans.models import MEASURE_YEARS_OUTSIDE_PLAN, Direction, Measure, Participation, Plan
from plans.parsing import ParsedDirection, ParsedMeasure, ParsedPlan, PlanFormatError
from plans.services import plan_import

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLE = (
    "The National Action Plan for the years 2014-2018 on combatting trafficking in human beings in Azerbaijan Republic"
)

REGULAR = (None, None, True)
DURATIONS = {
    "13.1.1": (2014, 2016, False),
    "13.1.2": (2016, 2016, False),
    "13.1.3": (2015, 2015, False),
    "13.1.4": (2015, 2015, False),
    "13.1.5": (2014, 2016, False),
    "13.1.6": (2014, 2016, False),
    "13.1.7": (2015, 2015, False),
    "13.1.8": (2015, 2017, False),
    "13.2.1": (2015, 2015, False),
    "13.2.2": (2014, 2016, False),
    "13.2.3": (2014, 2016, False),
    "13.2.4": REGULAR,
    "13.2.5": REGULAR,
    "13.2.6": REGULAR,
    "13.2.7": REGULAR,
    "13.2.8": REGULAR,
    "13.2.9": REGULAR,
    "13.2.10": REGULAR,
    "13.3.1": (2014, 2016, False),
    "13.3.2": REGULAR,
    "13.3.3": REGULAR,
    "13.3.4": REGULAR,
    "13.3.5": REGULAR,
    "13.3.6": REGULAR,
    "13.3.7": REGULAR,
    "13.3.8": REGULAR,
    "13.3.9": REGULAR,
    "13.4.1": (2014, 2017, False),
    "13.4.2": (2014, 2016, False),
    "13.4.3": REGULAR,
    "13.4.4": (2014, 2017, False),
    "13.4.5": REGULAR,
    "13.4.6": REGULAR,
    "13.5.1": REGULAR,
    "13.5.2": REGULAR,
    "13.5.3": REGULAR,
    "13.5.4": REGULAR,
    "13.5.5": REGULAR,
    "13.5.6": (2014, 2016, False),
    "13.5.7": (2014, 2016, False),
    "13.5.8": REGULAR,
    "13.5.9": (2014, 2016, False),
    "13.6.1": REGULAR,
    "13.6.2": REGULAR,
    "13.7.1": (2014, 2018, False),
    "13.7.2": (2014, 2018, False),
    "13.7.3": (2014, 2018, False),
    "13.8.1": REGULAR,
    "13.8.2": REGULAR,
    "13.8.3": REGULAR,
    "13.8.4": (2016, 2017, False),
    "13.8.5": REGULAR,
    "13.8.6": (2014, 2016, False),
    "13.9.1": REGULAR,
    "13.9.2": REGULAR,
    "13.9.3": (2014, 2016, False),
    "13.9.4": REGULAR,
    "13.9.5": (2014, 2016, False),
    "13.9.6": REGULAR,
    "13.9.7": (2014, 2017, False),
}

CABINET = "Cabinet of Ministers"
INTERNAL = "Ministry of Internal Affairs"
JUSTICE = "Ministry of Justice"
FOREIGN = "Ministry of Foreign Affairs"
LABOUR = "Ministry of Labor and Social Protection of Population"
EDUCATION = "Ministry of Education"
HEALTH = "Ministry of Health"
YOUTH = "Ministry of Youth and Sports"
TRANSPORT = "Ministry of Transport, Communication and High Technologies"
FAMILY = "State Committee for Family, Woman and Child Problems"
MIGRATION = "State Migration Service"
SECURITY = "State Security Service"
BORDER = "State Border Service"
CUSTOMS = "State Customs Committee"
NGOS = "Related non governmental organizations"
COORDINATOR = "National Coordinator"
PROSECUTOR = "General Prosecutor's Office of the Republic of Azerbaijan"
SUPREME_COURT = "Supreme Court of the Republic of Azerbaijan"
BAR = "Bar Association of the Republic of Azerbaijan"
OMBUDSMAN = "Human Rights Commissioner of Azerbaijan Republic (Ombudsman)"
PRESS_COUNCIL = "Press Council of Azerbaijan Republic"

ALIASES = {
    "The authorities of guardianship and patronage": "Authorities of guardianship and patronage",
    "The Bar Association of the Republic of Azerbaijan": BAR,
    "The Cabinet of Ministers": CABINET,
    "The Civil Aviation Administration": "Civil Aviation Administration",
    "the commissions for affairs of the underage and protection of their rights": (
        "Commissions for affairs of the underage and protection of their rights"
    ),
    "The Financial Monitoring Service attached to the Central Bank": (
        "Financial Monitoring Service attached to the Central Bank"
    ),
    "The General Prosecutor's Office of the Republic of Azerbaijan": PROSECUTOR,
    "higher educational institutions": "Higher educational institutions",
    "The Human Rights Commissioner of Azerbaijan Republic (Ombudsman)": OMBUDSMAN,
    "Local executive power authorities": "Local executive power authorities",
    "local executive power authorities": "Local executive power authorities",
    "The Ministry of Culture and Tourism": "Ministry of Culture and Tourism",
    "The Ministry of Economy and Industry": "Ministry of Economy and Industry",
    "The Ministry of Education": EDUCATION,
    "The Ministry of Foreign Affairs": FOREIGN,
    "The Ministry of Health": HEALTH,
    "The Ministry of Internal Affairs": INTERNAL,
    "The Ministry of Justice": JUSTICE,
    "The Ministry of Labor and Social Protection of Population": LABOUR,
    "The Ministry of Transport, Communication and High Technologies": TRANSPORT,
    "the Ministry of Transport, Communication and High Technologies": TRANSPORT,
    "The Ministry of Youth and Sports": YOUTH,
    "National Coordinator": COORDINATOR,
    "other related state authorities": "Other related state authorities",
    "The Press Council of Azerbaijan Republic": PRESS_COUNCIL,
    "the related non governmental organizations": NGOS,
    "The State Border Service": BORDER,
    "the State Border Service": BORDER,
    "The State Committee for Family, Woman and Child Problems": FAMILY,
    "The State Customs Committee": CUSTOMS,
    "The State Marine Administration": "State Marine Administration",
    "The State Migration Service": MIGRATION,
    "State Security Service": SECURITY,
    "The Supreme Court of the Republic of Azerbaijan": SUPREME_COURT,
    "«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company": (
        "«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company"
    ),
}


def participants_of(measure: Measure) -> list[tuple[str, str]]:
    return [(p.organisation.name, p.role) for p in measure.participations.select_related("organisation")]


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Direction, Measure, Participation, Organisation, OrganisationAlias)
    }


def database_state() -> dict:
    """Everything an import writes, in a form two snapshots can be compared by."""
    return {
        "counts": table_counts(),
        "plans": sorted(Plan.objects.values_list("title", "country", "start_year", "end_year", "adopted")),
        "directions": sorted(Direction.objects.values_list("plan__title", "number", "title", "position")),
        "measures": sorted(
            Measure.objects.values_list(
                "number", "direction__number", "text", "start_year", "end_year", "recurring", "position"
            )
        ),
        "participations": sorted(
            Participation.objects.values_list("measure__number", "organisation__name", "role", "position")
        ),
        "organisations": sorted(Organisation.objects.values_list("name", "kind", "is_class")),
        "aliases": sorted(OrganisationAlias.objects.values_list("name", "organisation__name")),
    }


def measure_state() -> dict[str, tuple]:
    return {
        m.number: (m.text, m.start_year, m.end_year, m.recurring, participants_of(m))
        for m in Measure.objects.prefetch_related("participations__organisation")
    }


class BundledPlanImportTests(PlanTestCase):
    def test_it_imports_the_plan_with_its_title_country_and_years(self):
        self.assertEqual(
            (self.plan.title, self.plan.country, self.plan.start_year, self.plan.end_year),
            (TITLE, "Azerbaijan", 2014, 2018),
        )

    def test_it_links_the_plan_to_the_predecessor_its_narrative_names(self):
        predecessor = self.plan.predecessor
        self.assertEqual(
            (predecessor.title, predecessor.adopted, predecessor.start_year, predecessor.end_year),
            (
                "the National Action Plan of Azerbaijan Republic on combating trafficking in human beings",
                date(2009, 2, 6),
                2009,
                2013,
            ),
        )
        self.assertEqual(predecessor.measures.count(), 0)

    def test_it_imports_nine_directions_in_order(self):
        self.assertEqual(
            list(self.plan.directions.order_by("position").values_list("number", "title")),
            [
                ("13.1", "The legislative measures in the field of Combating trafficking in human beings"),
                ("13.2", "Prevention of trafficking in human beings and strengthening its prophylaxis"),
                ("13.3", "Criminal prosecution against the crimes of human trafficking"),
                ("13.4", "Rehabilitation and reintegration of the victims of human trafficking"),
                (
                    "13.5",
                    "Improvement of assistances provided for the children being the victim or potential victim of "
                    "the human trafficking and their protection",
                ),
                ("13.6", "Protection of the victims of trafficking in human beings"),
                (
                    "13.7",
                    "Coordination of activities of the participants of the National Action Plan, the support and "
                    "resources on combating trafficking in human beings",
                ),
                ("13.8", "Development of cooperation in the field of Combating trafficking in human beings"),
                ("13.9", "Publicity in respect to combating trafficking in human beings"),
            ],
        )

    def test_it_imports_sixty_measures_in_plan_order_under_their_directions(self):
        measures = list(self.plan.measures.order_by("position").select_related("direction"))
        self.assertEqual([m.number for m in measures], list(DURATIONS))
        self.assertEqual([m.position for m in measures], list(range(1, 61)))
        self.assertEqual([m for m in measures if not m.number.startswith(m.direction.number + ".")], [])

    def test_every_measure_has_the_duration_the_plan_gives_it(self):
        self.assertEqual(
            {m.number: (m.start_year, m.end_year, m.recurring) for m in self.plan.measures.all()}, DURATIONS
        )

    def test_a_measure_text_wrapped_over_lines_is_whole(self):
        self.assertEqual(
            self.measures["13.1.3"].text,
            "Preparation of suggestions in the direction of strengthening the legal and social protection of women "
            "and children included in the vulnerable group with the purpose of decreasing the risk of being the "
            "victim of human trafficking",
        )

    def test_it_records_the_participants_of_each_measure_in_the_plans_order(self):
        expected = {
            "13.1.1": [(CABINET, EXECUTOR), (INTERNAL, EXECUTOR), (JUSTICE, EXECUTOR), (FOREIGN, EXECUTOR)]
            + [(FAMILY, EXECUTOR), (LABOUR, EXECUTOR), (MIGRATION, EXECUTOR)]
            + [(PROSECUTOR, RECOMMENDED), (SUPREME_COURT, RECOMMENDED), (OMBUDSMAN, RECOMMENDED)],
            "13.1.3": [(CABINET, EXECUTOR), (FAMILY, EXECUTOR), (LABOUR, EXECUTOR), (JUSTICE, EXECUTOR)]
            + [(OMBUDSMAN, RECOMMENDED)],
            "13.1.8": [(CABINET, EXECUTOR), (INTERNAL, EXECUTOR), (LABOUR, EXECUTOR), (JUSTICE, EXECUTOR)]
            + [(FAMILY, EXECUTOR)],
            "13.2.3": [(INTERNAL, EXECUTOR), ("Higher educational institutions", EXECUTOR), (NGOS, INVOLVED)],
            "13.2.10": [(INTERNAL, EXECUTOR), (SECURITY, EXECUTOR), (MIGRATION, EXECUTOR), (BORDER, EXECUTOR)]
            + [(CUSTOMS, EXECUTOR), (LABOUR, EXECUTOR), (FAMILY, EXECUTOR), (EDUCATION, EXECUTOR)]
            + [(HEALTH, EXECUTOR), ("Other related state authorities", EXECUTOR)],
            "13.3.4": [(INTERNAL, EXECUTOR), (SECURITY, EXECUTOR), (PROSECUTOR, RECOMMENDED)],
            "13.5.1": [
                ("Authorities of guardianship and patronage", EXECUTOR),
                ("Commissions for affairs of the underage and protection of their rights", EXECUTOR),
            ],
            "13.7.1": [(COORDINATOR, EXECUTOR), (INTERNAL, EXECUTOR)],
            "13.8.6": [(LABOUR, EXECUTOR), (FAMILY, EXECUTOR), (YOUTH, EXECUTOR), (FOREIGN, EXECUTOR)],
            "13.9.1": [(TRANSPORT, INVOLVED), (BORDER, INVOLVED), (CUSTOMS, INVOLVED)]
            + [("Civil Aviation Administration", INVOLVED), ("State Marine Administration", INVOLVED)]
            + [(NGOS, INVOLVED)],
            "13.9.3": [(INTERNAL, EXECUTOR), (LABOUR, EXECUTOR), (FAMILY, EXECUTOR), (HEALTH, EXECUTOR)]
            + [(YOUTH, EXECUTOR)]
            + [("«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company", EXECUTOR)]
            + [(NGOS, INVOLVED)],
            "13.9.4": [(EDUCATION, EXECUTOR), (FAMILY, EXECUTOR), (LABOUR, EXECUTOR), (YOUTH, EXECUTOR)]
            + [(INTERNAL, EXECUTOR)],
        }
        self.assertEqual({number: participants_of(self.measures[number]) for number in expected}, expected)

    def test_the_notes_recommend_each_body_on_exactly_the_items_they_list(self):
        recommended = {}
        for participation in Participation.objects.filter(role=RECOMMENDED).select_related("organisation", "measure"):
            recommended.setdefault(participation.organisation.name, []).append(participation.measure.number)
        self.assertEqual(
            {name: sorted(numbers, key=list(DURATIONS).index) for name, numbers in recommended.items()},
            {
                PROSECUTOR: ["13.1.1", "13.1.7", "13.2.5", "13.3.3", "13.3.4", "13.3.5"]
                + ["13.3.7", "13.3.8", "13.3.9", "13.6.1", "13.8.1"],
                SUPREME_COURT: ["13.1.1", "13.1.7"],
                BAR: ["13.4.1", "13.4.4"],
                OMBUDSMAN: ["13.1.1", "13.1.2", "13.1.3", "13.2.4", "13.8.4"],
                PRESS_COUNCIL: ["13.2.9", "13.9.5"],
            },
        )

    def test_the_bodies_the_notes_recommend_take_part_in_no_other_role(self):
        roles = Participation.objects.filter(
            organisation__name__in=[PROSECUTOR, SUPREME_COURT, BAR, OMBUDSMAN, PRESS_COUNCIL]
        ).values_list("role", flat=True)
        self.assertEqual(set(roles), {RECOMMENDED})

    def test_it_counts_each_participation_once(self):
        self.assertEqual(Participation.objects.filter(measure__plan=self.plan).count(), 239)
        self.assertEqual(
            dict(
                (role, Participation.objects.filter(measure__plan=self.plan, role=role).count())
                for role in (EXECUTOR, INVOLVED, RECOMMENDED)
            ),
            {EXECUTOR: 201, INVOLVED: 16, RECOMMENDED: 22},
        )

    def test_every_spelling_in_the_plan_is_kept_as_an_alias_of_its_organisation(self):
        self.assertEqual(dict(OrganisationAlias.objects.values_list("name", "organisation__name")), ALIASES)

    def test_two_spellings_of_one_body_are_both_aliases_of_it(self):
        transport = Organisation.objects.get(name=TRANSPORT)
        self.assertEqual(
            sorted(transport.aliases.values_list("name", flat=True)),
            [
                "The Ministry of Transport, Communication and High Technologies",
                "the Ministry of Transport, Communication and High Technologies",
            ],
        )

    def test_an_existing_organisation_is_reused_by_its_name(self):
        self.assertEqual(Organisation.objects.get(name=INTERNAL), self.ministry)
        self.assertEqual(Organisation.objects.get(name=COORDINATOR), self.coordinator_org)
        self.assertEqual(Organisation.objects.filter(name__iexact=INTERNAL).count(), 1)

    def test_new_organisations_get_their_kind_and_class_from_their_name(self):
        self.assertEqual(
            {
                name: (o.kind, o.is_class)
                for name in (
                    NGOS,
                    "Local executive power authorities",
                    "Higher educational institutions",
                    "Other related state authorities",
                    PROSECUTOR,
                    OMBUDSMAN,
                    SUPREME_COURT,
                    FAMILY,
                    SECURITY,
                    TRANSPORT,
                )
                for o in [Organisation.objects.get(name=name)]
            },
            {
                NGOS: ("ngo_class", True),
                "Local executive power authorities": ("local_authority_class", True),
                "Higher educational institutions": ("other", True),
                "Other related state authorities": ("other", True),
                PROSECUTOR: ("prosecution", False),
                OMBUDSMAN: ("ombudsman", False),
                SUPREME_COURT: ("court", False),
                FAMILY: ("state_committee", False),
                SECURITY: ("service", False),
                TRANSPORT: ("ministry", False),
            },
        )


class ReimportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_file(BUNDLED_PLAN).plan

    def changed_copy(self, edit) -> Path:
        """The bundled plan, with `edit(lines)` applied, as a file in a temporary directory."""
        lines = BUNDLED_PLAN.read_text(encoding="utf-8-sig").split("\n")
        edit(lines)
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        path = directory / BUNDLED_PLAN.name
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    def test_reimporting_the_same_file_changes_nothing(self):
        state, log_entries = database_state(), LogEntry.objects.count()
        self.assertEqual(log_entries, sum(state["counts"].values()))  # the first import logged every row it wrote
        result = import_plan_file(BUNDLED_PLAN)
        self.assertIs(result.changed, False)
        self.assertEqual(result.summary(), "nothing to do")
        self.assertEqual(result.plan, self.plan)
        self.assertEqual(LogEntry.objects.count(), log_entries)
        self.assertEqual(database_state(), state)

    def test_reimporting_a_changed_file_updates_exactly_what_changed(self):
        def edit(lines):
            [i_text] = [i for i, line in enumerate(lines) if line.startswith("13.1.2.\t")]
            lines[i_text] = lines[i_text].replace("Taking measures for", "Taking urgent measures for")
            [i_body] = [i for i, line in enumerate(lines) if line.startswith("13.7.1.\t")]
            cells = lines[i_body].split("\t")
            cells[2] = "The Ministry of Internal Affairs"
            lines[i_body] = "\t".join(cells)
            [i_gone] = [i for i, line in enumerate(lines) if line.startswith("13.9.7.\t")]
            del lines[i_gone]

        expected = measure_state()
        expected["13.1.2"] = (
            expected["13.1.2"][0].replace("Taking measures for", "Taking urgent measures for"),
            *expected["13.1.2"][1:],
        )
        expected["13.7.1"] = (*expected["13.7.1"][:4], [(INTERNAL, EXECUTOR)])
        del expected["13.9.7"]
        counts = table_counts()

        result = import_plan_file(self.changed_copy(edit))

        self.assertEqual(
            result.summary(), "1 measure deleted, 1 participation deleted, 1 measure updated, 1 participation updated"
        )
        self.assertIs(result.changed, True)
        self.assertEqual(measure_state(), expected)
        self.assertEqual(
            table_counts(),
            {**counts, "Measure": counts["Measure"] - 1, "Participation": counts["Participation"] - 3},
        )

    def test_reimporting_with_an_adoption_date_updates_the_plan_and_says_so(self):
        result = import_plan_file(BUNDLED_PLAN, adopted=date(2014, 7, 24))
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.adopted, date(2014, 7, 24))
        self.assertIs(result.changed, True)


def parsed_plan_failing_in_its_second_direction() -> ParsedPlan:
    """Valid as parsed, but its second direction's measure runs past the plan: saving it fails after the first."""
    return ParsedPlan(
        title=TITLE,
        country="Azerbaijan",
        start_year=2014,
        end_year=2018,
        directions=[
            ParsedDirection(
                "13.1",
                "The legislative measures",
                line=3,
                measures=[
                    ParsedMeasure(
                        "13.1.1", "A new text", 2014, 2015, False, [Participant("The Ministry of Sound", EXECUTOR)], 4
                    )
                ],
            ),
            ParsedDirection(
                "13.2",
                "Prevention",
                line=5,
                measures=[
                    ParsedMeasure(
                        "13.2.1", "Too late", 2019, 2020, False, [Participant("The Ministry of Justice", EXECUTOR)], 6
                    )
                ],
            ),
        ],
    )


class FailedImportChecks:
    """A failed import leaves the database exactly as it was; run on an empty database and on an imported plan."""

    def test_a_note_naming_an_unknown_item_imports_nothing(self):
        state = database_state()
        with self.assertRaises(PlanFormatError) as raised:
            import_plan_file(FIXTURES / "note_unknown_item.txt")
        self.assertEqual(raised.exception.where, "line 10")
        self.assertEqual(raised.exception.message, parsing.NOTE_UNKNOWN_ITEM.format(number="13.9.9"))
        self.assertEqual(database_state(), state)

    def test_a_malformed_second_direction_imports_nothing(self):
        state = database_state()
        with self.assertRaises(PlanFormatError) as raised:
            import_plan_file(FIXTURES / "second_direction_malformed.txt")
        self.assertEqual(raised.exception.where, "line 8")
        self.assertEqual(
            raised.exception.message, parsing.MEASURE_OUTSIDE_DIRECTION.format(number="13.3.2", direction="13.2")
        )
        self.assertEqual(database_state(), state)

    def test_a_failure_while_saving_the_second_direction_undoes_the_first(self):
        state = database_state()
        with self.assertRaises(ValidationError) as raised:
            plan_import(parsed=parsed_plan_failing_in_its_second_direction())
        self.assertEqual(raised.exception.messages, [MEASURE_YEARS_OUTSIDE_PLAN.format(start=2014, end=2018)])
        self.assertEqual(database_state(), state)
        self.assertFalse(Organisation.objects.filter(name="Ministry of Sound").exists())


class FailedImportIntoEmptyDatabaseTests(FailedImportChecks, TestCase):
    def test_the_database_starts_empty(self):
        self.assertEqual(set(table_counts().values()), {0})


class FailedImportOverImportedPlanTests(FailedImportChecks, TestCase):
    @classmethod
    def setUpTestData(cls):
        import_plan_file(BUNDLED_PLAN)

    def test_the_plan_is_there_before(self):
        self.assertEqual(
            table_counts(),
            {
                "Plan": 2,
                "Direction": 9,
                "Measure": 60,
                "Participation": 239,
                "Organisation": 32,
                "OrganisationAlias": 35,
            },
        )

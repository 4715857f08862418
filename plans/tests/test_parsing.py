"""parse_plan_text on small fixtures in the seed's format: one fixture per trap, one per way of being malformed."""

from pathlib import Path

from django.test import TestCase

from plans import bodies, parsing
from plans.bodies import EXECUTOR, INVOLVED, RECOMMENDED, canonical_name, organisation_kind
from plans.parsing import PlanFormatError, parse_plan_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLE = (
    "The National Action Plan for the years 2014-2018 on combatting trafficking in human beings in Azerbaijan Republic"
)
PROSECUTOR = "The General Prosecutor's Office of the Republic of Azerbaijan"
OMBUDSMAN = "The Human Rights Commissioner of Azerbaijan Republic (Ombudsman)"
PRESS_COUNCIL = "The Press Council of Azerbaijan Republic"


def parse(name: str):
    return parse_plan_text((FIXTURES / name).read_text(encoding="utf-8"))


def participants(measure) -> list[tuple[str, str]]:
    return [(p.spelling, p.role) for p in measure.participants]


def measures_by_number(plan) -> dict:
    return {measure.number: measure for measure in plan.measures}


class ParsePlanTextTests(TestCase):
    def test_it_reads_the_title_years_and_country_from_the_first_line(self):
        plan = parse("durations.txt")
        self.assertEqual(plan.title, TITLE)
        self.assertEqual((plan.start_year, plan.end_year), (2014, 2018))
        self.assertEqual(plan.country, "Azerbaijan")
        self.assertEqual([(d.number, d.title) for d in plan.directions], [("13.1", "Legislative measures")])

    def test_a_continuation_line_continues_each_column_of_the_row_above(self):
        measures = measures_by_number(parse("continuation.txt"))
        self.assertEqual(list(measures), ["13.1.1", "13.1.2"])
        self.assertEqual(
            measures["13.1.2"].text,
            "Establishment of special institution for the victims, funding, activities of it and as well as "
            "improvement of Rules of control over them",
        )
        self.assertEqual(
            participants(measures["13.1.2"]),
            [
                ("The Cabinet of Ministers", EXECUTOR),
                ("The Ministry of Labor and Social Protection of Population", EXECUTOR),
                ("The Ministry of Justice", EXECUTOR),
            ],
        )
        self.assertEqual((measures["13.1.2"].start_year, measures["13.1.2"].end_year), (2015, 2017))
        self.assertEqual(measures["13.1.2"].line, 7)

    def test_it_rejoins_a_word_split_across_the_break_with_one_space(self):
        measure = measures_by_number(parse("continuation.txt"))["13.1.1"]
        self.assertEqual(
            measure.text,
            "Preparation of suggestions on the protection of women and children included in the vulnerable group "
            "with the purpose of decreasing the risk",
        )
        self.assertEqual(
            participants(measure), [("The Cabinet of Ministers", EXECUTOR), ("The Ministry of Justice", EXECUTOR)]
        )
        self.assertEqual((measure.start_year, measure.end_year, measure.recurring), (2015, 2015, False))
        self.assertEqual(measure.line, 4)

    def test_a_direction_heading_that_wraps_after_an_empty_line_is_one_title(self):
        plan = parse("wrapped_direction.txt")
        self.assertEqual(
            [(d.number, d.title, [m.number for m in d.measures]) for d in plan.directions],
            [
                (
                    "13.7",
                    "Coordination of activities of the participants of the National Action Plan, the support and "
                    "resources on combating trafficking in human beings",
                    ["13.7.1"],
                ),
                ("13.8", "Development of cooperation", ["13.8.1"]),
            ],
        )

    def test_body_names_containing_commas_are_not_split(self):
        measure = parse("commas_in_names.txt").measures[0]
        self.assertEqual(
            participants(measure),
            [
                ("The Cabinet of Ministers", EXECUTOR),
                ("The State Committee for Family, Woman and Child Problems", EXECUTOR),
                ("The Ministry of Transport, Communication and High Technologies", EXECUTOR),
                ("State Security Service", EXECUTOR),
            ],
        )

    def test_bodies_after_by_involving_mid_cell_are_involved_and_those_before_stay_executors(self):
        measure = measures_by_number(parse("involving.txt"))["13.1.1"]
        self.assertEqual(
            participants(measure),
            [
                ("The Ministry of Internal Affairs", EXECUTOR),
                ("higher educational institutions", EXECUTOR),
                ("the related non governmental organizations", INVOLVED),
            ],
        )

    def test_a_cell_starting_with_by_involving_makes_every_participant_involved(self):
        measure = measures_by_number(parse("involving.txt"))["13.1.2"]
        self.assertEqual(
            participants(measure),
            [
                ("the Ministry of Transport, Communication and High Technologies", INVOLVED),
                ("The State Border Service", INVOLVED),
                ("the related non governmental organizations", INVOLVED),
            ],
        )

    def test_classes_of_bodies_are_read_as_participants_with_class_kinds(self):
        measures = measures_by_number(parse("classes.txt"))
        spellings = [p.spelling for number in ("13.1.1", "13.1.2") for p in measures[number].participants]
        self.assertEqual(
            spellings,
            [
                "other related state authorities",
                "local executive power authorities",
                "higher educational institutions",
                "The authorities of guardianship and patronage",
                "the commissions for affairs of the underage and protection of their rights",
            ],
        )
        self.assertEqual(
            [(canonical_name(s), organisation_kind(canonical_name(s))) for s in spellings],
            [
                ("Other related state authorities", ("other", True)),
                ("Local executive power authorities", ("local_authority_class", True)),
                ("Higher educational institutions", ("other", True)),
                ("Authorities of guardianship and patronage", ("local_authority_class", True)),
                (
                    "Commissions for affairs of the underage and protection of their rights",
                    ("local_authority_class", True),
                ),
            ],
        )
        for spelling in spellings:
            kind, _ = organisation_kind(canonical_name(spelling))
            self.assertEqual(kind, bodies.ORGANISATION_CLASSES[canonical_name(spelling).lower()])

    def test_a_body_and_other_related_state_authorities_are_two_participants(self):
        measure = parse("and_other_authorities.txt").measures[0]
        self.assertEqual(
            participants(measure),
            [("The Ministry of Health", EXECUTOR), ("other related state authorities", EXECUTOR)],
        )

    def test_a_trailing_comma_in_a_cell_is_noise(self):
        measures = measures_by_number(parse("trailing_comma.txt"))
        self.assertEqual(
            participants(measures["13.1.1"]),
            [("The Ministry of Internal Affairs", EXECUTOR), ("State Security Service", EXECUTOR)],
        )
        self.assertEqual(
            participants(measures["13.1.2"]),
            [("The Ministry of Youth and Sports", EXECUTOR), ("The Ministry of Foreign Affairs", EXECUTOR)],
        )

    def test_it_reads_regular_single_year_and_spans_of_years_as_durations(self):
        measures = parse("durations.txt").measures
        self.assertEqual(
            [(m.number, m.start_year, m.end_year, m.recurring) for m in measures],
            [
                ("13.1.1", None, None, True),
                ("13.1.2", 2015, 2015, False),
                ("13.1.3", 2014, 2016, False),
                ("13.1.4", 2014, 2017, False),
            ],
        )

    def test_notes_recommend_a_body_on_exactly_the_listed_and_expanded_items(self):
        plan = parse("notes.txt")
        recommended = {m.number: [p.spelling for p in m.participants if p.role == RECOMMENDED] for m in plan.measures}
        self.assertEqual(
            recommended,
            {
                "13.1.1": [OMBUDSMAN],
                "13.1.2": [PROSECUTOR, OMBUDSMAN],
                "13.1.3": [OMBUDSMAN],
                "13.1.4": [PRESS_COUNCIL],
                "13.3.1": [PRESS_COUNCIL],
                "13.3.2": [],
                "13.3.3": [PROSECUTOR],
                "13.3.4": [PROSECUTOR],
                "13.3.5": [PROSECUTOR],
                "13.3.6": [PROSECUTOR],
            },
        )

    def test_notes_leave_the_executors_of_the_table_in_place(self):
        measure = measures_by_number(parse("notes.txt"))["13.1.2"]
        self.assertEqual(
            participants(measure),
            [("The Ministry of Justice", EXECUTOR), (PROSECUTOR, RECOMMENDED), (OMBUDSMAN, RECOMMENDED)],
        )


class MalformedPlanTextTests(TestCase):
    def assertRejected(self, name: str, where: str, message: str):
        with self.assertRaises(PlanFormatError) as raised:
            parse(name)
        self.assertEqual((raised.exception.where, raised.exception.message), (where, message))
        self.assertEqual(str(raised.exception), f"{where}: {message}")

    def test_it_rejects_a_row_with_too_many_columns(self):
        self.assertRejected("too_many_columns.txt", "line 5", parsing.TOO_MANY_COLUMNS.format(n=5))

    def test_it_rejects_a_first_cell_that_is_neither_a_direction_nor_a_measure_number(self):
        self.assertRejected("unknown_first_cell.txt", "line 5", parsing.UNEXPECTED_FIRST_CELL.format(text="Total"))

    def test_it_rejects_a_measure_outside_its_direction(self):
        self.assertRejected(
            "measure_outside_direction.txt",
            "line 5",
            parsing.MEASURE_OUTSIDE_DIRECTION.format(number="13.2.1", direction="13.1"),
        )

    def test_it_rejects_a_measure_number_that_appears_twice(self):
        self.assertRejected(
            "duplicate_number.txt", "line 6", parsing.DUPLICATE_NUMBER.format(number="13.1.1", first="line 4")
        )

    def test_it_rejects_a_duration_that_is_not_years(self):
        self.assertRejected(
            "duration_soon.txt", "line 5", parsing.DURATION_INVALID.format(number="13.1.2", text="soon")
        )

    def test_it_rejects_a_duration_outside_the_plans_years(self):
        self.assertRejected(
            "duration_outside_plan.txt",
            "line 5",
            parsing.DURATION_OUTSIDE_PLAN.format(number="13.1.2", text="2019", start=2014, end=2018),
        )

    def test_it_rejects_a_duration_that_ends_before_it_starts(self):
        self.assertRejected(
            "duration_reversed.txt", "line 5", parsing.DURATION_INVALID.format(number="13.1.2", text="2016-2014")
        )

    def test_it_rejects_a_measure_without_bodies(self):
        self.assertRejected("missing_bodies.txt", "line 5", f"measure 13.1.2: {bodies.BODIES_EMPTY}")

    def test_it_rejects_a_note_naming_an_item_that_is_not_a_measure(self):
        self.assertRejected("note_unknown_item.txt", "line 10", parsing.NOTE_UNKNOWN_ITEM.format(number="13.9.9"))

    def test_it_rejects_a_note_whose_range_runs_backwards(self):
        self.assertRejected(
            "note_reversed_range.txt", "line 10", parsing.NOTE_BAD_RANGE.format(first="13.1.3", last="13.1.1")
        )

    def test_it_rejects_a_file_without_the_table_header_at_its_last_line(self):
        # The file has 5 lines; the header was looked for down to the last of them.
        self.assertEqual(len((FIXTURES / "no_header.txt").read_text(encoding="utf-8").splitlines()), 5)
        self.assertRejected("no_header.txt", "line 5", parsing.TABLE_MISSING)

    def test_it_rejects_a_title_without_years(self):
        self.assertRejected("title_without_years.txt", "line 1", parsing.TITLE_WITHOUT_YEARS)

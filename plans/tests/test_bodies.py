"""How bodies cells are split into participants, named and classified: plain unit tests, no database."""

from django.test import SimpleTestCase

from plans.bodies import (
    BODIES_EMPTY,
    BODY_NOT_A_NAME,
    EXECUTOR,
    INVOLVED,
    ORGANISATION_CLASSES,
    RECOMMENDED,
    BodiesError,
    canonical_name,
    format_listed_bodies,
    organisation_kind,
    split_bodies,
    split_listed_bodies,
)

HEALTH_AND_OTHERS = "The Ministry of Health and other related state authorities"


def pairs(participants) -> list[tuple[str, str]]:
    return [(p.spelling, p.role) for p in participants]


class SplitBodiesTests(SimpleTestCase):
    def test_it_splits_a_cell_at_its_commas_keeping_the_spellings(self):
        self.assertEqual(
            pairs(split_bodies("The Cabinet of Ministers, The Ministry of Internal Affairs, State Security Service")),
            [
                ("The Cabinet of Ministers", EXECUTOR),
                ("The Ministry of Internal Affairs", EXECUTOR),
                ("State Security Service", EXECUTOR),
            ],
        )

    def test_it_keeps_names_whose_enumeration_contains_commas_whole(self):
        self.assertEqual(
            pairs(
                split_bodies(
                    "The State Committee for Family, Woman and Child Problems, The Ministry of Transport, "
                    "Communication and High Technologies, The Ministry of Education"
                )
            ),
            [
                ("The State Committee for Family, Woman and Child Problems", EXECUTOR),
                ("The Ministry of Transport, Communication and High Technologies", EXECUTOR),
                ("The Ministry of Education", EXECUTOR),
            ],
        )

    def test_it_does_not_glue_a_following_body_onto_a_name_ending_in_of_something(self):
        self.assertEqual(
            pairs(split_bodies("The Ministry of Health, State Security Service")),
            [("The Ministry of Health", EXECUTOR), ("State Security Service", EXECUTOR)],
        )

    def test_bodies_from_by_involving_on_are_involved(self):
        self.assertEqual(
            pairs(
                split_bodies(
                    "The Ministry of Internal Affairs, higher educational institutions, by involving the related non "
                    "governmental organizations, The Ministry of Health"
                )
            ),
            [
                ("The Ministry of Internal Affairs", EXECUTOR),
                ("higher educational institutions", EXECUTOR),
                ("the related non governmental organizations", INVOLVED),
                ("The Ministry of Health", INVOLVED),
            ],
        )

    def test_a_cell_opening_with_by_involving_makes_everyone_involved(self):
        self.assertEqual(
            pairs(split_bodies("By involving the State Border Service, The State Customs Committee")),
            [("the State Border Service", INVOLVED), ("The State Customs Committee", INVOLVED)],
        )

    def test_a_body_and_other_related_state_authorities_are_two_participants(self):
        self.assertEqual(
            pairs(split_bodies(f"The Ministry of Education, {HEALTH_AND_OTHERS}")),
            [
                ("The Ministry of Education", EXECUTOR),
                ("The Ministry of Health", EXECUTOR),
                ("other related state authorities", EXECUTOR),
            ],
        )

    def test_trailing_and_doubled_commas_and_extra_spaces_are_noise(self):
        self.assertEqual(
            pairs(split_bodies("  The Ministry of Internal Affairs,,   State Security  Service, ")),
            [("The Ministry of Internal Affairs", EXECUTOR), ("State Security Service", EXECUTOR)],
        )

    def test_the_default_role_applies_until_by_involving(self):
        self.assertEqual(
            pairs(split_bodies("The Supreme Court of the Republic of Azerbaijan", default_role=RECOMMENDED)),
            [("The Supreme Court of the Republic of Azerbaijan", RECOMMENDED)],
        )

    def test_an_empty_cell_is_rejected(self):
        with self.assertRaisesMessage(BodiesError, BODIES_EMPTY):
            split_bodies(" , ")

    def test_years_in_the_bodies_column_are_rejected(self):
        with self.assertRaises(BodiesError) as raised:
            split_bodies("The Ministry of Justice, 2014-2016")
        self.assertEqual(str(raised.exception), BODY_NOT_A_NAME.format(text="2014-2016"))

    def test_regular_in_the_bodies_column_is_rejected(self):
        with self.assertRaises(BodiesError) as raised:
            split_bodies("regular")
        self.assertEqual(str(raised.exception), BODY_NOT_A_NAME.format(text="regular"))


class CanonicalNameTests(SimpleTestCase):
    def test_it_drops_the_leading_article_and_capitalises(self):
        self.assertEqual(canonical_name("The Ministry of Justice"), "Ministry of Justice")
        self.assertEqual(
            canonical_name("the related non governmental organizations"), "Related non governmental organizations"
        )
        self.assertEqual(canonical_name("local executive power authorities"), "Local executive power authorities")

    def test_it_collapses_spaces_and_drops_a_final_full_stop(self):
        self.assertEqual(canonical_name("  The   Ministry of\tJustice. "), "Ministry of Justice")

    def test_a_word_merely_starting_with_the_is_kept(self):
        self.assertEqual(canonical_name("Theatre Union"), "Theatre Union")

    def test_a_name_without_an_article_is_unchanged(self):
        self.assertEqual(canonical_name("State Security Service"), "State Security Service")
        self.assertEqual(
            canonical_name("«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company"),
            "«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company",
        )


class OrganisationKindTests(SimpleTestCase):
    def test_the_plans_classes_of_bodies_are_classes_of_their_kind(self):
        names = {
            "Other related state authorities": "other",
            "Local executive power authorities": "local_authority_class",
            "Higher educational institutions": "other",
            "Commissions for affairs of the underage and protection of their rights": "local_authority_class",
            "Authorities of guardianship and patronage": "local_authority_class",
            "Related non governmental organizations": "ngo_class",
        }
        self.assertEqual({name: organisation_kind(name) for name in names}, {n: (k, True) for n, k in names.items()})
        self.assertEqual({name.lower(): kind for name, kind in names.items()}, ORGANISATION_CLASSES)

    def test_single_bodies_get_their_kind_from_their_name(self):
        self.assertEqual(
            {
                name: organisation_kind(name)
                for name in (
                    "Ministry of Internal Affairs",
                    "State Committee for Family, Woman and Child Problems",
                    "State Customs Committee",
                    "State Security Service",
                    "Civil Aviation Administration",
                    "General Prosecutor's Office of the Republic of Azerbaijan",
                    "Supreme Court of the Republic of Azerbaijan",
                    "Human Rights Commissioner of Azerbaijan Republic (Ombudsman)",
                    "Press Council of Azerbaijan Republic",
                    "«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company",
                    "Cabinet of Ministers",
                    "Bar Association of the Republic of Azerbaijan",
                )
            },
            {
                "Ministry of Internal Affairs": ("ministry", False),
                "State Committee for Family, Woman and Child Problems": ("state_committee", False),
                "State Customs Committee": ("state_committee", False),
                "State Security Service": ("service", False),
                "Civil Aviation Administration": ("service", False),
                "General Prosecutor's Office of the Republic of Azerbaijan": ("prosecution", False),
                "Supreme Court of the Republic of Azerbaijan": ("court", False),
                "Human Rights Commissioner of Azerbaijan Republic (Ombudsman)": ("ombudsman", False),
                "Press Council of Azerbaijan Republic": ("media", False),
                "«Azerbaijan Television and radio Broadcasting» Closed Joint Stock Company": ("media", False),
                "Cabinet of Ministers": ("other", False),
                "Bar Association of the Republic of Azerbaijan": ("other", False),
            },
        )

    def test_the_class_lookup_ignores_case(self):
        self.assertEqual(organisation_kind("LOCAL EXECUTIVE POWER AUTHORITIES"), ("local_authority_class", True))


class ListedBodiesTests(SimpleTestCase):
    def test_it_splits_a_spreadsheet_cell_at_semicolons_with_role_prefixes(self):
        self.assertEqual(
            pairs(
                split_listed_bodies(
                    "Ministry of Transport, Communication and High Technologies; by involving Related non "
                    "governmental organizations;; recommended: Supreme Court of the Republic of Azerbaijan; "
                )
            ),
            [
                ("Ministry of Transport, Communication and High Technologies", EXECUTOR),
                ("Related non governmental organizations", INVOLVED),
                ("Supreme Court of the Republic of Azerbaijan", RECOMMENDED),
            ],
        )

    def test_a_cell_without_semicolons_is_read_like_a_plan_cell(self):
        self.assertEqual(
            pairs(split_listed_bodies("The Ministry of Health, State Security Service")),
            [("The Ministry of Health", EXECUTOR), ("State Security Service", EXECUTOR)],
        )

    def test_a_cell_of_only_semicolons_is_rejected(self):
        with self.assertRaisesMessage(BodiesError, BODIES_EMPTY):
            split_listed_bodies(" ; ;")

    def test_it_formats_roles_as_prefixes(self):
        self.assertEqual(
            format_listed_bodies(
                [
                    ("Ministry of Internal Affairs", EXECUTOR),
                    ("Related non governmental organizations", INVOLVED),
                    ("Supreme Court of the Republic of Azerbaijan", RECOMMENDED),
                ]
            ),
            "Ministry of Internal Affairs; by involving Related non governmental organizations; "
            "recommended: Supreme Court of the Republic of Azerbaijan",
        )

    def assertRoundTrip(self, participants: list[tuple[str, str]]):
        self.assertEqual(pairs(split_listed_bodies(format_listed_bodies(participants))), participants)

    def test_it_reads_back_what_it_formats_for_several_roles_and_commas_in_names(self):
        self.assertRoundTrip(
            [
                ("Ministry of Internal Affairs", EXECUTOR),
                ("State Committee for Family, Woman and Child Problems", EXECUTOR),
                ("Ministry of Transport, Communication and High Technologies", INVOLVED),
                ("Related non governmental organizations", INVOLVED),
                ("General Prosecutor's Office of the Republic of Azerbaijan", RECOMMENDED),
            ]
        )

    def test_it_reads_back_a_single_executor_whose_name_has_commas(self):
        self.assertRoundTrip([("Ministry of Transport, Communication and High Technologies", EXECUTOR)])

    def test_it_reads_back_a_single_involved_body(self):
        self.assertRoundTrip([("Related non governmental organizations", INVOLVED)])

    def test_it_reads_back_a_single_recommended_body(self):
        self.assertRoundTrip([("Supreme Court of the Republic of Azerbaijan", RECOMMENDED)])

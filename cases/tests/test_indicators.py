"""The ILO/EC indicator assessment (cases.indicators): the dimension rule, the victim rules, the explanation, the data.

Plain Python: no database. Indicator grades used below are those of the packaged data (adult_labour: DR-01 strong,
DR-02..DR-09 medium, DR-10 weak; child_labour grades CR-02 strong where adult_labour grades it medium).
"""

import copy
import dataclasses
import json
import re

import pytest

from cases import indicators
from cases.indicators import (
    CONCLUSIONS,
    DEFAULT_DATA_FILE,
    GRADES,
    NOT_SUFFICIENT,
    PRESUMED_VICTIM,
    IndicatorDataError,
    assess,
    load_indicator_set,
)

SIX_DIMENSIONS = ["DR", "CR", "RAV", "EXP", "CD", "AVD"]
PROFILES = ["adult_labour", "adult_sexual", "child_labour", "child_sexual"]

# Sets of adult_labour / child_labour indicators that make one dimension positive.
DR = {"DR-01", "DR-02"}  # 1 strong + 1 medium
CR = {"CR-01", "CR-02"}  # adult: 1 strong + 1 medium
RAV = {"RAV-01", "RAV-02", "RAV-03"}  # 3 medium (no strong RAV indicator for adults)
EXP = {"EXP-01", "EXP-02"}  # 1 strong + 1 medium
CD = {"CD-01", "CD-02"}  # 2 strong
AVD = {"AVD-01", "AVD-02", "AVD-03"}  # 3 medium


def raw_data() -> dict:
    return json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))


def dimension(profile: str, present: set[str], code: str):
    return assess(profile=profile, present=present).dimension(code)


# --- the dimension rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "code", "branch", "rule"),
    [
        ({"CD-01", "CD-02"}, "CD", "a", "2 strong indicators"),
        ({"DR-01", "DR-02"}, "DR", "b", "1 strong and 1 medium or weak indicator"),
        ({"DR-01", "DR-10"}, "DR", "b", "1 strong and 1 medium or weak indicator"),
        ({"DR-02", "DR-03", "DR-04"}, "DR", "c", "3 medium indicators"),
        ({"DR-02", "DR-03", "DR-10"}, "DR", "d", "2 medium and 1 weak indicator"),
    ],
)
def test_each_branch_of_the_dimension_rule_makes_the_dimension_positive(present, code, branch, rule):
    result = dimension("adult_labour", present, code)
    assert result.positive
    assert (result.branch, result.rule) == (branch, rule)
    assert result.present == tuple(sorted(present))


@pytest.mark.parametrize(
    ("present", "code", "counts"),
    [
        ({"DR-01"}, "DR", (1, 0, 0)),  # 1 strong alone
        ({"DR-02", "DR-03"}, "DR", (0, 2, 0)),  # 2 medium alone
        ({"AVD-01", "AVD-06", "AVD-07"}, "AVD", (0, 1, 2)),  # 1 medium + 2 weak
        ({"RAV-15", "RAV-16"}, "RAV", (0, 0, 2)),  # 2 weak
        ({"DR-10"}, "DR", (0, 0, 1)),  # 1 weak
    ],
)
def test_near_misses_of_the_dimension_rule_leave_the_dimension_negative(present, code, counts):
    result = dimension("adult_labour", present, code)
    assert not result.positive
    assert result.branch is None and result.rule is None
    assert (result.strong, result.medium, result.weak) == counts


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "branch"),
    [
        (2, 0, 0, "a"),
        (1, 1, 0, "b"),
        (1, 0, 1, "b"),
        (0, 3, 0, "c"),
        (0, 2, 1, "d"),
        (1, 0, 0, None),
        (0, 2, 0, None),
        (0, 1, 2, None),
        (0, 0, 3, None),
        (0, 1, 5, None),
        (0, 0, 0, None),
    ],
)
def test_the_dimension_rule_on_counts_follows_the_four_branches_exactly(strong, medium, weak, branch):
    matched = indicators.indicator_set().matching_branch({"strong": strong, "medium": medium, "weak": weak})
    assert (matched.branch if matched else None) == branch


def test_the_grade_of_an_indicator_depends_on_the_profile():
    # CR-02 and CR-03 are strong for children, medium for adults.
    assert dimension("child_labour", {"CR-02", "CR-03"}, "CR").branch == "a"
    assert not dimension("adult_labour", {"CR-02", "CR-03"}, "CR").positive


def test_the_thresholds_are_read_from_the_data_file(tmp_path):
    data = raw_data()
    branch_c = next(b for b in data["thresholds"]["dimension_positive_if_any"] if b["branch"] == "c")
    branch_c["at_least"][0]["count"] = 4
    branch_c["description"] = "4 medium indicators"
    path = tmp_path / "stricter.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    stricter = load_indicator_set(path)
    three = stricter.assess(profile="adult_labour", present={"DR-02", "DR-03", "DR-04"}).dimension("DR")
    four = stricter.assess(profile="adult_labour", present={"DR-02", "DR-03", "DR-04", "DR-05"}).dimension("DR")
    assert not three.positive
    assert (four.branch, four.rule) == ("c", "4 medium indicators")


# --- the victim rule for adults -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("recruitment", "code"), [(DR, "DR"), (CR, "CR"), (RAV, "RAV")])
def test_any_of_the_three_recruitment_dimensions_satisfies_the_adult_rule(recruitment, code):
    result = assess(profile="adult_labour", present=recruitment | EXP | CD)
    assert result.positive_dimensions == tuple(c for c in SIX_DIMENSIONS if c in {code, "EXP", "CD"})
    assert result.victim_rule == "adult"
    assert result.victim_rule_met
    assert result.conclusion == PRESUMED_VICTIM


def test_abuse_of_vulnerability_at_destination_can_stand_in_for_coercion_at_destination():
    result = assess(profile="adult_labour", present=DR | EXP | AVD)
    assert result.positive_dimensions == ("DR", "EXP", "AVD")
    assert result.victim_rule_met


@pytest.mark.parametrize(
    "present",
    [DR | CD, DR | CD | {"EXP-01"}],
    ids=["no exploitation indicator", "exploitation indicator below the threshold"],
)
def test_the_adult_rule_fails_without_a_positive_exploitation_dimension(present):
    result = assess(profile="adult_labour", present=present)
    assert "EXP" not in result.positive_dimensions
    assert not result.victim_rule_met
    assert result.conclusion == NOT_SUFFICIENT


def test_the_adult_rule_fails_without_coercion_or_abuse_of_vulnerability_at_destination():
    result = assess(profile="adult_labour", present=DR | CR | RAV | EXP | {"CD-05", "AVD-01"})
    assert result.positive_dimensions == ("DR", "CR", "RAV", "EXP")
    assert not result.victim_rule_met
    assert result.conclusion == NOT_SUFFICIENT


def test_the_adult_rule_fails_without_a_recruitment_dimension_even_with_a_documented_act():
    result = assess(profile="adult_labour", present=EXP | CD, act_documented=True)
    assert not result.victim_rule_met


# --- the victim rule for children -----------------------------------------------------------------------------------


def test_the_child_rule_needs_no_means_at_destination():
    result = assess(profile="child_labour", present=EXP | DR)
    assert result.positive_dimensions == ("DR", "EXP")
    assert result.victim_rule == "child"
    assert result.victim_rule_met
    assert result.conclusion == PRESUMED_VICTIM


def test_the_same_indicators_do_not_meet_the_adult_rule():
    assert not assess(profile="adult_labour", present=EXP | DR).victim_rule_met


def test_a_documented_act_and_exploitation_meet_the_child_rule():
    result = assess(profile="child_labour", present=EXP, act_documented=True)
    assert result.positive_dimensions == ("EXP",)
    assert result.victim_rule_met


def test_exploitation_alone_does_not_meet_the_child_rule():
    result = assess(profile="child_labour", present=EXP)
    assert not result.victim_rule_met
    assert result.conclusion == NOT_SUFFICIENT


@pytest.mark.parametrize("act_documented", [False, True])
def test_recruitment_and_coercion_without_exploitation_do_not_meet_the_child_rule(act_documented):
    result = assess(profile="child_labour", present=DR | CR | CD, act_documented=act_documented)
    assert result.positive_dimensions == ("DR", "CR", "CD")
    assert not result.victim_rule_met


# --- the explanation and the conclusion -----------------------------------------------------------------------------


def test_the_explanation_names_each_positive_dimension_and_its_rule_branch():
    result = assess(profile="adult_labour", present=DR | EXP | CD | {"AVD-01"})
    text = "\n".join(result.explanation)
    assert "Deceptive recruitment (DR) is positive: 1 strong and 1 medium or weak indicator (rule b" in text
    assert "Exploitative conditions (EXP) is positive: 1 strong and 1 medium or weak indicator (rule b" in text
    assert "Coercion at destination (CD) is positive: 2 strong indicators (rule a" in text
    assert "DR-01 Deceived about the nature of the job, location or employer (strong)" in text
    assert "Abuse of vulnerability at destination (AVD) is not positive: found 0 strong, 1 medium and 0 weak" in text
    assert (
        "No indicator is present for: Coercive recruitment (CR), Recruitment by abuse of vulnerability (RAV)." in text
    )
    assert "The victim rule for adults is met" in text
    assert f"Conclusion: {PRESUMED_VICTIM}." in result.explanation


def test_the_explanation_says_which_part_of_the_victim_rule_is_missing():
    result = assess(profile="adult_labour", present=DR | CD)
    text = "\n".join(result.explanation)
    assert "The victim rule for adults is not met. Missing: exploitative conditions (needs EXP positive)." in text
    assert "Met: recruitment by deception, coercion or abuse of vulnerability (DR);" in text


def test_the_explanation_of_a_child_says_the_means_are_not_required():
    result = assess(profile="child_labour", present=EXP, act_documented=True)
    text = "\n".join(result.explanation)
    assert "The victim rule for children (under 18) is met" in text
    assert "documented act" in text
    assert "means (deception, coercion, abuse of vulnerability) are not required" in text


@pytest.mark.parametrize(
    ("profile", "present", "act_documented"),
    [
        ("adult_labour", DR | EXP | CD, False),
        ("adult_labour", DR, False),
        ("child_labour", EXP, True),
        ("child_labour", set(), False),
        ("adult_sexual", set(), False),
    ],
)
def test_the_conclusion_never_says_identified_and_the_legal_status_is_left_to_the_authority(
    profile, present, act_documented
):
    result = assess(profile=profile, present=present, act_documented=act_documented)
    assert result.conclusion in CONCLUSIONS
    assert result.conclusion == (PRESUMED_VICTIM if result.victim_rule_met else NOT_SUFFICIENT)
    assert "identified" not in result.conclusion.lower()
    assert not any("identified" in sentence.lower() for sentence in result.explanation)
    assert any("decided by the competent authority" in sentence for sentence in result.explanation)


def test_an_assessment_records_its_data_version_and_cannot_be_changed():
    result = assess(profile="adult_labour", present=DR)
    assert result.version == raw_data()["version"] == "ilo-ec-2009.1"
    assert assess(profile="adult_labour", present=DR, version="ilo-ec-2009.1") == result
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.conclusion = PRESUMED_VICTIM


@pytest.mark.parametrize("profile", ["adult_sexual", "child_sexual"])
def test_a_profile_without_indicator_lists_says_its_dimensions_cannot_be_assessed(profile):
    result = assess(profile=profile, present=set())
    assert [r.assessable for r in result.dimensions] == [False] * 6
    assert all(r.reason.startswith("cannot be assessed for this profile") for r in result.dimensions)
    assert any(s.startswith("Cannot be assessed for this profile") and "(AVD)" in s for s in result.explanation)
    assert result.conclusion == NOT_SUFFICIENT


# --- codes that do not belong -------------------------------------------------------------------------------------


def test_an_unknown_indicator_code_is_rejected_by_name():
    with pytest.raises(ValueError, match=r"'XX-99' is not an indicator code"):
        assess(profile="adult_labour", present={"DR-01", "XX-99"})


def test_a_code_from_another_profile_is_rejected_by_name():
    # RAV-08 ("False information about law, attitude of authorities") is only in the adult list.
    with pytest.raises(ValueError, match=r"RAV-08 is an indicator of adult_labour, not of child_labour"):
        assess(profile="child_labour", present={"RAV-08"})
    with pytest.raises(ValueError, match=r"DR-01 is an indicator of adult_labour, child_labour, not of adult_sexual"):
        assess(profile="adult_sexual", present={"DR-01"})


def test_an_unknown_profile_or_version_is_rejected():
    with pytest.raises(ValueError, match=r"unknown profile 'adult'"):
        assess(profile="adult", present=set())
    with pytest.raises(ValueError, match=r"unknown indicator data version 'ilo-ec-2099.9'"):
        assess(profile="adult_labour", present=set(), version="ilo-ec-2099.9")


def test_a_single_string_is_not_taken_for_a_set_of_codes():
    with pytest.raises(TypeError):
        assess(profile="adult_labour", present="DR-01")


# --- the packaged data ----------------------------------------------------------------------------------------------


def test_the_data_file_states_version_source_and_open_points():
    data = raw_data()
    assert data["version"] == "ilo-ec-2009.1"
    assert "wcms_105023.pdf" in data["source"]["primary"]["pdf"]
    points = " ".join(point["text"] for point in data["open_points"])
    assert "adult_sexual" in points and "child_sexual" in points
    assert "Check each grade against WCMS_105023" in points


def test_every_profile_has_the_six_dimensions_valid_grades_and_unique_codes():
    data = raw_data()
    assert [d["code"] for d in data["dimensions"]] == SIX_DIMENSIONS
    assert sorted(data["profiles"]) == PROFILES
    for name, profile in data["profiles"].items():
        assert list(profile["dimensions"]) == SIX_DIMENSIONS, name
        codes = []
        for code, items in profile["dimensions"].items():
            for item in items:
                assert re.fullmatch(rf"{code}-\d\d", item["code"]), item
                assert item["grade"] in GRADES, item
                assert item["text"].strip(), item
                codes.append(item["code"])
        assert len(codes) == len(set(codes)), name


def test_the_labour_lists_are_transcribed_in_full_and_the_sexual_lists_are_left_empty():
    counts = {
        name: [len(indicators.indicator_set().profile(name).indicators_in(code)) for code in SIX_DIMENSIONS]
        for name in PROFILES
    }
    assert counts == {
        "adult_labour": [10, 10, 16, 9, 15, 7],  # 67, the ILO count
        "child_labour": [10, 10, 15, 8, 15, 7],  # 65
        "adult_sexual": [0] * 6,
        "child_sexual": [0] * 6,
    }


def test_some_transcribed_grades_match_the_reference_tables():
    adult = {i.code: i for i in indicators.indicators_for("adult_labour")}
    child = {i.code: i for i in indicators.indicators_for("child_labour")}
    assert (adult["DR-10"].text, adult["DR-10"].grade, child["DR-10"].grade) == (
        "Deceived about access to education opportunities",
        "weak",
        "strong",
    )
    assert (adult["CD-15"].grade, child["CD-15"].grade) == ("weak", "medium")
    assert "RAV-08" not in child and "EXP-08" not in child
    assert not any(i.grade == "strong" for i in adult.values() if i.dimension == "RAV")
    assert not any(i.grade == "weak" for i in child.values())


def test_the_module_lists_profiles_and_reads_the_data_once():
    assert list(indicators.profiles()) == PROFILES
    assert indicators.indicator_set() is indicators.indicator_set("ilo-ec-2009.1")
    assert indicators.indicators_for("adult_labour")[0].code == "DR-01"


# --- malformed data -------------------------------------------------------------------------------------------------


def _unknown_grade(data):
    data["profiles"]["adult_labour"]["dimensions"]["DR"][1]["grade"] = "very strong"


def _duplicate_code(data):
    data["profiles"]["adult_labour"]["dimensions"]["DR"][1]["code"] = "DR-01"


def _missing_dimension(data):
    del data["profiles"]["child_labour"]["dimensions"]["AVD"]


def _undeclared_dimension(data):
    data["dimensions"] = [d for d in data["dimensions"] if d["code"] != "AVD"]


def _missing_version(data):
    del data["version"]


def _missing_open_points(data):
    del data["open_points"]


def _threshold_with_unknown_grade(data):
    data["thresholds"]["dimension_positive_if_any"][0]["at_least"][0]["grades"] = ["strongest"]


def _code_in_the_wrong_dimension(data):
    data["profiles"]["adult_labour"]["dimensions"]["CR"][0]["code"] = "DR-99"


def _code_with_two_meanings(data):
    data["profiles"]["child_labour"]["dimensions"]["DR"][0]["text"] = "Something else"


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (_unknown_grade, "profile adult_labour, dimension DR, indicator DR-02: unknown grade 'very strong'"),
        (_duplicate_code, "profile adult_labour: duplicate indicator code DR-01"),
        (_missing_dimension, "profile child_labour: dimension AVD missing"),
        (_undeclared_dimension, "victim rule 'adult': unknown dimension 'AVD'"),
        (_missing_version, "top level: missing 'version'"),
        (_missing_open_points, "top level: missing 'open_points'"),
        (_threshold_with_unknown_grade, "thresholds branch 'a': unknown grade 'strongest'"),
        (_code_in_the_wrong_dimension, "indicator code 'DR-99' must look like 'CR-01'"),
        (_code_with_two_meanings, "indicator code DR-01 has different texts in profiles adult_labour"),
    ],
)
def test_a_malformed_data_file_is_rejected_with_a_message_naming_the_problem(tmp_path, break_it, message):
    data = copy.deepcopy(raw_data())
    break_it(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndicatorDataError) as caught:
        load_indicator_set(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_data_file_that_is_not_json_is_rejected(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": ', encoding="utf-8")
    with pytest.raises(IndicatorDataError, match="is not valid JSON"):
        load_indicator_set(path)


def test_an_unbroken_copy_of_the_data_loads():
    loaded = load_indicator_set(DEFAULT_DATA_FILE)
    assert loaded.version == "ilo-ec-2009.1"
    assert loaded.profiles() == tuple(PROFILES)

"""Victim-identification indicator assessment: ILO/EC "Operational indicators of trafficking in human beings" (2009).

Plain Python, no database. The indicators, their grades per profile, the dimension rule and the victim rules are
versioned data (cases/data/ilo-indicators-*.json, see identification-rules.md §1.1); this module reads, checks and
applies them. An assessment supports the officer's decision: its conclusion is at most "indicators suggest a presumed
victim". The legal status of a person is decided by the competent authority, never here.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE_PATTERN = "ilo-indicators-*.json"
DEFAULT_DATA_FILE = DATA_DIR / "ilo-indicators-2009.json"

# The ILO/EC grading scale; each indicator carries one of these per profile.
GRADES = ("strong", "medium", "weak")

PRESUMED_VICTIM = "indicators suggest a presumed victim"
NOT_SUFFICIENT = "indicators do not suffice"
CONCLUSIONS = (PRESUMED_VICTIM, NOT_SUFFICIENT)

LEGAL_STATUS_REMINDER = (
    "This assessment only supports the officer's decision. Whether the person is a victim of trafficking is a legal "
    "status decided by the competent authority, not by this assessment."
)

# Problems in a data file; each message names what is wrong and where.
NOT_JSON = "is not valid JSON ({error})"
NOT_AN_OBJECT = "expected a JSON object at the top level"
MISSING_KEY = "{where}: missing {key!r}"
WRONG_TYPE = "{where}: {key!r} must be {kind}"
EMPTY_TEXT = "{where}: {key!r} must not be empty"
DUPLICATE_DIMENSION = "dimension {code} is declared twice"
UNKNOWN_GRADE = "{where}: unknown grade {grade!r} (expected one of {expected})"
BAD_COUNT = "{where}: 'count' must be a whole number of at least 1, found {count!r}"
DUPLICATE_BRANCH = "thresholds: branch {branch!r} appears twice"
NO_BRANCHES = "thresholds: 'dimension_positive_if_any' must list at least one branch"
RULE_UNKNOWN_DIMENSION = "victim rule {rule!r}: unknown dimension {code!r} (declared: {declared})"
RULE_WITHOUT_REQUIREMENTS = "victim rule {rule!r}: 'requires_all' must list at least one requirement"
PROFILE_UNKNOWN_RULE = "profile {profile}: unknown victim rule {rule!r} (expected one of {expected})"
NO_PROFILES = "'profiles' must hold at least one profile"
MISSING_DIMENSION = "profile {profile}: dimension {code} missing"
UNDECLARED_DIMENSION = "profile {profile}: dimension {code} is not one of the declared dimensions ({declared})"
BAD_CODE = "{where}: indicator code {code!r} must look like '{dimension}-01' (dimension code, dash, two digits)"
DUPLICATE_CODE = "profile {profile}: duplicate indicator code {code}"
CODE_MEANS_TWO_THINGS = (
    "indicator code {code} has different texts in profiles {first} ({first_text!r}) and {second} ({second_text!r})"
)
DUPLICATE_VERSION = "version {version} is also declared in {other}"

# Problems in a call.
UNKNOWN_VERSION = "unknown indicator data version {version!r} (available: {available})"
UNKNOWN_PROFILE = "unknown profile {profile!r} (expected one of {expected})"
UNKNOWN_CODES = "unknown indicator code(s) for profile {profile} in data version {version}: {details}"
PRESENT_NOT_A_SET = "'present' must be a set of indicator codes, not a single string"


class IndicatorDataError(ValueError):
    """A data file that cannot be used. The message starts with the file's path and names the problem."""

    def __init__(self, source: Path | str, message: str):
        super().__init__(f"{source}: {message}")
        self.source = str(source)
        self.message = message


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    text: str
    grade: str


@dataclass(frozen=True)
class Branch:
    """One branch of the dimension rule: every term (a set of grades, a minimum count) must be met."""

    branch: str
    description: str
    at_least: tuple[tuple[tuple[str, ...], int], ...]

    def met(self, counts: Mapping[str, int]) -> bool:
        return all(sum(counts.get(grade, 0) for grade in grades) >= count for grades, count in self.at_least)


@dataclass(frozen=True)
class Requirement:
    label: str
    any_of: tuple[str, ...]
    or_act_documented: bool


@dataclass(frozen=True)
class VictimRule:
    key: str
    name: str
    requires_all: tuple[Requirement, ...]
    note: str


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    status: str
    victim_rule: VictimRule
    indicators: tuple[Indicator, ...]

    def indicators_in(self, dimension: str) -> tuple[Indicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.dimension == dimension)


@dataclass(frozen=True)
class DimensionResult:
    code: str
    name: str
    assessable: bool  # False when the data has no indicator list for this dimension and profile
    positive: bool
    strong: int
    medium: int
    weak: int
    present: tuple[str, ...]  # codes of the indicators present in this dimension
    branch: str | None  # the first branch of the dimension rule that is met ("a".."d"), if any
    rule: str | None  # that branch as a sentence, e.g. "2 strong indicators"
    reason: str  # why the dimension is positive, not positive, or cannot be assessed


@dataclass(frozen=True)
class Assessment:
    version: str
    profile: str
    present: tuple[str, ...]
    act_documented: bool
    dimensions: tuple[DimensionResult, ...]
    victim_rule: str  # "adult" or "child"
    victim_rule_met: bool
    explanation: list[str]
    conclusion: str  # one of CONCLUSIONS; never a legal status

    def dimension(self, code: str) -> DimensionResult:
        for result in self.dimensions:
            if result.code == code:
                return result
        raise KeyError(code)

    @property
    def positive_dimensions(self) -> tuple[str, ...]:
        return tuple(result.code for result in self.dimensions if result.positive)


# --- reading and checking a data file -------------------------------------------------------------------------------


def _get(mapping: Mapping, key: str, kind: type, where: str):
    if key not in mapping:
        raise ValueError(MISSING_KEY.format(where=where, key=key))
    value = mapping[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(WRONG_TYPE.format(where=where, key=key, kind=_KIND_NAMES[kind]))
    return value


_KIND_NAMES = {str: "a string", list: "a list", dict: "an object", int: "a whole number", bool: "true or false"}


def _text(mapping: Mapping, key: str, where: str) -> str:
    value = _get(mapping, key, str, where).strip()
    if not value:
        raise ValueError(EMPTY_TEXT.format(where=where, key=key))
    return value


def _grade(value, where: str) -> str:
    if value not in GRADES:
        raise ValueError(UNKNOWN_GRADE.format(where=where, grade=value, expected=", ".join(GRADES)))
    return value


def _parse_dimensions(raw: dict) -> tuple[Dimension, ...]:
    dimensions = []
    for index, item in enumerate(_get(raw, "dimensions", list, "top level")):
        where = f"dimensions[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object")
        dimension = Dimension(_text(item, "code", where), _text(item, "name", where), item.get("description", ""))
        if any(existing.code == dimension.code for existing in dimensions):
            raise ValueError(DUPLICATE_DIMENSION.format(code=dimension.code))
        dimensions.append(dimension)
    return tuple(dimensions)


def _parse_term(term, where: str) -> tuple[tuple[str, ...], int]:
    if not isinstance(term, dict):
        raise ValueError(f"{where}: expected an object with 'grades' and 'count'")
    grades = tuple(_grade(grade, where) for grade in _get(term, "grades", list, where))
    count = term.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or not grades:
        raise ValueError(BAD_COUNT.format(where=where, count=count))
    return grades, count


def _parse_branches(raw: dict) -> tuple[Branch, ...]:
    thresholds = _get(raw, "thresholds", dict, "top level")
    branches = []
    for index, item in enumerate(_get(thresholds, "dimension_positive_if_any", list, "thresholds")):
        where = f"thresholds branch {index + 1}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object")
        key = _text(item, "branch", where)
        where = f"thresholds branch {key!r}"
        terms = tuple(_parse_term(term, where) for term in _get(item, "at_least", list, where))
        if not terms:
            raise ValueError(f"{where}: 'at_least' must list at least one term")
        if any(existing.branch == key for existing in branches):
            raise ValueError(DUPLICATE_BRANCH.format(branch=key))
        branches.append(Branch(key, _text(item, "description", where), terms))
    if not branches:
        raise ValueError(NO_BRANCHES)
    return tuple(branches)


def _parse_requirement(item, rule: str, index: int, declared: tuple[str, ...]) -> Requirement:
    where = f"victim rule {rule!r} requirement {index + 1}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    any_of = tuple(_get(item, "any_of", list, where))
    for code in any_of:
        if code not in declared:
            raise ValueError(RULE_UNKNOWN_DIMENSION.format(rule=rule, code=code, declared=", ".join(declared)))
    or_act = item.get("or_act_documented", False)
    if not isinstance(or_act, bool):
        raise ValueError(WRONG_TYPE.format(where=where, key="or_act_documented", kind="true or false"))
    if not any_of and not or_act:
        raise ValueError(f"{where}: 'any_of' must name at least one dimension")
    return Requirement(_text(item, "label", where), any_of, or_act)


def _parse_victim_rules(raw: dict, dimensions: tuple[Dimension, ...]) -> dict[str, VictimRule]:
    declared = tuple(dimension.code for dimension in dimensions)
    rules = {}
    for key, item in _get(raw, "victim_rules", dict, "top level").items():
        where = f"victim rule {key!r}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object")
        requirements = tuple(
            _parse_requirement(requirement, key, index, declared)
            for index, requirement in enumerate(_get(item, "requires_all", list, where))
        )
        if not requirements:
            raise ValueError(RULE_WITHOUT_REQUIREMENTS.format(rule=key))
        rules[key] = VictimRule(key, _text(item, "name", where), requirements, item.get("note", ""))
    return rules


def _parse_indicator(item, profile: str, dimension: str, index: int) -> Indicator:
    where = f"profile {profile}, dimension {dimension}, indicator {index + 1}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object with 'code', 'text' and 'grade'")
    code = _text(item, "code", where)
    where = f"profile {profile}, dimension {dimension}, indicator {code}"
    prefix, _, number = code.partition("-")
    if prefix != dimension or len(number) != 2 or not number.isdigit():
        raise ValueError(BAD_CODE.format(where=where, code=code, dimension=dimension))
    return Indicator(code, dimension, _text(item, "text", where), _grade(item.get("grade"), where))


def _parse_profile_indicators(key: str, lists: dict, declared: tuple[str, ...]) -> tuple[Indicator, ...]:
    for code in lists:
        if code not in declared:
            raise ValueError(UNDECLARED_DIMENSION.format(profile=key, code=code, declared=", ".join(declared)))
    indicators: list[Indicator] = []
    for dimension in declared:
        if dimension not in lists:
            raise ValueError(MISSING_DIMENSION.format(profile=key, code=dimension))
        items = _get(lists, dimension, list, f"profile {key}")
        indicators.extend(_parse_indicator(item, key, dimension, index) for index, item in enumerate(items))
    codes = [indicator.code for indicator in indicators]
    for code in codes:
        if codes.count(code) > 1:
            raise ValueError(DUPLICATE_CODE.format(profile=key, code=code))
    return tuple(indicators)


def _parse_profile(key: str, item, dimensions: tuple[Dimension, ...], rules: dict[str, VictimRule]) -> Profile:
    where = f"profile {key}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    rule = _text(item, "victim_rule", where)
    if rule not in rules:
        raise ValueError(PROFILE_UNKNOWN_RULE.format(profile=key, rule=rule, expected=", ".join(rules)))
    lists = _get(item, "dimensions", dict, where)
    indicators = _parse_profile_indicators(key, lists, tuple(dimension.code for dimension in dimensions))
    return Profile(key, _text(item, "label", where), item.get("status", ""), rules[rule], indicators)


def _check_codes_consistent(profiles: dict[str, Profile]) -> None:
    """Within one version a code means one indicator in every profile (stored assessments rely on it)."""
    seen: dict[str, tuple[str, str]] = {}
    for profile in profiles.values():
        for indicator in profile.indicators:
            first, first_text = seen.setdefault(indicator.code, (profile.key, indicator.text))
            if first_text != indicator.text:
                raise ValueError(
                    CODE_MEANS_TWO_THINGS.format(
                        code=indicator.code,
                        first=first,
                        first_text=first_text,
                        second=profile.key,
                        second_text=indicator.text,
                    )
                )


def _read(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise IndicatorDataError(path, NOT_JSON.format(error=error)) from error
    if not isinstance(raw, dict):
        raise IndicatorDataError(path, NOT_AN_OBJECT)
    return raw


def _parse(raw: dict) -> dict:
    _get(raw, "source", dict, "top level")
    _get(raw, "open_points", list, "top level")
    dimensions = _parse_dimensions(raw)
    rules = _parse_victim_rules(raw, dimensions)
    profiles = {
        key: _parse_profile(key, item, dimensions, rules)
        for key, item in _get(raw, "profiles", dict, "top level").items()
    }
    if not profiles:
        raise ValueError(NO_PROFILES)
    _check_codes_consistent(profiles)
    return {
        "version": _text(raw, "version", "top level"),
        "title": _text(raw, "title", "top level"),
        "source": raw["source"],
        "open_points": tuple(raw["open_points"]),
        "dimensions": dimensions,
        "branches": _parse_branches(raw),
        "profiles": profiles,
    }


def load_indicator_set(path: Path | str) -> "IndicatorSet":
    """Read and check one data file. Raises IndicatorDataError naming the file and the problem."""
    path = Path(path)
    raw = _read(path)
    try:
        parsed = _parse(raw)
    except ValueError as error:
        raise IndicatorDataError(path, str(error)) from error
    return IndicatorSet(path=path, **parsed)


# --- the assessment -------------------------------------------------------------------------------------------------


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts[grade]} {grade}" for grade in GRADES[:-1]) + f" and {counts[GRADES[-1]]} {GRADES[-1]}"


def _or_list(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


class IndicatorSet:
    """One version of the indicator data, checked. Use the module functions for the packaged versions."""

    def __init__(self, *, path, version, title, source, open_points, dimensions, branches, profiles):
        self.path = path
        self.version = version
        self.title = title
        self.source = source
        self.open_points = open_points
        self.dimensions: tuple[Dimension, ...] = dimensions
        self.branches: tuple[Branch, ...] = branches
        self._profiles: dict[str, Profile] = profiles

    def __repr__(self):
        return f"<IndicatorSet {self.version} from {self.path}>"

    def profiles(self) -> tuple[str, ...]:
        return tuple(self._profiles)

    def profile(self, key: str) -> Profile:
        if key not in self._profiles:
            raise ValueError(UNKNOWN_PROFILE.format(profile=key, expected=", ".join(self._profiles)))
        return self._profiles[key]

    def indicators_for(self, profile: str) -> tuple[Indicator, ...]:
        return self.profile(profile).indicators

    def matching_branch(self, counts: Mapping[str, int]) -> Branch | None:
        """The first branch of the dimension rule met by these counts of strong/medium/weak indicators, if any."""
        return next((branch for branch in self.branches if branch.met(counts)), None)

    def assess(self, *, profile: str, present: set[str], act_documented: bool = False) -> Assessment:
        chosen = self.profile(profile)
        codes = self._checked_codes(chosen, present)
        results = tuple(self._assess_dimension(chosen, dimension, codes) for dimension in self.dimensions)
        met, rule_sentences = self._apply_victim_rule(chosen.victim_rule, results, act_documented)
        conclusion = PRESUMED_VICTIM if met else NOT_SUFFICIENT
        explanation = [
            f"Indicator assessment for the profile '{chosen.label}' (ILO/EC operational indicators, "
            f"data version {self.version}).",
            *self._dimension_sentences(results),
            *rule_sentences,
            f"Conclusion: {conclusion}.",
            LEGAL_STATUS_REMINDER,
        ]
        if self.open_points:
            explanation.append(
                f"Data version {self.version} has {len(self.open_points)} open points still to be checked against "
                "the ILO document (listed in its data file)."
            )
        return Assessment(
            version=self.version,
            profile=chosen.key,
            present=tuple(sorted(codes)),
            act_documented=act_documented,
            dimensions=results,
            victim_rule=chosen.victim_rule.key,
            victim_rule_met=met,
            explanation=explanation,
            conclusion=conclusion,
        )

    def _checked_codes(self, profile: Profile, present: set[str]) -> set[str]:
        if isinstance(present, str):
            raise TypeError(PRESENT_NOT_A_SET)
        codes = set(present)
        own = {indicator.code for indicator in profile.indicators}
        problems = [self._describe_foreign(code, profile) for code in sorted(codes - own, key=str)]
        if problems:
            raise ValueError(
                UNKNOWN_CODES.format(profile=profile.key, version=self.version, details="; ".join(problems))
            )
        return codes

    def _describe_foreign(self, code, profile: Profile) -> str:
        others = [
            key
            for key, other in self._profiles.items()
            if key != profile.key and any(indicator.code == code for indicator in other.indicators)
        ]
        if others:
            return f"{code} is an indicator of {', '.join(others)}, not of {profile.key}"
        return f"{code!r} is not an indicator code"

    def _assess_dimension(self, profile: Profile, dimension: Dimension, codes: set[str]) -> DimensionResult:
        listed = profile.indicators_in(dimension.code)
        found = [indicator for indicator in listed if indicator.code in codes]
        counts = {grade: sum(1 for indicator in found if indicator.grade == grade) for grade in GRADES}
        branch = self.matching_branch(counts) if listed else None
        return DimensionResult(
            code=dimension.code,
            name=dimension.name,
            assessable=bool(listed),
            positive=branch is not None,
            **counts,
            present=tuple(indicator.code for indicator in found),
            branch=branch.branch if branch else None,
            rule=branch.description if branch else None,
            reason=self._reason(listed, found, counts, branch),
        )

    def _reason(self, listed, found, counts, branch: Branch | None) -> str:
        if not listed:
            return (
                "cannot be assessed for this profile: the data file has no indicator list for it yet "
                "(see its open points)"
            )
        if branch is not None:
            return f"{branch.description} (rule {branch.branch}; found {_counts_text(counts)})"
        if not found:
            return "no indicator of this dimension is present"
        needs = ", or ".join(other.description for other in self.branches)
        return f"found {_counts_text(counts)}, but a dimension needs {needs}"

    def _dimension_sentences(self, results: tuple[DimensionResult, ...]) -> list[str]:
        sentences = []
        for result in results:
            if result.positive:
                sentences.append(
                    f"{result.name} ({result.code}) is positive: {result.reason}. "
                    f"Indicators present: {self._describe_present(result.present)}."
                )
            elif result.assessable and result.present:
                sentences.append(f"{result.name} ({result.code}) is not positive: {result.reason}.")
        absent = [f"{r.name} ({r.code})" for r in results if r.assessable and not r.present]
        if absent:
            sentences.append(f"No indicator is present for: {', '.join(absent)}.")
        unassessable = [f"{r.name} ({r.code})" for r in results if not r.assessable]
        if unassessable:
            sentences.append(
                f"Cannot be assessed for this profile, because the data has no indicator list for it yet: "
                f"{', '.join(unassessable)}."
            )
        return sentences

    def _describe_present(self, codes: tuple[str, ...]) -> str:
        indicators = {
            indicator.code: indicator for profile in self._profiles.values() for indicator in profile.indicators
        }
        return "; ".join(f"{code} {indicators[code].text} ({indicators[code].grade})" for code in codes)

    @staticmethod
    def _missing(requirement: Requirement, results: tuple[DimensionResult, ...]) -> str:
        needs = f"{_or_list(requirement.any_of)} positive" if requirement.any_of else ""
        if requirement.or_act_documented:
            needs = f"{needs}, or a documented act" if needs else "a documented act"
        if not any(result.assessable for result in results if result.code in requirement.any_of):
            needs += "; cannot be assessed for this profile yet"
        return f"{requirement.label} (needs {needs})"

    def _apply_victim_rule(self, rule: VictimRule, results, act_documented: bool) -> tuple[bool, list[str]]:
        positive = {result.code for result in results if result.positive}
        met_parts, missing_parts = [], []
        for requirement in rule.requires_all:
            by = [code for code in requirement.any_of if code in positive]
            if requirement.or_act_documented and act_documented:
                by.append("documented act")
            if by:
                met_parts.append(f"{requirement.label} ({', '.join(by)})")
            else:
                missing_parts.append(self._missing(requirement, results))
        met = not missing_parts
        if met:
            sentences = [f"The victim rule for {rule.name} is met: {'; '.join(met_parts)}."]
        else:
            sentences = [f"The victim rule for {rule.name} is not met. Missing: {'; '.join(missing_parts)}."]
            if met_parts:
                sentences.append(f"Met: {'; '.join(met_parts)}.")
        if rule.note:
            sentences.append(rule.note)
        return met, sentences


# --- the packaged versions ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _packaged() -> dict[str, IndicatorSet]:
    """Every packaged data file, read and checked once per process, by version."""
    sets: dict[str, IndicatorSet] = {}
    for path in sorted(DATA_DIR.glob(DATA_FILE_PATTERN)):
        loaded = load_indicator_set(path)
        if loaded.version in sets:
            raise IndicatorDataError(
                path, DUPLICATE_VERSION.format(version=loaded.version, other=sets[loaded.version].path)
            )
        sets[loaded.version] = loaded
    return sets


@lru_cache(maxsize=1)
def default_version() -> str:
    return next(s.version for s in _packaged().values() if s.path == DEFAULT_DATA_FILE)


def versions() -> tuple[str, ...]:
    return tuple(_packaged())


def indicator_set(version: str | None = None) -> IndicatorSet:
    """The packaged data of this version (default: the current one)."""
    version = default_version() if version is None else version
    sets = _packaged()
    if version not in sets:
        raise ValueError(UNKNOWN_VERSION.format(version=version, available=", ".join(sets)))
    return sets[version]


def profiles(version: str | None = None) -> tuple[str, ...]:
    return indicator_set(version).profiles()


def indicators_for(profile: str, version: str | None = None) -> tuple[Indicator, ...]:
    return indicator_set(version).indicators_for(profile)


def assess(*, profile: str, present: set[str], act_documented: bool = False, version: str | None = None) -> Assessment:
    """Apply the dimension rule and the victim rule of `version` to the indicators present. Never sets legal status."""
    return indicator_set(version).assess(profile=profile, present=present, act_documented=act_documented)

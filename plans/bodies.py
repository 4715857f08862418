"""How a plan writes the bodies that carry out a measure, and what those spellings mean.

A bodies cell is a comma-separated list, but names contain commas too ("The State Committee for Family, Woman
and Child Problems"), some entries stand for a class of bodies ("local executive power authorities"), and
qualifiers change the role: bodies after "by involving" take part as `involved`.
"""

import re
from dataclasses import dataclass

EXECUTOR = "executor"
INVOLVED = "involved"
RECOMMENDED = "recommended"

_INVOLVING = re.compile(r"^by involving\s+", re.IGNORECASE)
_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
# Words that open a new entry in the list; a piece that starts otherwise may continue the name before it.
_NEW_ENTRY = re.compile(r"^(?:the|by involving|other|local|higher|related)\b|^«", re.IGNORECASE)
# "… for Family" / "… of Transport": a name whose last words open an enumeration that the next pieces finish.
_OPEN_ENUMERATION = re.compile(r"\b(?:of|for)\s+[A-Z][\w-]*(?:,\s+[A-Z][\w-]*)*$")
# "X and other related state authorities" names two participants, a body and a class.
_AND_CLASS = re.compile(r"^(?P<body>.*\S)\s+and\s+(?P<cls>other related state authorities)$", re.IGNORECASE)
_LOOKS_LIKE_YEARS = re.compile(r"^[\d\s\-–]+$|^regular$", re.IGNORECASE)

# Classes of bodies named by the plan, by canonical name (lower case) → kind.
ORGANISATION_CLASSES = {
    "other related state authorities": "other",
    "local executive power authorities": "local_authority_class",
    "higher educational institutions": "other",
    "commissions for affairs of the underage and protection of their rights": "local_authority_class",
    "authorities of guardianship and patronage": "local_authority_class",
    "related non governmental organizations": "ngo_class",
}

# First match wins: words in a body's canonical name that tell its kind.
_KIND_BY_WORDS = [
    (re.compile(r"non[\s-]governmental", re.IGNORECASE), "ngo_class"),
    (re.compile(r"Ombudsman|Human Rights Commissioner"), "ombudsman"),
    (re.compile(r"Prosecutor"), "prosecution"),
    (re.compile(r"\bCourt\b"), "court"),
    (re.compile(r"^Ministry\b"), "ministry"),
    (re.compile(r"\bCommittee\b"), "state_committee"),
    (re.compile(r"Television|Broadcasting|Press|\bmedia\b", re.IGNORECASE), "media"),
    (re.compile(r"\b(?:Service|Administration|Agency)\b"), "service"),
]

BODY_NOT_A_NAME = "expected the name of a body, found {text!r}"
BODIES_EMPTY = "expected at least one executive body"


class BodiesError(ValueError):
    pass


@dataclass(frozen=True)
class Participant:
    spelling: str  # as written, less the "by involving" qualifier
    role: str

    @property
    def canonical(self) -> str:
        return canonical_name(self.spelling)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def canonical_name(spelling: str) -> str:
    """The name an organisation is filed under: no leading article, a capital first letter, single spaces."""
    name = _ARTICLE.sub("", normalise_space(spelling)).rstrip(".")
    return name[:1].upper() + name[1:]


def organisation_kind(canonical: str) -> tuple[str, bool]:
    """(kind, is_class) for a canonical name."""
    class_kind = ORGANISATION_CLASSES.get(canonical.lower())
    if class_kind:
        return class_kind, True
    for pattern, kind in _KIND_BY_WORDS:
        if pattern.search(canonical):
            return kind, kind.endswith("_class")
    return "other", False


def split_bodies(cell: str, *, default_role: str = EXECUTOR) -> list[Participant]:
    """The participants a bodies cell names, in order, with their roles."""
    text = normalise_space(cell).strip(" ,")
    role = default_role
    if _INVOLVING.match(text):
        role, text = INVOLVED, _INVOLVING.sub("", text)
    participants = []
    for entry in _entries(text):
        if _INVOLVING.match(entry):
            role, entry = INVOLVED, _INVOLVING.sub("", entry)
        for spelling in _split_and_class(entry):
            _check_is_name(spelling)
            participants.append(Participant(spelling, role))
    if not participants:
        raise BodiesError(BODIES_EMPTY)
    return participants


def split_listed_bodies(cell: str) -> list[Participant]:
    """A spreadsheet's bodies cell: entries separated by ';', each optionally 'by involving …' or 'recommended: …'."""
    if ";" not in cell and not cell.strip().lower().startswith("recommended:"):
        return split_bodies(cell)
    participants = []
    for raw in cell.split(";"):
        entry = normalise_space(raw).strip(" ,")
        if not entry:
            continue
        role = EXECUTOR
        if entry.lower().startswith("recommended:"):
            role, entry = RECOMMENDED, entry.split(":", 1)[1].strip()
        elif _INVOLVING.match(entry):
            role, entry = INVOLVED, _INVOLVING.sub("", entry).lstrip(": ")
        _check_is_name(entry)
        participants.append(Participant(entry, role))
    if not participants:
        raise BodiesError(BODIES_EMPTY)
    return participants


def format_listed_bodies(participants: list[tuple[str, str]]) -> str:
    """The inverse of split_listed_bodies for (name, role) pairs."""
    prefix = {EXECUTOR: "", INVOLVED: "by involving ", RECOMMENDED: "recommended: "}
    return "; ".join(prefix[role] + name for name, role in participants)


def _entries(text: str) -> list[str]:
    pieces = [piece.strip() for piece in text.split(",")]
    pieces = [piece for piece in pieces if piece]
    entries: list[str] = []
    for index, piece in enumerate(pieces):
        if entries and _continues(entries[-1], piece, pieces[index + 1 :]):
            entries[-1] = f"{entries[-1]}, {piece}"
        else:
            entries.append(piece)
    return entries


def _continues(previous: str, piece: str, rest: list[str]) -> bool:
    """Whether `piece` is the next item of an enumeration inside the name `previous` ("for Family, Woman and …")."""
    if _NEW_ENTRY.match(piece) or not _OPEN_ENUMERATION.search(previous) or not piece[:1].isupper():
        return False
    if " and " in piece:
        return True
    # "for A, B, C and D": a single word continues when the enumeration closes later with "and".
    return " " not in piece and bool(rest) and _continues(f"{previous}, {piece}", rest[0], rest[1:])


def _split_and_class(entry: str) -> list[str]:
    match = _AND_CLASS.match(entry)
    if match:
        return [match["body"], match["cls"]]
    return [entry]


def _check_is_name(spelling: str) -> None:
    if not spelling or _LOOKS_LIKE_YEARS.match(spelling) or not re.search(r"[A-Za-zА-Яа-яƏəÖöÜüĞğİıŞşÇç]", spelling):
        raise BodiesError(BODY_NOT_A_NAME.format(text=spelling))
    if len(spelling) > 300:
        raise BodiesError(BODY_NOT_A_NAME.format(text=spelling[:60] + "…"))

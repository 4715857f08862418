"""A valid bulk-import file of N plausible case records, in the layout `export_cases --template` writes.

The headings are read from the template itself, so the file follows the importer; each heading the benchmark knows
gets a plausible value (the mix of a national register: mostly women, mostly sexual exploitation and forced labour,
a third transnational), the others stay empty. Deterministic for a seed; no two rows describe the same person.
"""

import csv
import datetime
import io
import random
from pathlib import Path

from django.core.management import call_command

GIVEN = ["Aygun", "Leyla", "Nigar", "Sevinj", "Gunel", "Aynur", "Ulviyya", "Konul", "Rena", "Samira", "Narmin",
         "Elnur", "Rashad", "Tural", "Orkhan", "Farid", "Murad", "Anar", "Vusal", "Kamran"]  # fmt: skip
FAMILY = ["Aliyeva", "Mammadova", "Huseynova", "Hasanova", "Guliyeva", "Ismayilova", "Abbasova", "Rzayeva",
          "Aliyev", "Mammadov", "Huseynov", "Hasanov", "Guliyev", "Ismayilov", "Abbasov", "Rzayev"]  # fmt: skip
FOREIGN = ["GE", "RU", "TR", "AE", "UZ", "TJ", "UA", "IR"]
REGIONS = ["Baku", "Ganja", "Sumgait", "Lankaran", "Shaki", "Mingachevir", "Guba", "Shirvan"]
FORMS = ["sexual", "sexual", "sexual", "forced_labour", "forced_labour", "sexual;forced_labour", "begging",
         "forced_marriage", "forced_criminality", "other"]  # fmt: skip
SOURCES = ["police", "police", "ngo", "hotline", "consulate", "self", "other"]
FIRST_DAY = datetime.date(2014, 1, 1)
FIRST_BORN, BIRTH_DAYS = datetime.date(1976, 1, 1), 10_220  # born 1976-2003


def template_headings(directory: Path) -> list[str]:
    template = directory / "template.csv"
    call_command("export_cases", "--template", "-o", str(template), stdout=io.StringIO())
    with template.open(newline="", encoding="utf-8-sig") as file:
        return next(csv.reader(file))


def write_case_file(path: Path, rows: int, *, seed: int = 1) -> list[str]:
    """Writes `rows` records to `path` (CSV, UTF-8); returns the headings the benchmark left empty."""
    headings = template_headings(path.parent)
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(headings)
        for number in range(rows):
            record = _record(number, rng)
            writer.writerow([record.get(heading, "") for heading in headings])
    return [heading for heading in headings if heading not in _record(0, random.Random(seed))]


def _record(number: int, rng: random.Random) -> dict[str, str]:
    registered = FIRST_DAY + datetime.timedelta(days=rng.randrange(5 * 365))
    # Name and date of birth together follow the row number, so no two rows are the same person: the names cycle,
    # and each cycle has its own birthday (37 is prime to BIRTH_DAYS, so k * 37 % BIRTH_DAYS never repeats).
    names = len(GIVEN) * len(FAMILY)
    given, family = GIVEN[number % len(GIVEN)], FAMILY[(number // len(GIVEN)) % len(FAMILY)]
    born = FIRST_BORN + datetime.timedelta(days=(number // names) * 37 % BIRTH_DAYS)
    age = (registered - born).days // 365
    abroad = rng.random() < 0.35
    citizen = "AZ" if rng.random() < 0.8 else rng.choice(FOREIGN)
    record = {
        "registrationDate": registered.isoformat(),
        "source": rng.choice(SOURCES),
        "traffickingScope": "transnational" if abroad else "internal",
        "typeOfExploitConcatenated": rng.choice(FORMS),
        "CountryOfRecruitment": "AZ",
        "CountryOfExploitation": rng.choice(FOREIGN) if abroad else "AZ",
        "regionOfExploitation": "" if abroad else rng.choice(REGIONS),
        "recruitmentMethod": rng.choice(["job offer abroad", "marriage offer", "acquaintance", "online advert"]),
        "presumedChild": "1" if age < 18 else "0",
        "givenName": given,
        "familyName": family,
        "dateOfBirth": born.isoformat(),
        "documents": f"passport AA{1_000_000 + number}",
        "phone": f"+994 50 {number // 10_000:03d} {number % 10_000:04d}",
        "gender": "Female" if rng.random() < 0.7 else rng.choice(["Male", "Male", "Unknown"]),
        "citizenship": citizen,
        "languages": "az;ru" if rng.random() < 0.3 else "az",
        "regionOfResidence": rng.choice(REGIONS),
    }
    return record | _status(registered, rng)


def _status(registered: datetime.date, rng: random.Random) -> dict[str, str]:
    """A legal status with the dates it needs: most cases still open, some closed after a decision."""
    draw = rng.random()
    presumed = registered + datetime.timedelta(days=rng.randrange(30))
    if draw < 0.5:
        return {"Status": "Active", "legalStatus": "potential"}
    if draw < 0.7:
        return {"Status": "Active", "legalStatus": "presumed", "presumedDate": presumed.isoformat()}
    if draw < 0.85:
        referred = registered + datetime.timedelta(days=rng.randrange(10))
        return {"Status": "Active", "legalStatus": "identified", "presumedDate": presumed.isoformat(),
                "referredToMiaDate": referred.isoformat()}  # fmt: skip
    closed = presumed + datetime.timedelta(days=30 + rng.randrange(300))
    return {"Status": "Closed", "legalStatus": "identified", "presumedDate": presumed.isoformat(),
            "closedDate": closed.isoformat()}  # fmt: skip

"""Demo prevention activities for 2015-2017, recorded by the demo focal points of the bodies that carry out the
prevention measures, through lib.registers.entry_save so the rules and the audit trail apply. Never for production."""

from datetime import date

from accounts.models import User
from accounts.roles import Role
from lib.registers import entry_save
from plans.models import Measure
from prevention import registers
from prevention.models import AwarenessActivity, LabourInspection, MediaFinding, Research, Training

# (body, date, topic, audience, women, men, measure)
TRAININGS = [
    (
        "Ministry of Internal Affairs",
        date(2015, 3, 12),
        "Identifying victims of trafficking",
        "police",
        6,
        34,
        "13.2.10",
    ),
    ("State Border Service", date(2015, 9, 22), "Indicators of trafficking at the border", "border", 4, 41, "13.2.10"),
    ("State Customs Committee", date(2016, 2, 17), "Trafficking and document fraud", "customs", 9, 22, "13.2.10"),
    ("State Migration Service", date(2016, 5, 5), "Labour migrants' rights", "migration", 15, 12, "13.2.10"),
    ("Ministry of Health", date(2016, 10, 11), "Medical care for victims", "health", 28, 7, "13.2.10"),
    ("Ministry of Education", date(2016, 11, 24), "Trafficking risks for pupils", "education", 47, 9, "13.2.10"),
    ("Ministry of Internal Affairs", date(2017, 4, 19), "Interviewing child victims", "police", 11, 29, "13.2.10"),
    ("Ministry of Justice", date(2017, 6, 8), "Trafficking cases in court", "judiciary", 13, 17, "13.2.10"),
    ("State Border Service", date(2017, 9, 14), "Profiling at airports", "border", 5, 38, "13.2.10"),
    (
        "Ministry of Labor and Social Protection of Population",
        date(2017, 11, 2),
        "Social workers and victims",
        "social",
        31,
        4,
        "13.2.10",
    ),
]
# (body, date, kind, title, channel, quantity, reach, measure)
AWARENESS = [
    (
        "State Border Service",
        date(2015, 6, 1),
        "booklet",
        "Travelling for work? Know your rights",
        "border",
        20000,
        18000,
        "13.9.1",
    ),
    ("Ministry of Culture and Tourism", date(2015, 7, 15), "booklet", "Safe travel", "tourism", 8000, 7000, "13.9.1"),
    (
        "Ministry of Education",
        date(2016, 3, 1),
        "event",
        "Schools against trafficking",
        "schools",
        None,
        12500,
        "13.9.1",
    ),
    (
        "Ministry of Internal Affairs",
        date(2016, 7, 30),
        "social_ad",
        "World Day against Trafficking",
        "media",
        None,
        400000,
        "13.9.1",
    ),
    ("State Migration Service", date(2017, 2, 10), "poster", "Legal work abroad", "airport", 1200, None, "13.9.1"),
    (
        "Ministry of Youth and Sports",
        date(2017, 7, 30),
        "online",
        "Do not be sold a dream",
        "internet",
        None,
        250000,
        "13.9.1",
    ),
]
RESEARCH = [
    (
        "Ministry of Labor and Social Protection of Population",
        "survey",
        "Vulnerability of labour migrants",
        date(2016, 2, 1),
        date(2016, 9, 30),
        800,
        "13.2.3",
    ),
    (
        "State Committee for Family, Woman and Child Problems",
        "research",
        "Early marriage and trafficking risks",
        date(2017, 1, 15),
        None,
        None,
        "13.2.3",
    ),
]
# (body, start, region, inspected, with violations, workers, migrants, indicators, sent to police, measure)
INSPECTIONS = [
    (
        "Ministry of Labor and Social Protection of Population",
        date(2015, 5, 4),
        "Baku",
        120,
        18,
        2400,
        310,
        4,
        1,
        "13.2.6",
    ),
    (
        "Ministry of Labor and Social Protection of Population",
        date(2016, 5, 9),
        "Ganja",
        85,
        11,
        1500,
        140,
        2,
        1,
        "13.2.6",
    ),
    ("State Migration Service", date(2017, 4, 3), "Sumgayit", 60, 9, 900, 260, 6, 2, "13.2.5"),
]
# (body, found on, source, address, reason, action, measure)
MEDIA = [
    (
        "Ministry of Internal Affairs",
        date(2016, 1, 20),
        "social",
        "https://social.example/post/1001",
        "Well-paid work as a waitress in Dubai, travel paid, no experience needed.",
        "police",
        "13.2.9",
    ),
    (
        "Ministry of Internal Affairs",
        date(2016, 8, 3),
        "website",
        "https://jobs.example/turkey-nanny",
        "Nanny job abroad, passport to be handed to the agency.",
        "removal",
        "13.2.9",
    ),
    (
        "Ministry of Transport, Communication and High Technologies",
        date(2017, 3, 9),
        "messenger",
        "https://messenger.example/channel/work",
        "Marriage offers to girls under 18.",
        "provider",
        "13.2.9",
    ),
]


def demo_prevention() -> int:
    """Records the demo activities once; returns how many entries were created (0 when trainings exist)."""
    if Training.objects.exists():
        return 0
    created = 0
    for body, held_on, topic, audience, women, men, number in TRAININGS:
        entry = Training(held_on=held_on, topic=topic, audience=audience, women=women, men=men, hours=8)
        created += _save(registers.trainings, body, entry, number)
    for body, started_on, kind, title, channel, quantity, reach, number in AWARENESS:
        entry = AwarenessActivity(
            started_on=started_on, kind=kind, title=title, channel=channel, quantity=quantity, reach=reach
        )
        created += _save(registers.awareness, body, entry, number)
    for body, kind, title, started_on, completed_on, sample, number in RESEARCH:
        entry = Research(kind=kind, title=title, started_on=started_on, completed_on=completed_on, sample_size=sample)
        created += _save(registers.research, body, entry, number)
    for body, started_on, region, inspected, violations, workers, migrants, found, police, number in INSPECTIONS:
        entry = LabourInspection(
            started_on=started_on,
            region=region,
            inspections=inspected,
            with_violations=violations,
            workers_checked=workers,
            migrant_workers=migrants,
            indicators_found=found,
            sent_to_police=police,
        )
        created += _save(registers.inspections, body, entry, number)
    for body, found_on, source, address, reason, action, number in MEDIA:
        entry = MediaFinding(found_on=found_on, source=source, address=address, reason=reason, action=action)
        created += _save(registers.media, body, entry, number)
    return created


def _save(register, body: str, entry, measure_number: str) -> int:
    """Saves `entry` as the demo focal point of `body`; a body without one (no demo user) is left out."""
    author = (
        User.objects.filter(organisation__name=body, groups__name__in=[Role.FOCAL_POINT, Role.COORDINATOR])
        .order_by("pk")
        .first()
    )
    if author is None:
        return 0
    measures = Measure.objects.filter(number=measure_number)
    entry_save(register=register, actor=author, entry=entry, m2m={"measures": list(measures)}, children={}, changed=[])
    return 1

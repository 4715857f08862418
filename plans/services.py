"""Writing plans to the database. Each function runs in one transaction: it all happens, or nothing does."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from organisations.models import Organisation, OrganisationAlias
from plans.bodies import canonical_name, organisation_kind
from plans.models import Direction, Measure, Participation, Plan
from plans.parsing import ParsedMeasure, ParsedPlan


@dataclass
class ImportResult:
    plan: Plan
    counts: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def summary(self) -> str:
        """E.g. "60 measures created, 1 plan updated", or "nothing to do"."""
        parts = []
        for (noun, action), value in sorted(self.counts.items(), key=lambda item: (item[0][1], item[0][0])):
            if value:
                parts.append(f"{value} {noun if value == 1 else _PLURALS.get(noun, noun + 's')} {action}")
        return ", ".join(parts) or "nothing to do"


_PLURALS = {"alias": "aliases"}


@transaction.atomic
def plan_import(*, parsed: ParsedPlan, adopted=None) -> ImportResult:
    """Creates or updates the plan `parsed` describes, so that the database says exactly what the input says.

    Re-importing the same input changes nothing (no row is saved, so the audit log stays quiet).
    """
    counts = Counter()
    plan = _upsert_plan(parsed, adopted, counts)
    result = ImportResult(plan, counts)
    resolver = _OrganisationResolver(result.counts)
    kept_directions, kept_measures = [], []
    position = 0
    for direction_position, parsed_direction in enumerate(parsed.directions, start=1):
        direction = _save(
            result.counts,
            "direction",
            Direction.objects.filter(plan=plan, number=parsed_direction.number).first()
            or Direction(plan=plan, number=parsed_direction.number),
            title=parsed_direction.title,
            position=direction_position,
        )
        kept_directions.append(direction.pk)
        for parsed_measure in parsed_direction.measures:
            position += 1
            measure = _save_measure(result.counts, plan, direction, parsed_measure, position)
            kept_measures.append(measure.pk)
            _sync_participations(result.counts, measure, parsed_measure, resolver)
    _delete(result.counts, "measure", Measure.objects.filter(plan=plan).exclude(pk__in=kept_measures))
    _delete(result.counts, "direction", Direction.objects.filter(plan=plan).exclude(pk__in=kept_directions))
    return result


def _upsert_plan(parsed: ParsedPlan, adopted, counts: Counter) -> Plan:
    predecessor = None
    if parsed.predecessor:
        predecessor, created = Plan.objects.get_or_create(
            title=parsed.predecessor.title,
            start_year=parsed.predecessor.adopted.year,
            defaults={
                "country": parsed.country,
                "end_year": parsed.start_year - 1,
                "adopted": parsed.predecessor.adopted,
            },
        )
        counts["predecessor plan", "created"] += created
    plan = Plan.objects.filter(title=parsed.title, start_year=parsed.start_year).first() or Plan(
        title=parsed.title, start_year=parsed.start_year
    )
    fields = {"country": parsed.country, "end_year": parsed.end_year}
    if predecessor:
        fields["predecessor_id"] = predecessor.pk
    if adopted or parsed.adopted:
        fields["adopted"] = adopted or parsed.adopted
    return _save(counts, "plan", plan, **fields)


def _save(counts: Counter, label: str, obj, **fields):
    """Saves `obj` with `fields` only if it is new or one of them differs; counts what happened."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if obj.pk is None:
        obj.full_clean()
        obj.save()
        counts[label, "created"] += 1
    elif changed:
        obj.full_clean()
        obj.save(update_fields=changed)
        counts[label, "updated"] += 1
    return obj


def _save_measure(counts: Counter, plan: Plan, direction: Direction, parsed: ParsedMeasure, position: int) -> Measure:
    measure = Measure.objects.filter(plan=plan, number=parsed.number).first() or Measure(
        plan=plan, number=parsed.number
    )
    return _save(
        counts,
        "measure",
        measure,
        direction_id=direction.pk,
        text=parsed.text,
        start_year=parsed.start_year,
        end_year=parsed.end_year,
        recurring=parsed.recurring,
        position=position,
    )


def _sync_participations(counts: Counter, measure: Measure, parsed: ParsedMeasure, resolver) -> None:
    existing = {(p.organisation_id, p.role): p for p in measure.participations.all()}
    wanted = []
    for participant in parsed.participants:
        key = (resolver.resolve(participant.spelling).pk, participant.role)
        if key not in wanted:
            wanted.append(key)
    for position, (organisation_id, role) in enumerate(wanted, start=1):
        participation = existing.pop((organisation_id, role), None) or Participation(
            measure=measure, organisation_id=organisation_id, role=role
        )
        _save(counts, "participation", participation, position=position)
    for participation in existing.values():
        participation.delete()
        counts["participation", "deleted"] += 1


def _delete(counts: Counter, label: str, queryset) -> None:
    for obj in queryset:
        obj.delete()
        counts[label, "deleted"] += 1


class _OrganisationResolver:
    """Finds the organisation a spelling means (by alias, then canonical name), creating it when new."""

    def __init__(self, counts: Counter):
        self.counts = counts
        self.by_spelling: dict[str, Organisation] = {}

    def resolve(self, spelling: str) -> Organisation:
        if spelling in self.by_spelling:
            return self.by_spelling[spelling]
        organisation = self._find(spelling) or self._create(canonical_name(spelling))
        # Every spelling met is kept, the canonical name included when a plan writes it that way.
        if not OrganisationAlias.objects.filter(name=spelling).exists():
            OrganisationAlias.objects.create(organisation=organisation, name=spelling)
            self.counts["alias", "created"] += 1
        self.by_spelling[spelling] = organisation
        return organisation

    @staticmethod
    def _find(spelling: str) -> Organisation | None:
        alias = (
            OrganisationAlias.objects.select_related("organisation")
            .annotate(lower=Lower("name"))
            .filter(lower=spelling.lower())
            .first()
        )
        if alias:
            return alias.organisation
        canonical = canonical_name(spelling)
        return Organisation.objects.annotate(lower=Lower("name")).filter(lower=canonical.lower()).first()

    def _create(self, name: str) -> Organisation:
        kind, is_class = organisation_kind(name)
        organisation = Organisation(name=name, kind=kind, is_class=is_class)
        organisation.full_clean()
        organisation.save()
        self.counts["organisation", "created"] += 1
        return organisation

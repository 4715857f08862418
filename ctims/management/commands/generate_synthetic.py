"""`manage.py generate_synthetic --scale demo|national|hub --seed N`: a deterministic synthetic history."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ctims.synthetic import MAX_YEARS, SCALES, SyntheticRefused, synthetic_generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic, deterministic data through the application's models: organisations "
        "and users, quarterly reporting, cases with referrals and services, hotline calls, criminal cases, "
        "trainings, awareness activities and donor support. Refuses a database that holds cases or reports."
    )

    def add_arguments(self, parser):
        scales = ", ".join(f"{s.name} ≈ {s.cases:,} cases, {s.reports:,} reports" for s in SCALES.values())
        parser.add_argument("--scale", required=True, choices=list(SCALES), help=scales)
        parser.add_argument("--seed", type=int, required=True, help="the same seed gives the same data")
        parser.add_argument(
            "--years",
            type=int,
            choices=range(1, MAX_YEARS + 1),
            metavar=f"1-{MAX_YEARS}",
            help="years of history from the plan's first year (default: the scale's)",
        )
        parser.add_argument("--password", default=settings.DEMO_PASSWORD, help="password of every user created")

    def handle(self, *args, scale, seed, years, password, **options):
        try:
            summary = synthetic_generate(scale=scale, seed=seed, years=years, password=password, stream=self.stderr)
        except SyntheticRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Synthetic data, scale {scale}, seed {seed}:")
        width = max(map(len, summary.counts))
        for table, count in summary.counts.items():
            self.stdout.write(f"  {table:<{width}}  {count:>10,} rows  {summary.seconds[table]:7.1f} s")
        total = sum(summary.counts.values())
        self.stdout.write(f"  {'total':<{width}}  {total:>10,} rows  {summary.total_seconds:7.1f} s")

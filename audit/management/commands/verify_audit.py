from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Checks the audit trail: recomputes every event's hash and follows the chain to its end. Prints the problems "
        "and exits with status 1 when an event was altered or deleted. Keep the last event's hash somewhere else too "
        "(a ticket, a signed e-mail): later it shows that nothing up to that event was rewritten."
    )

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            for problem in result.problems:
                self.stdout.write(problem)
            raise CommandError(
                f"Audit trail damaged: {_count(result.problem_count, 'problem')} "
                f"in {_count(result.checked, 'event')} checked."
            )
        self.stdout.write(f"Audit trail intact: {_count(result.checked, 'event')} checked.")
        if result.checked:
            self.stdout.write(f"Last event: {result.last_sequence}, hash {result.last_hash}")

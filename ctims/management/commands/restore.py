"""`manage.py restore ARCHIVE`: checks an archive of `manage.py backup` whole, then puts its database and uploaded
files in place of the current ones (ctims.backup)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ctims.backup import BackupError, backup_open, backup_restore, media_root


class Command(BaseCommand):
    help = (
        "Decrypts ARCHIVE with BACKUP_KEY and checks every part of it, its checksums and its migrations against this "
        "version of CTIMS; only then, once confirmed, replaces the whole database and every file under "
        "PRIVATE_MEDIA_ROOT with its content, and records the restore in the audit trail. Stop CTIMS and its timers "
        "first. On PostgreSQL, run it with the DATABASE_URL of the schema owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--yes", "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Restore without asking for confirmation.",
        )  # fmt: skip
        parser.add_argument("--check", action="store_true", help="Only check the archive; change nothing.")

    def handle(self, *args, archive: str, interactive: bool, check: bool, **options):
        try:
            with backup_open(archive) as checked:
                found = checked.summary
                self.stdout.write(
                    _("Archive {path} is intact: every part authenticated, every checksum matches.").format(
                        path=found.path
                    )
                )
                self.stdout.write(
                    _("Taken {taken_at} from {vendor}; {counts}.").format(
                        taken_at=found.created_at, vendor=found.vendor, counts=found.counts()
                    )
                )
                if check:
                    return
                if interactive and not self.confirmed():
                    raise CommandError(_("Restore cancelled: nothing was changed."))
                restored = backup_restore(archive=checked)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored: {counts}. Audit event {event} records the restore.").format(
                counts=restored.counts(), event=restored.event
            )
        )

    def confirmed(self) -> bool:
        question = _(
            "This replaces the whole database and every file under {root} with the archive's content; what is there "
            "now is lost. Type 'yes' to restore: "
        ).format(root=media_root())
        return input(question).strip().lower() == "yes"

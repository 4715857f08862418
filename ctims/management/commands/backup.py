"""`manage.py backup DIRECTORY`: an encrypted archive of the database and the uploaded files (ctims.backup)."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ctims.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Writes DIRECTORY/ctims-<UTC time>.backup: the database (SQLite's backup API or pg_dump) and every file under "
        "PRIVATE_MEDIA_ROOT, with a manifest of row counts and checksums, encrypted with BACKUP_KEY (AES-256-GCM). "
        "`manage.py restore` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the archive (mode 0600), e.g. /var/backups/ctims.")

    def handle(self, *args, directory: str, **options):
        try:
            summary = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in summary.warnings:
            self.stderr.write(_("Warning: {warning}").format(warning=warning))
        self.stdout.write(_("Archive: {path}").format(path=summary.path))
        self.stdout.write(
            _("Size: {size}; {counts}.").format(size=filesizeformat(summary.size), counts=summary.counts())
        )

"""What evidence may be uploaded: a size limit, and kinds recognised by their first bytes, not their names."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ATTACHMENT_TOO_LARGE = _("The file is {size}; files of at most {limit} can be attached.")
ATTACHMENT_EMPTY = _("The file is empty.")
ATTACHMENT_KIND_REFUSED = _("Only PDF, Word (.docx), Excel (.xlsx), OpenDocument, PNG and JPEG files can be attached.")

ZIP = b"PK\x03\x04"
# extension → (content type, first bytes)
ALLOWED = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
}


def check_upload(upload, *, max_bytes: int) -> str:
    """The content type to serve the file with; ValidationError when it is too big, empty or of a refused kind."""
    if upload.size > max_bytes:
        raise ValidationError(
            ATTACHMENT_TOO_LARGE.format(size=filesizeformat(upload.size), limit=filesizeformat(max_bytes))
        )
    if upload.size == 0:
        raise ValidationError(ATTACHMENT_EMPTY)
    allowed = ALLOWED.get(Path(upload.name).suffix.lower())
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if allowed is None or not head.startswith(allowed[1]):
        raise ValidationError(ATTACHMENT_KIND_REFUSED)
    return allowed[0]

"""What evidence may be uploaded: a size limit, and kinds recognised by their content, not their names."""

import zipfile
import zlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ATTACHMENT_HINT = _("PDF, Word, Excel, OpenDocument, PNG or JPEG, at most {limit}.")
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

# An Office Open XML or OpenDocument file is a ZIP archive, so its first bytes alone would let any archive in (a
# program, a script, a spreadsheet named .docx, a macro-enabled .docm). Each kind must have its main part, no macros.
OOXML_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
OOXML_MACROS = (b"macroEnabled", b"vbaProject")  # content types in [Content_Types].xml of .docm/.xlsm
ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
# What reading a damaged or hostile archive can raise.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    LookupError,
)


def check_upload(upload, *, max_bytes: int) -> str:
    """The content type to serve the file with; ValidationError when it is too big, empty or of a refused kind."""
    if upload.size > max_bytes:
        raise ValidationError(
            ATTACHMENT_TOO_LARGE.format(size=filesizeformat(upload.size), limit=filesizeformat(max_bytes))
        )
    if upload.size == 0:
        raise ValidationError(ATTACHMENT_EMPTY)
    suffix = Path(upload.name).suffix.lower()
    allowed = ALLOWED.get(suffix)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if allowed is None or not head.startswith(allowed[1]):
        raise ValidationError(ATTACHMENT_KIND_REFUSED)
    content_type, first_bytes = allowed
    if first_bytes == ZIP and not _is_office_document(upload, suffix=suffix, content_type=content_type):
        raise ValidationError(ATTACHMENT_KIND_REFUSED)
    return content_type


def _is_office_document(upload, *, suffix: str, content_type: str) -> bool:
    """Reads the archive's directory and at most one small part; never unpacks the rest."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if any(name.endswith("vbaProject.bin") or name.startswith(ODF_MACRO_FOLDERS) for name in names):
                return False
            if suffix in OOXML_MAIN_PART:
                if OOXML_MAIN_PART[suffix] not in names or "[Content_Types].xml" not in names:
                    return False
                with archive.open("[Content_Types].xml") as part:
                    declared = part.read(CONTENT_TYPES_MAX_BYTES)
                return not any(marker in declared for marker in OOXML_MACROS)
            # OpenDocument: the first part is named `mimetype` and holds the document's type (ODF 1.2, part 3, 3.3).
            first = archive.infolist()[0]
            if first.filename != "mimetype":
                return False
            with archive.open(first) as part:
                return part.read(len(content_type) + 1) == content_type.encode()
    except ZIP_ERRORS:
        return False
    finally:
        upload.seek(0)

"""Hostile evidence uploads: programs and scripts under a document's name, archives posing as Office documents,
oversized and empty files, and file names that try to leave the storage folder. Each is refused with a message and
leaves nothing behind; real documents of each allowed kind are stored under a random name.

Uploads are sent as raw multipart bodies, so the file name reaches the server exactly as an attacker writes it (the
test client would otherwise strip the folders from it first)."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from monitoring.attachments import ATTACHMENT_HINT, ATTACHMENT_KIND_REFUSED, ATTACHMENT_TOO_LARGE
from monitoring.models import ReportAttachment
from monitoring.tests.base import MonitoringTestCase

BOUNDARY = "ctims-test-boundary"
FILE_EMPTY = "The submitted file is empty."


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    document = Document()
    document.add_paragraph("Minutes of the working group, 3 March.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Officers trained"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format=kind)
    return buffer.getvalue()


def archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zip_file:
        for name, content in parts.items():
            zip_file.writestr(name, content)
    return buffer.getvalue()


def odt() -> bytes:
    return archive(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
            b"<office:body><office:text/></office:body></office:document-content>",
            "META-INF/manifest.xml": b"<manifest/>",
        }
    )


def with_macros(document: bytes) -> bytes:
    """The same document made macro-enabled, as Word saves a .docm."""
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    macro_main = b"application/vnd.ms-word.document.macroEnabled.main+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(main, macro_main)
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Sub AutoOpen() Shell(...) End Sub"
    return archive(parts)


WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SCRIPTED_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
SCRIPTED_HTML = b"<!doctype html><html><body><script>fetch('/api/cases/')</script></body></html>"


class HostileUploadTests(MonitoringTestCase):
    def setUp(self):
        self.report_ = self.report("13.2.1")
        self.login(self.bob)

    def upload(self, filename: str, content: bytes, *, disposition: str | None = None):
        disposition = disposition or f'filename="{filename}"'
        body = (
            (
                f"--{BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="file"; {disposition}\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        url = reverse("monitoring-attachment-upload", args=[self.report_.pk])
        return self.client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", follow=True)

    def stored_files(self) -> set[Path]:
        return {path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()}

    def assertRefused(self, filename: str, content: bytes, message: str) -> None:
        files_before = self.stored_files()
        response = self.upload(filename, content)
        self.assertContains(response, message)
        self.assertNotContains(response, "The file is attached.")
        self.assertFalse(ReportAttachment.objects.filter(report=self.report_).exists())
        self.assertEqual(self.stored_files(), files_before)

    def test_a_windows_program_named_report_pdf_is_refused(self):
        self.assertRefused("report.pdf", WINDOWS_PROGRAM, ATTACHMENT_KIND_REFUSED)

    def test_a_linux_program_named_docx_is_refused(self):
        self.assertRefused("minutes.docx", LINUX_PROGRAM, ATTACHMENT_KIND_REFUSED)

    def test_scripted_svg_and_html_named_png_are_refused(self):
        for content in (SCRIPTED_SVG, SCRIPTED_HTML):
            with self.subTest(content=content[:10]):
                self.assertRefused("photo.png", content, ATTACHMENT_KIND_REFUSED)

    def test_a_program_with_a_double_extension_is_refused_even_with_a_pdf_inside(self):
        for content in (WINDOWS_PROGRAM, pdf()):
            with self.subTest(content=content[:4]):
                self.assertRefused("report.pdf.exe", content, ATTACHMENT_KIND_REFUSED)

    def test_an_archive_of_programs_named_docx_is_refused(self):
        self.assertRefused("minutes.docx", archive({"setup.exe": WINDOWS_PROGRAM}), ATTACHMENT_KIND_REFUSED)

    def test_an_archive_with_only_the_package_list_is_refused(self):
        content = archive({"[Content_Types].xml": b"<Types/>", "payload.exe": WINDOWS_PROGRAM})
        self.assertRefused("minutes.docx", content, ATTACHMENT_KIND_REFUSED)

    def test_a_spreadsheet_named_docx_is_refused(self):
        self.assertRefused("minutes.docx", xlsx(), ATTACHMENT_KIND_REFUSED)

    def test_a_macro_enabled_word_document_named_docx_is_refused(self):
        self.assertRefused("minutes.docx", with_macros(docx()), ATTACHMENT_KIND_REFUSED)

    def test_an_opendocument_with_macros_is_refused(self):
        content = archive({"mimetype": b"application/vnd.oasis.opendocument.text", "Basic/Standard/Module1.xml": b""})
        self.assertRefused("minutes.odt", content, ATTACHMENT_KIND_REFUSED)

    def test_a_damaged_archive_is_refused(self):
        self.assertRefused("minutes.docx", docx()[:200], ATTACHMENT_KIND_REFUSED)

    @override_settings(ATTACHMENT_MAX_BYTES=1000)
    def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_not(self):
        content = pdf()
        padded = content + b"%" * (1000 - len(content))
        message = ATTACHMENT_TOO_LARGE.format(size=filesizeformat(1001), limit=filesizeformat(1000))
        self.assertRefused("minutes.pdf", padded + b"%", message)
        self.assertContains(self.upload("minutes.pdf", padded), "The file is attached.")
        self.assertEqual(self.report_.attachments.get().size, 1000)

    def test_an_empty_file_is_refused(self):
        self.assertRefused("minutes.pdf", b"", FILE_EMPTY)

    def test_folders_in_the_file_name_are_dropped_and_the_file_stays_in_the_private_folder(self):
        root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
        dispositions = {
            "unix": 'filename="../../etc/passwd.pdf"',
            "windows": 'filename="..\\\\..\\\\Windows\\\\passwd.pdf"',
            "encoded": "filename*=UTF-8''..%2F..%2Fetc%2Fpasswd.pdf",
        }
        for case, disposition in dispositions.items():
            with self.subTest(case=case):
                files_before = self.stored_files()
                response = self.upload("", pdf(), disposition=disposition)
                self.assertContains(response, "The file is attached.")
                attachment = ReportAttachment.objects.filter(report=self.report_).latest("pk")
                self.assertEqual(attachment.original_name, "passwd.pdf")
                (new_file,) = self.stored_files() - files_before
                self.assertTrue(new_file.resolve().is_relative_to(root))
                self.assertNotIn("passwd", str(new_file))
                self.assertFalse(Path(root.parent.parent, "etc", "passwd.pdf").exists())


class GenuineUploadTests(MonitoringTestCase):
    @override_settings(ATTACHMENT_MAX_BYTES=2 * 1024 * 1024)
    def test_the_form_names_the_limit_in_force(self):
        self.login(self.bob)
        page = self.client.get(reverse("monitoring-report-edit", args=[self.report("13.2.1").pk]))
        self.assertContains(page, str(ATTACHMENT_HINT).format(limit=filesizeformat(2 * 1024 * 1024)))

    def test_each_allowed_kind_is_stored_under_a_random_name(self):
        report = self.report("13.2.1")
        self.login(self.bob)
        documents = {
            "minutes.pdf": (pdf(), "application/pdf"),
            "minutes.docx": (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "results.xlsx": (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "minutes.odt": (odt(), "application/vnd.oasis.opendocument.text"),
            "photo.png": (image("PNG"), "image/png"),
            "photo.jpg": (image("JPEG"), "image/jpeg"),
        }
        url = reverse("monitoring-attachment-upload", args=[report.pk])
        for name, (content, content_type) in documents.items():
            with self.subTest(name=name):
                upload = io.BytesIO(content)
                upload.name = name
                response = self.client.post(url, {"file": upload}, follow=True)
                self.assertContains(response, "The file is attached.")
                attachment = report.attachments.get(original_name=name)
                self.assertEqual((attachment.content_type, attachment.size), (content_type, len(content)))
                self.assertNotIn(Path(name).stem, attachment.file.name)
                self.assertNotIn(Path(name).suffix, attachment.file.name)
                with attachment.file.open("rb") as stored:
                    self.assertEqual(stored.read(), content)

"""Issuing the annual report, and handing out its files."""

from django.db import IntegrityError, transaction

from audit.services import event_record
from reports import render
from reports.build import Report, report_build
from reports.models import IssuedReport

RENDERERS = {"pdf": render.pdf, "docx": render.docx, "xlsx": render.xlsx}


def report_file(report: Report, fmt: str) -> bytes:
    return RENDERERS[fmt](report)


def report_issue(*, year: int, edition: str, actor, language: str | None = None, note: str = "") -> IssuedReport:
    """Build the report from today's data and freeze it, its figures and its three files, as the next version.

    The files (seconds of work) are drawn before the short transaction that stores them, so nothing is locked
    meanwhile. Two issues at once may pick the same version number: the unique constraint on (year, edition,
    language, version) refuses the second, which is then drawn again as the version after.
    """
    report = report_build(year=year, edition=edition, language=language)
    for _attempt in range(3):
        issued = _issued(report, actor=actor, note=note)
        try:
            with transaction.atomic():
                issued.save()
                event_record(
                    actor=actor,
                    action="annual_report.issue",
                    obj=issued,
                    details={"year": year, "edition": edition, "version": issued.version, "language": report.language},
                )
            return issued
        except IntegrityError:
            continue
    raise IntegrityError(f"Could not issue the {year} {edition} report: others were issuing it at the same time.")


def _issued(report: Report, *, actor, note: str) -> IssuedReport:
    versions = IssuedReport.objects.filter(year=report.year, edition=report.edition, language=report.language)
    report.version = max(versions.values_list("version", flat=True), default=0) + 1
    issued = IssuedReport(
        year=report.year,
        edition=report.edition,
        version=report.version,
        language=report.language,
        issued_by=actor,
        note=note,
    )
    report.issued_at = issued.issued_at.isoformat(timespec="seconds")
    issued.content = report.to_dict()
    for fmt, draw in RENDERERS.items():
        setattr(issued, fmt, draw(report))
    issued.full_clean(exclude=["checksums"])
    return issued


def issued_report(issued: IssuedReport) -> Report:
    return Report.from_dict(issued.content)

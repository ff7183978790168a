"""Uploaded documents (impact statements with a remiss and its answers): PDF and DOCX only,
recognised by their content and not their name, within a size limit, stored under a random
name outside the static root, and served only by views that have checked who may read them,
as a download that the browser may not sniff into something else."""

import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Parts every Word document (Office Open XML) has; a renamed .xlsx or .zip has not.
_DOCX_PARTS = {"[Content_Types].xml", "word/document.xml"}


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def document_kind(uploaded) -> str:
    """PDF or DOCX by the bytes of the file; ValidationError with a Swedish message else."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("Filen är tom."), code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("Filen är större än %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        finally:
            uploaded.seek(0)
        if names >= _DOCX_PARTS:
            return DOCX
    raise ValidationError(
        _("Bara PDF- och Word-dokument (DOCX) kan laddas upp. Filen är inget av dem."),
        code="wrong_type",
    )


def safe_download_name(name: str, kind: str) -> str:
    """The uploader's file name, cut to its last part and given the extension of its real
    content, for the download's Content-Disposition."""
    stem = PurePath(name.replace("\\", "/")).stem.strip()[:120] or _("dokument")
    return f"{stem}.{kind}"


class DocumentField(forms.FileField):
    """A form field for a PDF or DOCX; `cleaned_data` holds the file with `.document_kind`."""

    default_error_messages = {
        "invalid": gettext_lazy("Välj en fil."),
        "missing": gettext_lazy("Välj en fil."),
        "empty": gettext_lazy("Filen är tom."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": ".pdf,.docx,application/pdf," + CONTENT_TYPES[DOCX]}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and uploaded is not initial and hasattr(uploaded, "read"):
            uploaded.document_kind = document_kind(uploaded)
        return uploaded


def document_response(field_file, download_name: str) -> FileResponse:
    """A stored document as a download: attachment, its real content type, no sniffing."""
    kind = PurePath(download_name).suffix.lstrip(".").lower()
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=download_name,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

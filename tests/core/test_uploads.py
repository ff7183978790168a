"""Uploads are recognised by their content: a PDF and a Word document pass, a renamed
executable, a renamed spreadsheet, an empty file and an oversized one are refused with a
clear message; downloads are attachments the browser may not sniff."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core import uploads


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def zip_bytes(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("konsekvensbeskrivning.pdf", pdf_bytes(), "pdf"),
        ("Konsekvenser.DOCX", docx_bytes(), "docx"),
        ("utan-filändelse", pdf_bytes(), "pdf"),
        ("fel-namn.docx", pdf_bytes(), "pdf"),  # the content decides, not the name
    ],
)
def test_pdf_and_docx_are_recognised_by_their_content(name, content, kind):
    assert uploads.document_kind(upload(name, content)) == kind


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Bara PDF- och Word"),
        ("skript.docx", b"#!/bin/sh\nrm -rf /\n", "Bara PDF- och Word"),
        ("tabell.docx", zip_bytes(["[Content_Types].xml", "xl/workbook.xml"]), "Bara PDF"),
        ("trasig.docx", b"PK\x03\x04" + b"\x00" * 40, "Bara PDF- och Word"),
        ("tom.pdf", b"", "Filen är tom."),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Bara PDF- och Word"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as refused:
        uploads.document_kind(upload(name, content))
    assert message in " ".join(refused.value.messages)


def test_a_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf_bytes() + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        uploads.document_kind(upload("stor.pdf", big))
    assert refused.value.messages == ["Filen är större än 1 MB."]


def test_the_form_field_refuses_a_renamed_executable_beside_the_field():
    from django import forms

    class Form(forms.Form):
        document = uploads.DocumentField(label="Dokument")

    form = Form(data={}, files={"document": upload("ok.pdf", b"MZ" + b"\x00" * 100)})
    assert not form.is_valid()
    assert "Bara PDF- och Word" in form.errors["document"][0]
    form = Form(data={}, files={"document": upload("ok.pdf", pdf_bytes())})
    assert form.is_valid()
    assert form.cleaned_data["document"].document_kind == "pdf"


@pytest.mark.parametrize(
    "name, kind, expected",
    [
        ("Konsekvenser Region Skåne.docx", "docx", "Konsekvenser Region Skåne.docx"),
        ("..\\..\\windows\\system32\\evil.exe", "pdf", "evil.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("", "pdf", "dokument.pdf"),
    ],
)
def test_the_download_name_keeps_only_the_last_part_and_the_real_extension(name, kind, expected):
    assert uploads.safe_download_name(name, kind) == expected


def test_a_document_is_served_as_an_attachment_that_is_not_sniffed(tmp_path, settings):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save("remiss/abc.pdf", ContentFile(pdf_bytes()))

    class Field:
        def open(self, mode):
            return storage.open(stored, mode)

    response = uploads.document_response(Field(), "Konsekvensbeskrivning.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == pdf_bytes()

"""The response table as a spreadsheet: XLSX (openpyxl) and CSV for Swedish Excel, one row
per comment.

Both are formula-safe. What people wrote is data, never something a spreadsheet runs: a
value starting with =, +, -, @, a tab or a carriage return would be taken as a formula (or
DDE) on opening. In XLSX every value is written as a string cell (`t="inlineStr"`), which no
spreadsheet evaluates, and such a value also gets Excel's quote prefix so that editing the
cell keeps it text; the value itself comes back unchanged. CSV has no types, so such a value
is written with a leading apostrophe, which Excel shows as text and hides. Everything else
comes back exactly as written."""

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 cannot hold some characters at all (control characters, U+FFFE, U+FFFF, lone
# surrogates): OOXML writes each as _xHHHH_, which Excel and LibreOffice read back as the
# character (openpyxl leaves it for `openpyxl.utils.escape.unescape`). Carriage returns go the
# same way, since an XML parser turns them into line feeds; and text that itself looks like
# such an escape keeps its underscore as _x005F_, so that it is not read as one.
_XLSX_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)|([\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff])")
XLSX_MAX_CHARS = 32_767
SHEET_TITLE_MAX = 31


def columns() -> list[str]:
    return [
        _("Avsnitt"),
        _("Block"),
        _("Remissinstans"),
        _("Typ"),
        _("Citat"),
        _("Synpunkt"),
        _("Beslut"),
        _("Bemötande"),
    ]


def rows(reading) -> list[list[str]]:
    """One row per comment of a `responses.read_round()` reading, in the table's order."""
    out = []
    for item in reading.comments:
        comment, response = item.comment, item.response
        out.append(
            [
                item.section_title,
                item.block_label,
                item.organisation.name,
                item.type_label,
                comment.quote,
                comment.text,
                item.decision_label,
                response.motivation if response else "",
            ]
        )
    return out


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_value(value: str) -> str:
    return "'" + value if looks_like_formula(value) else value


def _xlsx_escape(match) -> str:
    if match.group(1):
        return "_x005F_" + match.group(1)[1:]
    return f"_x{ord(match.group(2)):04X}_"


def xlsx_value(value: str) -> str:
    return _XLSX_ESCAPE.sub(_xlsx_escape, value)[:XLSX_MAX_CHARS]


def to_csv(header: list[str], data: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark and ";" between fields, as Swedish Excel opens it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_value(v) for v in header])
    for row in data:
        writer.writerow([csv_value(v or "") for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], data: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=col)
        _set_text(cell, name)
        cell.font = bold
    for r, row in enumerate(data, start=2):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=col)
            _set_text(cell, value or "")
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    if data:
        sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGH", (24, 30, 24, 18, 40, 60, 18, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell, value: str) -> None:
    if not value:
        return  # an empty cell, not an empty string
    # Assigning a string starting with "=" makes openpyxl a formula cell: set the type back.
    cell.value = xlsx_value(value)
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or _("Remissammanställning")
    return cleaned[:SHEET_TITLE_MAX]

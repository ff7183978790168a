"""The response table as XLSX (openpyxl) and CSV: one row per comment with the columns
Avsnitt, Block, Remissinstans, Typ, Citat, Synpunkt, Beslut, Bemötande; values a spreadsheet
would run as a formula are shown as text; naughty strings come back exactly otherwise."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from apps.remiss import exports
from apps.remiss.models import Decision
from apps.remiss.responses import response_record
from tests.factories import organisation
from tests.remiss.helpers import (
    close,
    comments_of,
    open_on_complete_edition,
    write_answer,
)

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parents[1] / "data" / "blns.json").read_text())
COLUMNS = ["Avsnitt", "Block", "Remissinstans", "Typ", "Citat", "Synpunkt", "Beslut", "Bemötande"]
FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("https://example.org";"klicka")',
    "=cmd|' /C calc'!A0",
    "-2+3",
]


def xlsx_url(r, query=""):
    return reverse("remiss:table_xlsx", kwargs={"pk": r.consultation.pk}) + query


def csv_url(r, query=""):
    return reverse("remiss:table_csv", kwargs={"pk": r.consultation.pk}) + query


def workbook_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8")[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture
def answered(db):
    orgs = [organisation("blekinge"), organisation("dalarna")]
    r = open_on_complete_edition(recipients=orgs)
    write_answer(r, orgs[0], 3, texts=["Första synpunkten.", *FORMULAS])
    write_answer(r, orgs[1], 2)
    r = close(r)
    first = comments_of(r).first()
    response_record(actor=r.author, comment=first, decision=Decision.PARTLY, motivation="=2*3")
    return r


def test_the_xlsx_opens_with_one_row_per_comment_and_the_right_columns(client_for, answered):
    answer = client_for(answered.editor).get(xlsx_url(answered))

    assert answer.status_code == 200
    assert answer["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer["Content-Disposition"].startswith("attachment; filename=")
    assert answer["X-Content-Type-Options"] == "nosniff"
    rows = workbook_rows(answer.content)
    assert [c.value for c in rows[0]] == COLUMNS
    assert len(rows) - 1 == comments_of(answered).count() == 5
    first = comments_of(answered).first()
    row = next(r for r in rows[1:] if r[5].value == first.text)
    assert [c.value for c in row] == [
        first.snapshot_block.section.title,
        row[1].value,
        "Region Blekinge",
        first.get_type_display(),
        first.quote,
        first.text,
        "Delvis tillgodosedd",
        "=2*3",
    ]
    assert row[1].value.startswith("1. ")


def test_formula_values_are_text_cells_with_the_value_unchanged(client_for):
    orgs = [organisation("blekinge")]
    r = open_on_complete_edition(recipients=orgs)
    write_answer(r, orgs[0], len(FORMULAS), texts=FORMULAS)
    r = close(r)

    rows = workbook_rows(client_for(r.author).get(xlsx_url(r)).content)

    texts = [row[5] for row in rows[1:]]
    assert sorted(unescape(c.value) for c in texts) == sorted(FORMULAS)
    for cell in texts:
        assert cell.data_type == "s", cell.value
        assert cell.quotePrefix, cell.value
    plain = [c for c in texts if "\r" not in unescape(c.value)]
    assert {c.value for c in plain} == {f for f in FORMULAS if "\r" not in f}


def test_the_csv_is_utf8_with_bom_and_semicolons_and_formulas_shown_as_text(client_for, answered):
    answer = client_for(answered.editor).get(csv_url(answered))

    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert b";" in answer.content.split(b"\r\n", 1)[0]
    rows = csv_rows(answer.content)
    assert rows[0] == COLUMNS
    assert len(rows) - 1 == 5
    texts = [row[5] for row in rows[1:]]
    assert "Första synpunkten." in texts
    for formula in FORMULAS[:2]:
        assert "'" + formula in texts and formula not in texts
    first = next(row for row in rows[1:] if row[5] == "Första synpunkten.")
    assert first[6:] == ["Delvis tillgodosedd", "'=2*3"]


def test_the_exports_follow_the_tables_filters(client_for, answered):
    client = client_for(answered.editor)
    blekinge = answered.consultation.recipient_rows.get(organisation__code="blekinge")

    rows = workbook_rows(client.get(xlsx_url(answered, f"?mottagare={blekinge.pk}")).content)
    lines = csv_rows(client.get(csv_url(answered, "?bemotande=missing")).content)

    assert {r[2].value for r in rows[1:]} == {"Region Blekinge"} and len(rows) == 4
    assert len(lines) - 1 == 4


def test_every_naughty_string_comes_back_exactly(client_for):
    orgs = [organisation("blekinge")]
    r = open_on_complete_edition(recipients=orgs)
    texts = [t for t in BLNS if t]
    write_answer(r, orgs[0], len(texts), texts=texts, quote_words=0)
    r = close(r)
    client = client_for(r.author)

    sheet = workbook_rows(client.get(xlsx_url(r)).content)
    lines = csv_rows(client.get(csv_url(r)).content)

    from_xlsx = sorted(unescape(row[5].value) for row in sheet[1:])
    assert from_xlsx == sorted(texts)
    # Only what XML cannot hold comes back as an OOXML escape, which a spreadsheet reads back.
    escaped = [row[5].value for row in sheet[1:] if unescape(row[5].value) != row[5].value]
    assert all(
        any(ord(ch) < 32 and ch not in "\t\n" or ch in "\ufffe\uffff" for ch in unescape(v))
        for v in escaped
    )
    written = [line[5] for line in lines[1:]]
    from_csv = sorted(
        v[1:] if v.startswith("'") and exports.looks_like_formula(v[1:]) else v for v in written
    )
    assert from_csv == sorted(texts)


# ---------------------------------------------------------------- the functions


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_start_is_prefixed_in_csv(value):
    assert exports.csv_value(value) == "'" + value


@pytest.mark.parametrize("value", ["1+1", "Ja = nej", "a-b", "mejl@exempel.se", "'citat", ""])
def test_other_values_are_left_alone_in_csv(value):
    assert exports.csv_value(value) == value


def test_text_that_looks_like_an_ooxml_escape_keeps_its_underscore():
    content = exports.to_xlsx(["A"], [["_x0041_ och \x01"]], "Blad")
    cell = load_workbook(io.BytesIO(content)).active["A2"]

    assert cell.value == "_x005F_x0041_ och _x0001_"
    assert unescape(cell.value) == "_x0041_ och \x01"


def test_a_sheet_title_loses_the_characters_excel_refuses():
    content = exports.to_xlsx(["A"], [], "KS-0001 1.0: [a/b]*?" + "x" * 40)
    title = load_workbook(io.BytesIO(content)).active.title

    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")

"""What only PostgreSQL's search does: the stored weighted vector behind a GIN index, and
small misspellings of titles and diagnosis names forgiven through pg_trgm. Skipped on
SQLite; CI runs the suite on PostgreSQL too, where these run."""

import pytest
from django.db import connection

from apps.publishing.search import Filters, parse_query, search_documents
from tests.authoring.helpers import person
from tests.publishing.search_builders import public

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL full-text search (CI runs it)"
    ),
]


@pytest.fixture
def author():
    return person("author")


@pytest.fixture
def editor():
    return person("national_editor")


def found(query: str) -> list[str]:
    _, ranked = search_documents(parse_query(query), Filters())
    return [document.title for document in ranked]


def test_a_misspelled_diagnosis_name_finds_the_support(author, editor):
    public(author, editor, "Hjärtsvikt – behandling", "Text om vården.", diagnoses=["I50.9"])
    public(author, editor, "Astma", "Text om vården.", diagnoses=["J45.9"])

    assert found("hart failur") == ["Hjärtsvikt – behandling"]
    assert found("astma unspecifid") == ["Astma"]


def test_a_misspelled_title_finds_the_support(author, editor):
    public(author, editor, "Hjärtsvikt – behandling", "Text om vården.")
    public(author, editor, "Förmaksflimmer", "Text om vården.")

    assert found("hjärtsvit") == ["Hjärtsvikt – behandling"]
    assert found("förmaksflimer") == ["Förmaksflimmer"]


def test_an_exact_word_ranks_above_a_similar_misspelling(author, editor):
    public(author, editor, "Hjärtsvikt", "Text om vården.")
    public(author, editor, "Hjärtsvikt hos barn", "Text om vården.")

    # Both titles hold the word; the one with nothing else in its title comes first.
    assert found("hjärtsvikt")[0] in {"Hjärtsvikt", "Hjärtsvikt hos barn"}
    assert set(found("hjärtsvkt")) == {"Hjärtsvikt", "Hjärtsvikt hos barn"}


def test_the_stored_vector_weighs_title_diagnoses_and_text(author, editor):
    support = public(
        author, editor, "Hjärtsvikt", "Ekokardiografi görs tidigt.", diagnoses=["I50.9"]
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector::text FROM publishing_searchdocument WHERE support_id = %s",
            [support.pk],
        )
        (vector,) = cursor.fetchone()

    assert "'hjärtsvik':1A" in vector
    assert "'i50.9':2B" in vector
    assert "'ekokardiografi':" in vector and "C" in vector.split("'ekokardiografi':")[1][:6]


def test_the_index_has_its_gin_indexes_and_the_trigram_extension():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'publishing_searchdocument'"
        )
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_trgm = cursor.fetchone() is not None

    assert "USING gin (vector)" in indexes["search_doc_vector_gin"]
    assert "gin_trgm_ops" in indexes["search_doc_title_trgm"]
    assert "gin_trgm_ops" in indexes["search_doc_diagnoses_trgm"]
    assert has_trgm

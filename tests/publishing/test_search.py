"""Search over published supports, on whichever database the suite runs on (SQLite by
default, PostgreSQL in CI): Swedish inflections, where a word was found, what a filter
narrows, and what is never found. The PostgreSQL-only behaviour (misspellings) is in
test_search_postgres.py."""

import pytest

from apps.authoring.models import CareLevel
from apps.publishing.search import Filters, parse_query, search_documents
from apps.publishing.swedish import stem
from tests.authoring.helpers import add_block, care_pathway, person
from tests.factories import npo
from tests.publishing.helpers import next_edition
from tests.publishing.search_builders import draft, first_section, public

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return person("author")


@pytest.fixture
def editor():
    return person("national_editor")


def found(query: str, filters: Filters | None = None) -> list[str]:
    _, ranked = search_documents(parse_query(query), filters or Filters())
    return [document.title for document in ranked]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("behandlingar", "behandling"),
        ("behandling", "behandling"),
        ("hjärtsvikten", "hjärtsvik"),
        ("hjärtsvikt", "hjärtsvik"),
        ("patienterna", "patient"),
        ("rekommendationer", "rekommendation"),
        ("sjukdomar", "sjukdom"),
        ("kliniska", "klinisk"),
        ("förmaksflimmer", "förmaksflimm"),
    ],
)
def test_swedish_stems_match_postgresqls_snowball_stemmer(word, expected):
    assert stem(word) == expected


def test_a_query_keeps_its_words_without_stop_words_or_repeats():
    terms = parse_query("  Behandling  och behandling av I50.9 ")

    assert terms.text == "Behandling och behandling av I50.9"
    assert terms.words == ("behandling", "i50.9")
    assert terms.stems == ("behandling", "i50.9")


def test_a_query_of_only_stop_words_searches_for_nothing():
    assert not parse_query("och för att")


def test_an_inflected_word_finds_the_support_with_its_base_form(author, editor):
    public(author, editor, "Hjärtsvikt – behandling", "Tidig behandling minskar dödligheten.")
    public(author, editor, "Astma hos barn", "Inhalationssteroider ges som underhåll.")

    assert found("behandlingar") == ["Hjärtsvikt – behandling"]
    assert found("dödlighet") == ["Hjärtsvikt – behandling"]


def test_the_start_of_a_word_finds_the_whole_word(author, editor):
    public(author, editor, "Förmaksflimmer – utredning", "Antikoagulantia vid förmaksflimmer.")

    assert found("förmaksfli") == ["Förmaksflimmer – utredning"]
    assert found("antikoag") == ["Förmaksflimmer – utredning"]


def test_every_word_of_the_query_must_be_found_somewhere_in_the_support(author, editor):
    public(
        author,
        editor,
        "Hjärtsvikt – behandling",
        "Betablockerare trappas upp.",
        diagnoses=["I50.9"],
    )
    public(author, editor, "Hypertoni", "Betablockerare är inte förstahandsval.")

    assert found("betablockerare hjärtsvikt") == ["Hjärtsvikt – behandling"]
    assert found("betablockerare i50") == ["Hjärtsvikt – behandling"]
    assert sorted(found("betablockerare")) == ["Hjärtsvikt – behandling", "Hypertoni"]


def test_diagnosis_codes_and_names_are_searched(author, editor):
    public(author, editor, "Hjärtsvikt – behandling", "Text.", diagnoses=["I50.9"])
    public(author, editor, "Förmaksflimmer", "Text.", diagnoses=["I48.9"])

    assert found("I50.9") == ["Hjärtsvikt – behandling"]
    assert found("i48") == ["Förmaksflimmer"]
    assert found("heart failure") == ["Hjärtsvikt – behandling"]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(author, editor):
    public(
        author,
        editor,
        "Hjärtsvikt – uppföljning",
        "Ekokardiografi görs vid debut. Ekokardiografi upprepas vid försämring, och "
        "ekokardiografi behövs före byte av läkemedel.",
    )
    public(
        author, editor, "Ekokardiografi vid klaffsjukdom", "Undersökningen görs av en specialist."
    )

    assert found("ekokardiografi") == [
        "Ekokardiografi vid klaffsjukdom",
        "Hjärtsvikt – uppföljning",
    ]


def test_a_diagnosis_ranks_above_the_text(author, editor):
    public(author, editor, "Första stödet", "Patienter med heart failure ska följas.")
    public(author, editor, "Andra stödet", "Ingenting om det.", diagnoses=["I50.9"])

    assert found("heart failure") == ["Andra stödet", "Första stödet"]


def test_filters_narrow_to_the_npo_product_type_care_level_and_diagnosis(author, editor):
    lungs = npo("lung-och-allergisjukdomar")
    lung_author = person("author", area=lungs)
    public(author, editor, "Hjärtsvikt – behandling", "Vanlig text.", diagnoses=["I50.9"])
    public(
        author,
        editor,
        "Hjärtsvikt – vårdförlopp",
        "Vanlig text.",
        product_type=care_pathway(),
        diagnoses=["I50.0"],
    )
    public(
        author,
        editor,
        "Hjärttransplantation",
        "Vanlig text.",
        level="specialised",
        diagnoses=["Z94.1"],
    )
    public(lung_author, editor, "KOL – behandling", "Vanlig text.", area=lungs, diagnoses=["J44.9"])

    assert found("text", Filters(programme_area=lungs)) == ["KOL – behandling"]
    assert found("text", Filters(product_type=care_pathway())) == ["Hjärtsvikt – vårdförlopp"]
    assert "Hjärttransplantation" not in found("text", Filters(care_level=CareLevel.PRIMARY))
    assert sorted(found("text", Filters(care_level=CareLevel.SPECIALISED))) == [
        "Hjärtsvikt – behandling",
        "Hjärtsvikt – vårdförlopp",
        "Hjärttransplantation",
        "KOL – behandling",
    ]
    assert sorted(found("", Filters(diagnosis_code="I50"))) == [
        "Hjärtsvikt – behandling",
        "Hjärtsvikt – vårdförlopp",
    ]
    assert found("", Filters(diagnosis_code="I50.0")) == ["Hjärtsvikt – vårdförlopp"]
    assert found("", Filters(diagnosis_name="chronic obstructive")) == ["KOL – behandling"]


def test_a_diagnosis_name_filter_ignores_case_beyond_ascii(author, editor):
    # The ICD-10 list's descriptions are English, but a name filter must fold "Ö" like "ö"
    # on SQLite too, whose own LIKE folds only ASCII.
    support = public(author, editor, "Öronsus", "Text.", diagnoses=["H93.1"])
    support.diagnoses.update(description="Öronsus (tinnitus)")

    assert found("", Filters(diagnosis_name="öronsus")) == ["Öronsus"]


def test_unpublished_text_is_never_found(author, editor):
    draft(author, "Hemligt utkast", "Hemlighetsfull behandlingsplan.")
    published = public(author, editor, "Publicerat stöd", "Öppen text.")
    add_block(author, first_section(next_edition(author, published)), "Hemlighetsfull ändring.")

    assert found("hemlighetsfull") == []
    assert found("hemligt") == []
    assert found("öppen") == ["Publicerat stöd"]

"""The reading site's start page at `/`: lists before anything is asked, then a search with
filters, highlighted and escaped results, pages, Swedish messages for bad values, what
signed-in readers see besides, and the public cache."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.publishing.views import search as search_view
from tests.authoring.helpers import care_pathway, move_to, person, take, working_edition
from tests.factories import UserFactory, npo
from tests.publishing.search_builders import draft, public

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return person("author")


@pytest.fixture
def editor():
    return person("national_editor")


def page(client, query: str = "", status: int = 200) -> str:
    response = client.get(f"/?{query}" if query else "/")
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def result_titles(html: str) -> list[str]:
    """The titles in the public result list, as a reader sees them (marks removed)."""
    section = html.split('id="search-results"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'<h3 class="search-result__title"><a href="[^"]+">(.*?)</a>', section)
    return [re.sub(r"</?mark>", "", t) for t in titles]


def unpublished_section(html: str) -> str:
    if 'id="search-unpublished"' not in html:
        return ""
    return html.split('id="search-unpublished"', 1)[1].split("</section>", 1)[0]


def test_the_start_page_lists_the_latest_publications_and_the_npos_and_product_types(
    client, author, editor
):
    public(author, editor, "Hjärtsvikt – behandling", "Text.")
    public(author, editor, "Hjärtsvikt – vårdförlopp", "Text.", product_type=care_pathway())

    html = page(client)

    recent = html.split('id="start-recent"', 1)[1].split("</section>", 1)[0]
    assert "Senast publicerade och uppdaterade" in recent
    assert "/stod/hjartsvikt-behandling" in recent and "/stod/hjartsvikt-vardforlopp" in recent
    assert "version 1.0" in recent
    assert '<a href="?npo=npo-hjart-och-karlsjukdomar">Hjärt- och kärlsjukdomar</a>' in html
    assert '<span class="muted">(2)</span>' in html
    assert '<a href="?produkttyp=vardforlopp">' in html
    assert "Visa alla 2 publicerade kunskapsstöd" in html
    assert '<form method="get" action="/" role="search" id="search-form"' in html


def test_the_start_page_says_when_nothing_is_published(client, author):
    draft(author, "Utkast", "Text.")

    html = page(client)

    assert "Inga kunskapsstöd är publicerade ännu." in html
    assert "Utkast" not in html.split('id="search-form"', 1)[0].split("<h1>", 1)[1]


def test_a_search_shows_highlighted_results_with_their_facts(client, author, editor):
    public(
        author,
        editor,
        "Hjärtsvikt – behandling",
        "Patienter med nedsatt ejektionsfraktion bör få tidig behandling.",
        diagnoses=["I50.9"],
    )
    public(author, editor, "Astma", "Inhalationssteroider.")

    html = page(client, "q=behandlingar")

    assert result_titles(html) == ["Hjärtsvikt – behandling"]
    assert "1 träff för ”behandlingar”" in html
    assert "Hjärtsvikt – <mark>behandling</mark>" in html
    assert "bör få tidig <mark>behandling</mark>." in html
    assert "Kliniskt kunskapsstöd · Hjärt- och kärlsjukdomar · version 1.0 · publicerad" in html
    assert '<span lang="en">I50.9 Heart failure, unspecified</span>' in html
    assert 'value="behandlingar"' in html  # the query stays in the box


def test_titles_and_text_are_escaped_and_only_the_marks_are_markup(client, author, editor):
    public(
        author,
        editor,
        "<script>alert(1)</script> Ekokardiografi",
        "Dosen 5 < 10 mg & ekokardiografi <img src=x onerror=alert(2)> görs.",
    )

    html = page(client, "q=ekokardiografi")

    results = html.split('id="search-results"', 1)[1].split("</section>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Ekokardiografi</mark>" in results
    assert "<script" not in results and "<img" not in results
    assert "5 &lt; 10 mg &amp; <mark>ekokardiografi</mark>" in results


def test_a_title_hit_is_listed_before_a_text_hit(client, author, editor):
    public(author, editor, "Hjärtsvikt", "Ekokardiografi görs tidigt och ekokardiografi upprepas.")
    public(author, editor, "Ekokardiografi", "Undersökningen görs av en specialist.")

    assert result_titles(page(client, "q=ekokardiografi")) == ["Ekokardiografi", "Hjärtsvikt"]


def test_the_filters_narrow_the_results(client, author, editor):
    lungs = npo("lung-och-allergisjukdomar")
    public(author, editor, "Hjärtsvikt – behandling", "Vanlig text.", diagnoses=["I50.9"])
    public(author, editor, "Hjärtsvikt – vårdförlopp", "Vanlig text.", product_type=care_pathway())
    public(author, editor, "Transplantation", "Vanlig text.", level="specialised")
    public(person("author", area=lungs), editor, "KOL", "Vanlig text.", area=lungs)

    assert result_titles(page(client, "q=text&npo=npo-lung-och-allergisjukdomar")) == ["KOL"]
    assert result_titles(page(client, "produkttyp=vardforlopp")) == ["Hjärtsvikt – vårdförlopp"]
    assert "Transplantation" not in result_titles(page(client, "q=text&vardniva=primarvard"))
    assert "Transplantation" in result_titles(page(client, "q=text&vardniva=specialiserad"))
    assert result_titles(page(client, "diagnos=i50")) == ["Hjärtsvikt – behandling"]
    assert result_titles(page(client, "diagnos=heart+failure")) == ["Hjärtsvikt – behandling"]
    html = page(client, "q=text&npo=npo-lung-och-allergisjukdomar")
    assert '<option value="npo-lung-och-allergisjukdomar" selected>' in html


def test_an_empty_search_lists_every_public_support_by_title(client, author, editor):
    public(author, editor, "Bb", "Text.")
    public(author, editor, "Aa", "Text.")

    html = page(client, "q=")

    assert result_titles(html) == ["Aa", "Bb"]
    assert "Alla publicerade kunskapsstöd: 2" in html


def test_a_query_of_only_common_words_says_so_and_lists_everything(client, author, editor):
    public(author, editor, "Astma", "Text.")

    html = page(client, "q=och+att")

    assert "för korta eller för vanliga för att söka på" in html
    assert result_titles(html) == ["Astma"]


def test_no_results_say_what_to_try(client, author, editor):
    public(author, editor, "Astma", "Text.")

    html = page(client, "q=zebrafink")

    assert "0 träffar för ”zebrafink”" in html
    assert "Inga publicerade kunskapsstöd matchar sökningen." in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("npo=npo-finns-inte", "Det finns inget programområde med den koden."),
        ("produkttyp=broschyr", "Det finns ingen produkttyp med den koden."),
        ("vardniva=akutvard", "Välj primärvård, specialiserad vård eller alla vårdnivåer."),
        ("diagnos=I50.99", "”I50.99” är ingen ICD-10-kod."),
        ("diagnos=x", "Skriv minst två tecken av diagnosens namn."),
        ("sida=tre", "Sidnumret måste vara ett heltal."),
        ("sida=0", "Sidnumret måste vara 1 eller större."),
        ("sida=99999999", "Så många sidor finns inte."),
        ("q=" + "a" * 201, "Skriv högst 200 tecken."),
    ],
)
def test_a_bad_value_gets_a_swedish_message_and_400(client, author, editor, query, message):
    public(author, editor, "Astma", "Text.")

    html = page(client, query, status=400)

    assert message in html
    assert "Sökningen behöver rättas" in html
    assert 'id="search-results"' not in html


def test_a_bad_filter_value_is_shown_beside_its_field(client):
    html = page(client, "npo=npo-finns-inte", status=400)

    field = html.split('<label for="id_npo">', 1)[1].split("</select>", 1)[0]
    assert "Det finns inget programområde med den koden." in field
    assert 'aria-invalid="true"' in field


def test_results_come_in_pages_that_keep_the_search(client, author, editor, monkeypatch):
    monkeypatch.setattr(search_view, "PER_PAGE", 2)
    for title in ("Aa astma", "Bb astma", "Cc astma", "Dd astma", "Ee astma"):
        public(author, editor, title, "Text.")

    first = page(client, "q=astma")
    third = page(client, "q=astma&sida=3")

    assert result_titles(first) == ["Aa astma", "Bb astma"]
    assert '<a rel="next" href="?q=astma&amp;sida=2">Nästa</a>' in first
    assert "Sida 1 av 3" in first
    assert result_titles(third) == ["Ee astma"]
    assert '<ol class="search-results__list" start="5">' in third
    assert '<a rel="prev" href="?q=astma&amp;sida=2">Föregående</a>' in third
    assert 'rel="next"' not in third


def test_a_page_past_the_last_says_how_many_there_are(client, author, editor):
    public(author, editor, "Astma", "Text.")

    html = page(client, "q=astma&sida=4", status=404)

    assert "Sidan 4 finns inte: sökningen har 1 sidor." in html
    assert '<a href="?q=astma">Till första sidan</a>' in html


def test_unpublished_editions_are_never_found_by_anonymous_readers(client, author, editor):
    draft(author, "Hemligt utkast", "Hemlighetsfull plan.")
    approved = draft(author, "Godkänt stöd", "Hemlighetsfull plan.")
    move_to(working_edition(approved), "approved")

    html = page(client, "q=hemlighetsfull")

    assert result_titles(html) == []
    assert unpublished_section(html) == ""
    assert "Hemligt" not in html and "Godkänt stöd" not in html


def test_a_signed_in_author_also_finds_their_drafts_marked_as_unpublished(
    client_for, author, editor
):
    support = draft(author, "Hemligt utkast", "Hemlighetsfull plan för behandling.")
    public(author, editor, "Publicerat stöd", "Hemlighetsfull men publicerad.")

    html = page(client_for(author), "q=hemlighetsfull")

    assert result_titles(html) == ["Publicerat stöd"]
    unpublished = unpublished_section(html)
    assert "Ej publicerade versioner som du kan läsa" in unpublished
    assert "Ej publicerad – Utkast" in unpublished
    assert f'href="/kunskapsstod/{support.code}/version/1.0/"' in unpublished
    assert "<mark>Hemlighetsfull</mark> plan för behandling." in unpublished


def test_a_signed_in_person_without_a_role_in_the_npo_finds_no_drafts(client_for, author):
    draft(author, "Hemligt utkast", "Hemlighetsfull plan.")

    html = page(client_for(UserFactory()), "q=hemlighetsfull")

    assert unpublished_section(html) == ""
    assert "Hemligt utkast" not in html


def test_a_withdrawn_support_leaves_the_results(
    client, author, editor, django_capture_on_commit_callbacks
):
    support = public(author, editor, "Astma", "Text om astma.")
    assert result_titles(page(client, "q=astma")) == ["Astma"]

    with django_capture_on_commit_callbacks(execute=True):
        take(editor, support.current_published_edition, "withdraw", comment="Inaktuell.")

    assert result_titles(page(client, "q=astma")) == []
    assert "Astma" not in page(client)


def test_an_anonymous_search_is_served_from_the_cache_until_something_is_published(
    client, author, editor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    public(author, editor, "Astma", "Text om astma.")
    assert result_titles(page(client, "q=astma")) == ["Astma"]

    with django_assert_num_queries(0):
        assert result_titles(page(client, "q=astma")) == ["Astma"]
    with django_assert_num_queries(0):
        assert result_titles(page(client, "q=++astma+")) == ["Astma"]  # the same, normalised

    with django_capture_on_commit_callbacks(execute=True):
        public(author, editor, "Astma hos barn", "Text om astma.")

    assert result_titles(page(client, "q=astma")) == ["Astma", "Astma hos barn"]


def test_a_signed_in_readers_search_is_never_served_from_the_public_cache(
    client, client_for, author, editor
):
    draft(author, "Hemligt utkast", "Hemlighetsfull plan.")
    page(client, "q=hemlighetsfull")  # cached for anonymous readers

    html = page(client_for(author), "q=hemlighetsfull")

    assert "Ej publicerad – Utkast" in unpublished_section(html)


def _queries(client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, query)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_results(
    client, client_for, author, editor, django_assert_max_num_queries
):
    public(author, editor, "Astma ett", "Text.", diagnoses=["J45.9"])
    draft(author, "Astma utkast ett", "Text.")
    signed_in = client_for(author)
    few = _queries(client, "q=astma"), _queries(signed_in, "q=astma"), _queries(client, "")
    for number in ("två", "tre", "fyra"):
        public(author, editor, f"Astma {number}", "Text.", diagnoses=["J45.0", "J45.1"])
        draft(author, f"Astma utkast {number}", "Text.")
    cache.clear()

    many = _queries(client, "q=astma"), _queries(signed_in, "q=astma"), _queries(client, "")

    assert many == few
    with django_assert_max_num_queries(8):
        cache.clear()
        page(client, "q=astma&npo=npo-hjart-och-karlsjukdomar&diagnos=J45")


ODD_VALUES = [
    "%00", "'", "%27%27", "&|!:*()", "<>", "(", "I50.", "i50.9.9", "__", "a:*", "%5C",
    "%C3%28", "x" * 150, "ööö", "%E2%80%8B", "-1", "1e9",
]  # fmt: skip


@pytest.mark.parametrize("field", ["q", "npo", "produkttyp", "vardniva", "diagnos", "sida"])
def test_odd_values_get_an_answer_never_a_server_error(client, author, editor, field):
    public(author, editor, "Astma", "Text om astma.")

    statuses = {value: client.get(f"/?{field}={value}").status_code for value in ODD_VALUES}

    assert set(statuses.values()) <= {200, 400}, statuses

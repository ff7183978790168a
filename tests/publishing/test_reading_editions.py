"""Earlier editions on the reading site: each readable at its own address with its change
summary, the block-by-block changes against any other published edition, and the remiss
response table of the rounds that led to it; bad versions and bad comparisons refused."""

import pytest

from tests.authoring.helpers import make_support
from tests.publishing.reading_helpers import (
    DRAFT_TEXT,
    changes_url,
    consulted_and_published,
    edition_url,
    element_text,
    page_of,
    people,
    publish_next,
    published_support,
    recommendation,
    support_url,
    table_url,
    text,
)

pytestmark = pytest.mark.django_db

KEPT = "Följ upp njurfunktionen efter två veckor."
REWRITTEN = "Ge ACE-hämmare i låg dos."
REMOVED = "Digoxin kan övervägas."
ADDED = "Erbjud fysisk träning i grupp."


@pytest.fixture
def author_editor():
    return people()


@pytest.fixture
def support(author_editor):
    """1.0 with three blocks; 1.1 rewrites one, removes one, adds one and changes the
    strength of nothing else."""
    author, editor = author_editor
    support = published_support(
        author,
        editor,
        blocks=[
            ("behandling", REWRITTEN, recommendation("bor")),
            ("behandling", REMOVED, recommendation("kan")),
            ("uppfoljning", KEPT, text()),
        ],
    )
    return publish_next(
        author,
        editor,
        support,
        changes={
            REWRITTEN: {"body": "Ge ACE-hämmare i låg dos och trappa upp.", "strength": "kan"},
            REMOVED: None,
        },
        add_blocks=[("behandling", ADDED, recommendation("bor"))],
        summary="Upptrappning förtydligad; digoxin borttaget.",
    )


# ---------------------------------------------------------------- an earlier edition


def test_an_earlier_edition_is_readable_with_a_note_and_its_change_summary(client, support):
    response = client.get(edition_url(support, "1.0"))

    assert response.status_code == 200
    page = page_of(response)
    assert REMOVED in page.text and ADDED not in page.text
    note = element_text(page.with_class("notice--earlier")[0])
    assert "Det här är en tidigare version, 1.0." in note
    assert (support_url(support), "Läs den gällande versionen 1.1") in page.links()
    assert "Version 1.0" in element_text(page.with_class("support-facts")[0])
    assert "(gällande)" not in element_text(page.with_class("support-facts")[0])


def test_the_current_edition_at_its_version_address_points_to_the_support_page(client, support):
    html = client.get(edition_url(support, "1.1")).content.decode()

    assert f'<link rel="canonical" href="{support_url(support)}">' in html
    assert "notice--earlier" not in html
    assert "Upptrappning förtydligad; digoxin borttaget." in html


@pytest.mark.parametrize("number", ["1.2", "0.0", "2.0", "99999999999999999999.0"])
def test_a_version_that_was_never_published_is_not_found(client, support, number):
    assert client.get(edition_url(support, number)).status_code == 404


@pytest.mark.parametrize("tail", ["version/1/", "version/1.0.0/", "version/a.b/", "version/-1.0/"])
def test_a_malformed_version_is_not_found(client, support, tail):
    assert client.get(f"{support_url(support)}{tail}").status_code == 404


def test_a_version_of_another_support_is_not_found(client, author_editor, support):
    author, editor = author_editor
    other = published_support(author, editor, title="Astma – vuxna")

    assert client.get(edition_url(other, "1.1")).status_code == 404


# ---------------------------------------------------------------- changes


def test_the_changes_show_every_block_as_added_removed_changed_or_unchanged(client, support):
    page = page_of(client.get(changes_url(support, "1.1", "1.0")))

    assert page.headings[0] == (
        1,
        "Ändringar i Hjärtsvikt – behandling från version 1.0 till 1.1",
    )
    rows = {
        status: [element_text(e) for e in page.with_class(f"change--{status}")]
        for status in ("added", "removed", "changed", "unchanged")
    }
    assert any(ADDED in row and row.startswith("Nytt") for row in rows["added"])
    assert any(REMOVED in row and row.startswith("Borttaget") for row in rows["removed"])
    assert any(KEPT in row and row.startswith("Oförändrat") for row in rows["unchanged"])
    [changed] = rows["changed"]
    assert changed.startswith("Ändrat")
    assert "Styrka: Bör → Kan" in changed
    html = client.get(changes_url(support, "1.1", "1.0")).content.decode()
    assert 'Ge ACE-hämmare i låg dos<ins class="diff-ins"> och trappa upp</ins>.' in html
    counts = element_text(page.with_class("change-counts")[0])
    assert counts == "Nytt: 1 Ändrat: 1 Borttaget: 1 Oförändrat: " + str(
        len(page.with_class("change--unchanged"))
    )


def test_the_changes_read_from_older_to_newer_whichever_edition_asks(client, support):
    page = page_of(client.get(changes_url(support, "1.0", "1.1")))

    assert page.headings[0][1].endswith("från version 1.0 till 1.1")
    assert any(ADDED in element_text(e) for e in page.with_class("change--added"))


def test_without_a_choice_the_changes_are_against_the_edition_before(client, support):
    page = page_of(client.get(changes_url(support, "1.1")))

    assert page.headings[0][1].endswith("från version 1.0 till 1.1")
    selected = [e for e in page.elements if e["tag"] == "option" and "selected" in e["attrs"]]
    assert [e["attrs"]["value"] for e in selected] == ["1.0"]


def test_any_two_published_editions_can_be_compared(client, author_editor, support):
    author, editor = author_editor
    support = publish_next(author, editor, support, changes={KEPT: {"body": KEPT + " Igen."}})

    page = page_of(client.get(changes_url(support, "1.2", "1.0")))

    assert page.headings[0][1].endswith("från version 1.0 till 1.2")
    options = [e["attrs"]["value"] for e in page.elements if e["tag"] == "option"]
    assert options == ["1.1", "1.0"]


@pytest.mark.parametrize(
    "other, message",
    [
        ("x", "Det finns ingen publicerad version ”x” att jämföra med."),
        ("1", "Det finns ingen publicerad version ”1” att jämföra med."),
        ("7.3", "Det finns ingen publicerad version ”7.3” att jämföra med."),
        (
            "1.0; DROP TABLE",
            "Det finns ingen publicerad version ”1.0; DROP TABLE” att jämföra med.",
        ),
        ("<b>1.0</b>", "Det finns ingen publicerad version ”<b>1.0</b>” att jämföra med."),
        ("", "Det finns ingen publicerad version ”” att jämföra med."),
        ("1.1", "Välj en annan version än 1.1 att jämföra med."),
    ],
)
def test_a_bad_comparison_is_refused_with_a_clear_message(client, support, other, message):
    response = client.get(changes_url(support, "1.1"), {"mot": other})

    assert response.status_code == 400
    page = page_of(response)
    assert message in page.text
    assert "<b>1.0</b>" not in response.content.decode()  # escaped, never markup
    assert page.by_id("mot") is not None  # the choice is offered again


def test_the_first_edition_alone_has_nothing_to_compare_with(client, author_editor):
    author, editor = author_editor
    only = published_support(author, editor, title="Astma – vuxna")

    page = page_of(client.get(changes_url(only, "1.0")))
    refused = client.get(changes_url(only, "1.0", "1.0"))

    assert "Det finns ingen annan publicerad version att jämföra med." in page.text
    assert refused.status_code == 400
    assert "Det finns ingen annan publicerad version att jämföra med." in page_of(refused).text


def test_a_well_formed_choice_is_cached_under_its_number(
    client, support, django_assert_max_num_queries
):
    client.get(changes_url(support, "1.1", "1.0"))

    with django_assert_max_num_queries(0):
        response = client.get(changes_url(support, "1.1", "01.00"))

    assert "från version 1.0 till 1.1" in page_of(response).text


def test_the_changes_page_runs_the_same_queries_for_a_small_and_a_large_support(
    client, author_editor, django_assert_max_num_queries
):
    author, editor = author_editor

    def build(count, title):
        support = published_support(
            author,
            editor,
            title=title,
            blocks=[("behandling", f"Stycke {i}.", text()) for i in range(count)],
        )
        return publish_next(
            author,
            editor,
            support,
            changes={f"Stycke {i}.": {"body": f"Ändrat {i}."} for i in range(0, count, 2)},
        )

    small, large = build(2, "Liten"), build(40, "Stor")
    counts = []
    for support in (small, large):
        with django_assert_max_num_queries(12) as captured:
            client.get(changes_url(support, "1.1", "1.0"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- the response table


def test_the_response_table_shows_submitted_comments_and_their_responses(client):
    consulted = consulted_and_published()

    response = client.get(table_url(consulted.support, "1.0"))

    assert response.status_code == 200
    page = page_of(response)
    assert page.headings[0][1] == "Remissammanställning: Hjärtsvikt – behandling, version 1.0"
    assert "Ange doseringen i mg." in page.text
    assert "Lägg till uppföljning av kalium." in page.text
    assert "Tillgodosedd: Ange doseringen i mg." in page.text
    assert "Sammanfattning" in [title for _level, title in page.headings]


def test_the_response_table_never_shows_a_draft_answer(client):
    consulted = consulted_and_published()

    response = client.get(table_url(consulted.support, "1.0"))

    page = page_of(response)
    assert DRAFT_TEXT not in response.content.decode()
    assert "Skriver svar" not in page.text


def test_a_minor_edition_shows_the_round_of_the_edition_it_builds_on(client):
    consulted = consulted_and_published()
    support = publish_next(
        consulted.author,
        consulted.editor,
        consulted.support,
        changes={},
        add_blocks=[("uppfoljning", "Ny mening.", text())],
    )

    page = page_of(client.get(table_url(support, "1.1")))

    assert "Remissen gällde version 1.0, som version 1.1 bygger på." in page.text
    assert "Ange doseringen i mg." in page.text


def test_the_response_table_follows_comments_into_the_published_edition_not_a_new_draft(
    client,
):
    """A new working edition that rewrites a commented block is unpublished: the table does
    not tell readers that it changed."""
    consulted = consulted_and_published()
    from tests.authoring.helpers import save
    from tests.publishing.helpers import next_edition

    draft = next_edition(consulted.author, consulted.support)
    for block in draft.blocks.all():
        save(consulted.author, block, body="HEMLIG NY FORMULERING " + block.body)

    response = client.get(table_url(consulted.support, "1.0"))

    assert "Blocket har ändrats sedan remissen" not in response.content.decode()
    assert "HEMLIG" not in response.content.decode()


def test_an_edition_without_a_round_has_no_response_table(client, support):
    page = page_of(client.get(support_url(support)))
    table = page_of(client.get(table_url(support, "1.0")))

    assert not any("remissammanstallning" in href for href, _t in page.links())
    assert "Det finns ingen remissammanställning för den här versionen" in table.text


def test_the_editions_list_links_the_response_table_of_a_consulted_edition(client):
    consulted = consulted_and_published()

    page = page_of(client.get(support_url(consulted.support)))

    assert (
        table_url(consulted.support, "1.0"),
        "Remissammanställning för version 1.0",
    ) in page.links()


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "999999"])
def test_an_unknown_round_is_not_found(client, value):
    consulted = consulted_and_published()

    response = client.get(table_url(consulted.support, "1.0"), {"omgang": value})

    assert response.status_code == 404


def test_the_response_table_of_an_unknown_version_is_not_found(client):
    consulted = consulted_and_published()

    assert client.get(table_url(consulted.support, "3.0")).status_code == 404


def test_a_round_on_an_unpublished_edition_is_never_shown(client, author_editor):
    """An edition on remiss is not readable: nothing of its round reaches the reading site,
    even at the address its published successor would have."""
    author, _editor = author_editor
    from tests.remiss.helpers_responses import open_on_complete_edition, regions, write_answer

    r = open_on_complete_edition(recipients=regions(1))
    write_answer(r, regions(1)[0], 1, texts=["SYNPUNKT PÅ OPUBLICERAD TEXT"])

    response = client.get(table_url(r.edition.support, "1.0"))

    assert response.status_code == 404


def test_a_support_never_published_has_no_changes_page(client, author_editor):
    author, _editor = author_editor
    draft = make_support(author, title="Utkast")

    assert client.get(changes_url(draft, "1.0")).status_code == 404

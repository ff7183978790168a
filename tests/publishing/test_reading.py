"""The support page of the reading site: what a reader sees without signing in, built from
the publication snapshot: the facts, the responsibility line, the text by section, the
recommendations by strength, the care-level switch, in-depth text, links to copy, related
supports and the list of editions; and bad input."""

from datetime import date

import pytest
from django.utils import timezone

from apps.authoring.models import Edition, SnapshotBlock
from tests.authoring.helpers import add_block, make_complete, make_support, working_edition
from tests.publishing.helpers import publish_now
from tests.publishing.reading_helpers import (
    edition_url,
    element_text,
    page_of,
    people,
    publish_next,
    published_support,
    recommendation,
    support_url,
    text,
)

pytestmark = pytest.mark.django_db

RESPONSIBILITY = "Hälso- och sjukvårdspersonal ansvarar alltid själva för den vård de ger."


@pytest.fixture
def author_editor():
    return people()


@pytest.fixture
def support(author_editor):
    author, editor = author_editor
    return published_support(
        author,
        editor,
        title="Hjärtsvikt – behandling",
        blocks=[
            ("behandling", "Ge ACE-hämmare tidigt.", recommendation("bor")),
            ("behandling", "Överväg SGLT2-hämmare.", recommendation("kan")),
            ("gor-inte", "Ge inte NSAID vid hjärtsvikt.", recommendation("bor_inte")),
            ("behandling", "Kontrollera kalium på vårdcentralen.", text("primary")),
            ("behandling", "Överväg CRT-behandling på kardiologklinik.", text("specialised")),
            (
                "behandling",
                "Mekanismerna bakom remodellering beskrivs i studier.",
                text("both", depth="in_depth"),
            ),
        ],
    )


def blocks_of(support) -> dict:
    """body -> the block of the current publication snapshot."""
    return {
        b.body: b
        for b in SnapshotBlock.objects.filter(
            snapshot__edition_id=support.current_published_edition_id,
            snapshot__purpose="publication",
        )
    }


def anchor_of(block) -> str:
    prefix = "rek" if block.kind == "recommendation" else "stycke"
    return f"{prefix}-{str(block.uid)[:8]}"


# ---------------------------------------------------------------- the page


def test_a_reader_without_signing_in_sees_the_facts_and_the_responsibility_line(
    client, author_editor
):
    author, editor = author_editor
    support = make_support(author, title="Astma – vuxna")
    edition = make_complete(working_edition(support), author)
    publish_now(edition, editor, next_review_date=date(2028, 3, 15))
    edition = Edition.objects.get(pk=edition.pk)

    response = client.get(support_url(support))

    assert response.status_code == 200
    page = page_of(response)
    assert page.headings[0] == (1, "Astma – vuxna")
    facts = element_text(page.with_class("support-facts")[0])
    published = timezone.localdate(edition.published_at)
    assert "Produkttyp Kliniskt kunskapsstöd" in facts
    assert f"Ansvarigt programområde {support.programme_area.name}" in facts
    assert "Version 1.0 (gällande)" in facts
    assert f"Publicerad {published.day} " in facts
    assert f"Senaste innehållsliga ändring {published.day} " in facts
    assert "Nästa revision 15 mars 2028" in facts
    assert RESPONSIBILITY in page.text
    assert 'lang="sv"' in response.content.decode()


def test_the_text_is_shown_by_section_and_a_section_without_text_has_no_heading(client, support):
    page = page_of(client.get(support_url(support)))

    headings = [title for level, title in page.headings if level == 2]
    assert "Behandling" in headings and "Det här bör inte göras" in headings
    # Optional sections of the template that the authors left empty.
    assert "Samsjuklighet och multisjuklighet" not in headings
    assert "Fördjupning" not in headings
    section = page.by_id("avsnitt-behandling")
    assert "Ge ACE-hämmare tidigt." in element_text(section)
    assert "Ge inte NSAID" not in element_text(section)


def test_there_is_one_h1_and_a_blocks_own_headings_come_below_its_section(client, author_editor):
    author, editor = author_editor
    support = published_support(
        author,
        editor,
        blocks=[
            (
                "behandling",
                "# Dosering\n\nStarta lågt.\n\n## Upptrappning\n\nVar annan vecka.",
                text(),
            )
        ],
    )

    page = page_of(client.get(support_url(support)))

    assert [level for level, _title in page.headings].count(1) == 1
    assert (3, "Dosering") in page.headings
    assert (3, "Upptrappning") in page.headings
    levels = [level for level, _title in page.headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_recommendations_show_their_strength_in_words_and_bor_inte_has_a_mark_of_its_own(
    client, support
):
    blocks = blocks_of(support)
    page = page_of(client.get(support_url(support)))

    should = page.by_id(anchor_of(blocks["Ge ACE-hämmare tidigt."]))
    could = page.by_id(anchor_of(blocks["Överväg SGLT2-hämmare."]))
    should_not = page.by_id(anchor_of(blocks["Ge inte NSAID vid hjärtsvikt."]))
    assert "rec--bor" in should["attrs"]["class"].split()
    assert "Rekommendation: Bör" in element_text(should)
    assert "Underlag: Vetenskapligt underlag" in element_text(should)
    assert "Rekommendation: Kan" in element_text(could)
    assert "rec--bor_inte" in should_not["attrs"]["class"].split()
    # Not by colour alone: the words, and a mark no other strength has.
    assert "Rekommendation: Bör inte" in element_text(should_not)
    marks = page.with_class("rec__mark")
    assert len(marks) == 1 and element_text(marks[0]) == "⊘"
    assert "⊘" in element_text(should_not) and "⊘" not in element_text(should)


def test_in_depth_text_is_folded_in_an_expandable_part(client, support):
    block = blocks_of(support)["Mekanismerna bakom remodellering beskrivs i studier."]
    html = client.get(support_url(support)).content.decode()

    fold_start = html.index('<details class="in-depth">')
    assert html.index(f'id="{anchor_of(block)}"') > fold_start
    assert "<summary>Fördjupning</summary>" in html
    assert html.index("</details>", fold_start) > html.index("Mekanismerna bakom")


def test_a_change_tag_is_shown_on_the_blocks_that_have_one(client, author_editor, support):
    author, editor = author_editor
    support = publish_next(
        author,
        editor,
        support,
        changes={"Ge ACE-hämmare tidigt.": {"body": "Ge ACE-hämmare eller ARNI tidigt."}},
        add_blocks=[("uppfoljning", "Följ upp vikten varje vecka.", text())],
    )
    year = timezone.localdate().year
    blocks = blocks_of(support)
    page = page_of(client.get(support_url(support)))

    changed = page.by_id(anchor_of(blocks["Ge ACE-hämmare eller ARNI tidigt."]))
    new = page.by_id(anchor_of(blocks["Följ upp vikten varje vecka."]))
    same = page.by_id(anchor_of(blocks["Överväg SGLT2-hämmare."]))
    assert f"Ändrad {year}" in element_text(changed)
    assert f"Ny {year}" in element_text(new)
    assert str(year) not in element_text(same)


# ---------------------------------------------------------------- the care-level switch


BOTH_LEVELS = "Ge ACE-hämmare tidigt."
PRIMARY_ONLY = "Kontrollera kalium på vårdcentralen."
SPECIALISED_ONLY = "Överväg CRT-behandling på kardiologklinik."


def test_primary_care_hides_the_blocks_for_specialised_care_only(client, support):
    page = page_of(client.get(support_url(support) + "?vardniva=primarvard"))

    assert BOTH_LEVELS in page.text and PRIMARY_ONLY in page.text
    assert SPECIALISED_ONLY not in page.text
    assert "Visar text för primärvård: ett block för den andra vårdnivån är dolt." in page.text


def test_specialised_care_hides_the_blocks_for_primary_care_only(client, support):
    page = page_of(client.get(support_url(support) + "?vardniva=specialiserad"))

    assert BOTH_LEVELS in page.text and SPECIALISED_ONLY in page.text
    assert PRIMARY_ONLY not in page.text


def test_both_levels_show_everything_and_are_the_default(client, support):
    for url in (support_url(support), support_url(support) + "?vardniva=alla"):
        page = page_of(client.get(url))
        assert PRIMARY_ONLY in page.text and SPECIALISED_ONLY in page.text
        current = [
            e for e in page.with_class("level-switch__option") if "aria-current" in e["attrs"]
        ]
        assert [element_text(e) for e in current] == ["Båda vårdnivåerna"]


def test_the_chosen_level_is_remembered_by_the_server_in_a_cookie(client, support):
    first = client.get(support_url(support) + "?vardniva=specialiserad")

    assert first.cookies["vardniva"].value == "specialiserad"
    assert first.cookies["vardniva"]["httponly"]
    later = page_of(client.get(support_url(support)))
    assert PRIMARY_ONLY not in later.text and SPECIALISED_ONLY in later.text
    current = [e for e in later.with_class("level-switch__option") if "aria-current" in e["attrs"]]
    assert [element_text(e) for e in current] == ["Specialiserad vård"]


def test_the_switch_works_as_plain_links_without_javascript(client, support):
    page = page_of(client.get(support_url(support)))

    options = {element_text(e): e["attrs"]["href"] for e in page.with_class("level-switch__option")}
    assert options == {
        "Primärvård": support_url(support) + "?vardniva=primarvard",
        "Specialiserad vård": support_url(support) + "?vardniva=specialiserad",
        "Båda vårdnivåerna": support_url(support) + "?vardniva=alla",
    }


@pytest.mark.parametrize("value", ["", "PRIMARVARD", "tandvard", "<script>", "alla'--", "x" * 500])
def test_an_unknown_level_shows_the_default_and_is_not_remembered(client, support, value):
    response = client.get(support_url(support), {"vardniva": value})

    assert response.status_code == 200
    page = page_of(response)
    assert PRIMARY_ONLY in page.text and SPECIALISED_ONLY in page.text
    assert "vardniva" not in response.cookies


def test_an_unknown_remembered_level_is_ignored(client, support):
    client.cookies["vardniva"] = "kirurgi"

    page = page_of(client.get(support_url(support)))

    assert PRIMARY_ONLY in page.text and SPECIALISED_ONLY in page.text


def test_the_remembered_level_applies_to_an_earlier_edition_too(client, author_editor, support):
    author, editor = author_editor
    publish_next(author, editor, support, changes={BOTH_LEVELS: {"body": "Ge ARNI tidigt."}})
    client.get(support_url(support) + "?vardniva=primarvard")

    page = page_of(client.get(edition_url(support, "1.0")))

    assert PRIMARY_ONLY in page.text and SPECIALISED_ONLY not in page.text


# ---------------------------------------------------------------- links to copy


def test_every_section_and_recommendation_has_a_link_to_copy(client, support):
    blocks = blocks_of(support)
    page = page_of(client.get(support_url(support)))

    copy = [e for e in page.elements if "data-copy-link" in e["attrs"]]
    hrefs = [e["attrs"]["href"] for e in copy]
    assert all(element_text(e).startswith("Kopiera länk") for e in copy)
    assert "#avsnitt-behandling" in hrefs
    rec = blocks["Ge ACE-hämmare tidigt."]
    assert f"{support_url(support)}#rek-{str(rec.uid)[:8]}" in hrefs
    assert page.by_id(f"rek-{str(rec.uid)[:8]}") is not None
    assert page.by_id("avsnitt-behandling") is not None
    # Text blocks can be linked to, but get no button of their own.
    plain = blocks[PRIMARY_ONLY]
    assert page.by_id(f"stycke-{str(plain.uid)[:8]}") is not None
    assert not any(f"stycke-{str(plain.uid)[:8]}" in h for h in hrefs)


def test_the_link_to_a_block_for_one_level_opens_the_page_at_that_level(client, author_editor):
    author, editor = author_editor
    support = published_support(
        author,
        editor,
        blocks=[("behandling", "ICD-implantat.", recommendation("kan", care_level="specialised"))],
    )
    block = blocks_of(support)["ICD-implantat."]

    page = page_of(client.get(support_url(support)))

    expected = f"{support_url(support)}?vardniva=specialiserad#rek-{str(block.uid)[:8]}"
    assert expected in [e["attrs"].get("href") for e in page.elements]
    followed = page_of(client.get(expected.split("#")[0]))
    assert "ICD-implantat." in followed.text


# ---------------------------------------------------------------- related supports, editions


def test_related_supports_are_linked_both_ways_and_only_when_public(client, author_editor):
    author, editor = author_editor
    pathway = published_support(author, editor, title="Hjärtsvikt – vårdförlopp")
    unpublished = make_support(author, title="Hjärtsvikt – opublicerat utkast")
    support = make_support(
        author, title="Hjärtsvikt – behandling", related_supports=[pathway, unpublished]
    )
    publish_now(make_complete(working_edition(support), author), editor)

    page = page_of(client.get(support_url(support)))
    back = page_of(client.get(support_url(pathway)))

    related = element_text(page.with_class("related")[0])
    assert "Hjärtsvikt – vårdförlopp" in related
    assert "opublicerat" not in page.text
    assert (support_url(pathway), "Hjärtsvikt – vårdförlopp") in page.links()
    assert (support_url(support), "Hjärtsvikt – behandling") in back.links()


def test_the_page_lists_every_published_edition_with_its_change_summary(
    client, author_editor, support
):
    author, editor = author_editor
    publish_next(
        author,
        editor,
        support,
        changes={BOTH_LEVELS: {"body": "Ge ARNI tidigt."}},
        summary="ARNI i stället för ACE-hämmare.",
    )

    page = page_of(client.get(support_url(support)))

    versions = element_text(page.with_class("editions")[0])
    assert "1.1 (visas) Gällande" in versions
    assert "ARNI i stället för ACE-hämmare." in versions
    assert (edition_url(support, "1.0"), "Version 1.0") in page.links()
    assert (
        edition_url(support, "1.1", "publishing:changes") + "?mot=1.0",
        "Ändringar i version 1.1",
    ) in page.links()
    summary = page.with_class("change-summary")[0]
    assert "Nytt i version 1.1" in element_text(summary)


# ---------------------------------------------------------------- bad input


def test_an_unknown_address_is_not_found(client, support):
    assert client.get("/stod/finns-inte/").status_code == 404


def test_a_support_never_published_is_not_found(client, author_editor):
    author, _editor = author_editor
    draft = make_support(author, title="Opublicerat stöd")

    response = client.get(support_url(draft))

    assert response.status_code == 404
    assert "Opublicerat stöd" not in response.content.decode()


def test_a_post_is_refused(client, support):
    assert client.post(support_url(support)).status_code == 405


def test_the_page_says_so_when_the_level_hides_every_block(client, author_editor):
    author, editor = author_editor
    support = make_support(author, title="Bara specialiserad vård")
    edition = working_edition(support)
    for section in edition.sections.filter(required=True):
        add_block(author, section, "Text för kliniken.", **recommendation(care_level="specialised"))
    publish_now(edition, editor)

    page = page_of(client.get(support_url(support) + "?vardniva=primarvard"))

    assert "Det finns ingen text för den valda vårdnivån." in page.text
    assert [level for level, _t in page.headings if level == 2] == [2]  # "Versioner" only

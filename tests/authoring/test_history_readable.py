"""History a person can read: each changed field by its Swedish label with the old and the new
value, a line per row that tells the rows apart (when, who, what changed, the first changed
words), a readable restore comment, and no field code on the page."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from apps.authoring import services
from apps.authoring.history import (
    block_versions,
    describe_versions,
    first_change,
    restore_comment,
)
from apps.authoring.models import Block
from tests.authoring.helpers import (
    CLINICAL_TEXT,
    PARAGRAPH_DOSE,
    PARAGRAPH_FOLLOW_UP,
    PARAGRAPH_START,
    add_block,
    save,
)

pytestmark = pytest.mark.django_db

# What the code calls the fields and their choices; none of it may reach a person.
FIELD_CODES = [
    "kind",
    "body",
    "care_level",
    "depth",
    "strength",
    "basis",
    "references",
    "removed_at",
    "section_id",
    "recommendation",
    "specialised",
    "in_depth",
    "evidence",
    "proven_experience",
    "kan_i_undantagsfall",
    "bor_inte",
]


class _Text(HTMLParser):
    """The text a person sees (and hears: aria-label), without markup, scripts or styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in {"aria-label", "title"} and v)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(content: str) -> str:
    parser = _Text()
    parser.feed(content)
    return " ".join(" ".join(parser.parts).split())


def codes_in(text: str) -> list[str]:
    return [code for code in FIELD_CODES if re.search(rf"\b{code}\b", text)]


def history_url(block) -> str:
    edition = block.edition
    return reverse(
        "authoring:block_history",
        kwargs={
            "code": edition.support.code,
            "major": edition.major,
            "minor": edition.minor,
            "uid": block.uid,
        },
    )


@pytest.fixture
def worked_on(author, co_author, section, block):
    """A block with a history of the kinds of save an author makes."""
    save(author, block, body=CLINICAL_TEXT.replace("500 mg", "1000 mg"))
    save(
        co_author,
        block,
        kind="recommendation",
        strength="kan_i_undantagsfall",
        basis="proven_experience",
    )
    save(author, block, care_level="specialised", depth="in_depth", references="Ref 1")
    save(author, block, body=CLINICAL_TEXT.replace("500 mg", "1000 mg") + "\n\nNytt stycke.")
    other = add_block(author, section, "Ett annat block.")
    services.block_move(
        actor=author, block=Block.objects.get(pk=other.pk), section=section, position=1
    )
    return Block.objects.get(pk=block.pk)


# --- what a row says --------------------------------------------------------------------------


def test_each_changed_field_has_its_swedish_label_and_old_and_new_value(
    author, co_author, worked_on
):
    rows = describe_versions(block_versions(worked_on))
    by_action = {row.action: row for row in rows}

    kind_row = by_action["ändrade typ, styrka och underlag"]
    assert [(c.label, c.old, c.new) for c in kind_row.changes] == [
        ("Typ", "Textblock", "Rekommendation"),
        ("Styrka", "–", "Kan i undantagsfall"),
        ("Underlag", "–", "Beprövad erfarenhet"),
    ]
    assert kind_row.who == co_author.full_name
    properties = by_action["ändrade vårdnivå, djup och referenser"]
    assert [(c.label, c.old, c.new) for c in properties.changes] == [
        ("Vårdnivå", "Båda", "Specialiserad vård"),
        ("Djup", "Bastext", "Fördjupning"),
        ("Referenser", "–", "Ref 1"),
    ]


def test_every_row_has_a_summary_of_its_own(worked_on):
    rows = describe_versions(block_versions(worked_on))
    summaries = [row.summary for row in rows]

    assert len(rows) == 6
    assert len(set(summaries)) == len(summaries)
    for row in rows:
        assert row.summary.startswith(f"{row.when}, {row.who}: ")


def test_a_text_change_is_summarised_by_its_first_changed_words_not_the_text_start(worked_on):
    rows = describe_versions(block_versions(worked_on))
    texts = [row for row in rows if row.action.startswith("ändrade text")]

    dose, appended = texts[1], texts[0]
    assert "1000 mg två gånger dagligen" in dose.excerpt
    assert not dose.excerpt.startswith(PARAGRAPH_START[:30])
    assert dose.excerpt.startswith("…")
    assert appended.excerpt.endswith("Nytt stycke.")
    assert dose.excerpt != appended.excerpt


def test_a_deletion_shows_the_words_taken_away():
    excerpt, removed = first_change(CLINICAL_TEXT, f"{PARAGRAPH_START}\n\n{PARAGRAPH_FOLLOW_UP}")

    assert removed
    assert "Metformin 500 mg två gånger dagligen" in excerpt


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", ("", False)),
        ("Samma text.", "Samma text.", ("", False)),
        ("", "Ny text från början.", ("Ny text från början.", False)),
        (
            "Patienten ska **oftast** få ACE-hämmare.",
            "Patienten ska **alltid** få ACE-hämmare.",
            ("Patienten ska **alltid** få ACE-hämmare.", False),
        ),
        # Emptying a block shows what was taken away.
        ("Gammal text.", "", ("Gammal text.", True)),
    ],
)
def test_first_change_on_short_texts(old, new, expected):
    assert first_change(old, new) == expected


def test_first_change_of_long_texts_is_short_and_starts_near_the_change():
    words = " ".join(f"ord{n}" for n in range(20_000))
    changed = words.replace("ord15000 ", "ÄNDRAT ", 1)

    excerpt, removed = first_change(words, changed)

    assert not removed
    assert excerpt.startswith("…ord14996 ")
    assert "ÄNDRAT ord15001" in excerpt
    assert len(excerpt) < 160


def test_a_move_says_where_the_block_went(author, section, edition, worked_on):
    other_section = edition.sections.get(key="utredning")
    services.block_move(actor=author, block=worked_on, section=other_section, position=1)
    titles = dict(edition.sections.values_list("pk", "title"))

    newest = describe_versions(block_versions(worked_on), titles)[0]

    assert newest.action == f"flyttade blocket till avsnittet ”{other_section.title}”"


def test_removing_and_putting_back_are_rows_of_their_own(author, worked_on):
    removed = services.block_remove(
        actor=author, block=worked_on, lock_version=worked_on.lock_version
    )
    services.block_reinstate(actor=author, block=removed, lock_version=removed.lock_version)

    rows = describe_versions(block_versions(worked_on))

    assert [row.action for row in rows[:2]] == [
        "lade tillbaka blocket på sin plats",
        "tog bort blocket",
    ]


# --- the restore comment ----------------------------------------------------------------------


def test_a_restore_is_recorded_with_a_readable_comment(author, co_author, block):
    save(author, block, body="Omskriven av misstag.")
    original = next(v for v in block_versions(block) if v.body == CLINICAL_TEXT)
    current = Block.objects.get(pk=block.pk)

    services.block_restore(
        actor=co_author,
        block=current,
        history_id=original.history_id,
        lock_version=current.lock_version,
    )

    newest = block_versions(block)[0]
    assert newest.history_change_reason == restore_comment(original)
    assert re.fullmatch(
        r"Återställd till versionen från \d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}\.\d{2} "
        r"\(Astrid Författare\)",
        newest.history_change_reason,
    )
    assert describe_versions(block_versions(block))[0].reason == newest.history_change_reason


def test_a_restore_comment_fits_the_history_column_whatever_the_name(author, section):
    # The longest name the column holds (150 characters, PostgreSQL refuses more).
    author.full_name = ("Astrid " + "Långnamn" * 20)[:150]
    author.save(update_fields=["full_name"])
    block = add_block(author, section, "Text.")

    assert len(restore_comment(block_versions(block)[0])) <= 100


# --- the pages --------------------------------------------------------------------------------


def test_the_block_history_page_shows_labels_and_values_and_no_field_code(
    client_for, author, worked_on
):
    response = client_for(author).get(history_url(worked_on))

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Styrka: – → Kan i undantagsfall" in text
    assert "Underlag: – → Beprövad erfarenhet" in text
    assert "Vårdnivå: Båda → Specialiserad vård" in text
    assert codes_in(text) == []


def test_the_compared_versions_list_their_changed_fields_by_label(client_for, author, worked_on):
    versions = block_versions(worked_on)
    oldest, newest = versions[-1], versions[0]

    response = client_for(author).get(
        history_url(worked_on), {"fran": oldest.history_id, "till": newest.history_id}
    )

    text = visible_text(response.content.decode())
    assert "Ändrade egenskaper" in text
    assert "Typ: Textblock → Rekommendation" in text
    assert codes_in(text) == []


def test_the_section_history_shows_a_readable_line_per_save_and_no_field_code(
    client_for, author, section, worked_on
):
    url = section.edition.url("authoring:section_history", key=section.key)

    text = visible_text(client_for(author).get(url).content.decode())

    for row in describe_versions(block_versions(worked_on)):
        assert row.summary in text
    assert "flyttade blocket till plats 1" in text
    assert codes_in(text) == []


def test_the_restore_comment_reaches_the_history_page(client_for, author, co_author, block):
    save(author, block, body="Omskriven av misstag.")
    original = next(v for v in block_versions(block) if v.body == CLINICAL_TEXT)
    current = Block.objects.get(pk=block.pk)
    client = client_for(co_author)

    response = client.post(
        reverse(
            "authoring:block_restore",
            kwargs={
                "code": block.edition.support.code,
                "major": block.edition.major,
                "minor": block.edition.minor,
                "uid": block.uid,
            },
        ),
        {"history_id": original.history_id, "lock_version": current.lock_version},
    )

    assert response.status_code == 302
    text = visible_text(client.get(history_url(block)).content.decode())
    assert restore_comment(original) in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text)  # no ISO timestamp


def test_history_pages_queries_do_not_grow_with_saves(
    client_for, author, co_author, section, django_assert_max_num_queries
):
    client = client_for(author)
    blocks = [add_block(author, section, PARAGRAPH_DOSE, care_level="both") for _ in range(2)]
    urls = [
        section.edition.url("authoring:section_history", key=section.key),
        section.edition.url("authoring:edition_history"),
        history_url(blocks[0]),
    ]

    def queries(url) -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = [queries(url) for url in urls]
    for n in range(12):
        for block in blocks:
            save(co_author if n % 2 else author, block, body=f"{PARAGRAPH_DOSE} Tillägg {n}.")
    assert [queries(url) for url in urls] == small

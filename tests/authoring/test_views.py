"""The authoring pages through the test client: who may do what (403, 404, login), the
conflict page, script in what authors write, naughty strings, bad input on the support
form, and query counts that do not grow with the data."""

import html
import json
import re
from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import Block, BlockDraft, ProductType, SectionPresence, Support
from apps.core.forms import FORM_ERRORS_STATUS
from tests.authoring import helpers
from tests.authoring.helpers import (
    CLINICAL_TEXT,
    PARAGRAPH_DOSE,
    add_block,
    make_support,
    save,
    snapshot,
)
from tests.factories import UserFactory, grant, npo

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parents[1] / "data" / "blns.json").read_text())
NULL_MESSAGE = "Null-tecken är inte tillåtna."


# --- helpers ------------------------------------------------------------------------------------


def error_messages(response) -> list[str]:
    """The error messages the view queued for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


def edition_kwargs(edition, **extra):
    return {
        "code": edition.support.code,
        "major": edition.major,
        "minor": edition.minor,
        **extra,
    }


def prefix(block) -> str:
    return f"b-{str(block.uid)[:8]}"


def block_post(block, lock_version=None, **content) -> dict:
    """The editor's form for one block, as the browser posts it."""
    values = {**block.content(), **content}
    values["lock_version"] = block.lock_version if lock_version is None else lock_version
    return {f"{prefix(block)}-{name}": value for name, value in values.items()}


def textarea(page: str, name: str) -> str:
    """What the browser shows in a textarea: unescaped, without the leading newline."""
    match = re.search(rf'<textarea name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    value = html.unescape(match.group(1))
    return value[1:] if value.startswith("\n") else value


def article(page: str, block) -> str:
    match = re.search(rf'<article [^>]*id="block-{block.uid}">(.*?)</article>', page, re.S)
    assert match, "block not on the page"
    return match.group(1)


@pytest.fixture
def page(author, support, edition, section):
    """One support with a block that has a history of two saves."""
    block = add_block(author, section, CLINICAL_TEXT, care_level="both")
    block = save(author, block, body=CLINICAL_TEXT + "\n\nTillägg.")
    return {"support": support, "edition": edition, "section": section, "block": block}


@pytest.fixture
def foreign(other_author):
    """A support of another NPO, with its own block, and a 1.1 that ours does not have."""
    support = make_support(other_author, title="Depression", area=npo("psykisk-halsa"))
    edition = helpers.working_edition(support)
    block = add_block(other_author, helpers.section_of(edition), "Deras text.")
    helpers.publish(edition)
    newer = services.edition_start_new(actor=other_author, support=support, kind="minor")
    return {
        "support": support,
        "edition": newer,
        "block": Block.objects.get(edition=newer, uid=block.uid),
    }


def edit_requests(page):
    """Every URL that changes something, with the method and data a real request uses."""
    edition, section, block = page["edition"], page["section"], page["block"]
    first_version = HistoricalBlock.objects.filter(id=block.pk).order_by("history_id").first()
    code = page["support"].code
    e = edition_kwargs(edition)
    return [
        ("get", reverse("authoring:support_edit", kwargs={"code": code}), {}),
        (
            "post",
            reverse("authoring:support_edit", kwargs={"code": code}),
            {"title": "Kapad titel", "diagnoses": "", "target_professions": []},
        ),
        (
            "post",
            reverse("authoring:edition_start", kwargs={"code": code}),
            {"kind": "minor", "change_summary": "Kapad"},
        ),
        ("get", reverse("authoring:section_edit", kwargs={**e, "key": section.key}), {}),
        ("get", reverse("authoring:section_presence", kwargs={**e, "key": section.key}), {}),
        (
            "post",
            reverse("authoring:block_add", kwargs={**e, "key": section.key}),
            {"kind": "text"},
        ),
        (
            "post",
            reverse("authoring:block_save", kwargs={**e, "uid": block.uid}),
            block_post(block, body="Kapad text"),
        ),
        (
            "post",
            reverse("authoring:block_autosave", kwargs={**e, "uid": block.uid}),
            block_post(block, body="Kapat utkast"),
        ),
        ("get", reverse("authoring:block_remove", kwargs={**e, "uid": block.uid}), {}),
        (
            "post",
            reverse("authoring:block_remove", kwargs={**e, "uid": block.uid}),
            {"lock_version": block.lock_version},
        ),
        (
            "post",
            reverse("authoring:block_move", kwargs={**e, "uid": block.uid}),
            {"section": helpers.section_of(edition, "utredning").pk, "position": 1},
        ),
        (
            "post",
            reverse("authoring:block_restore", kwargs={**e, "uid": block.uid}),
            {"history_id": first_version.history_id, "lock_version": block.lock_version},
        ),
    ]


EDIT_NAMES = [
    "support_edit GET",
    "support_edit POST",
    "edition_start",
    "section_edit",
    "section_presence",
    "block_add",
    "block_save",
    "block_autosave",
    "block_remove GET",
    "block_remove",
    "block_move",
    "block_restore",
]


# --- (a) permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("intruder", ["other_author", "reader"])
def test_every_edit_url_is_403_without_the_author_role_and_changes_nothing(
    request, client_for, page, intruder
):
    helpers.publish(page["edition"])  # so that edition_start would otherwise be possible
    client = client_for(request.getfixturevalue(intruder))
    requests = edit_requests(page)
    assert len(requests) == len(EDIT_NAMES)
    before = snapshot()

    for name, (method, url, data) in zip(EDIT_NAMES, requests, strict=True):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, name

    assert snapshot() == before


# What each edit URL answers the author: pages and the autosave fragment 200, every form that
# changes something redirects (302). edition_start (nothing published yet) and block_restore
# (its lock_version went stale with block_save before it) are refused by the service, which
# also redirects back with the reason: the permission let the author through.
AUTHOR_STATUS = {
    "support_edit GET": 200,
    "support_edit POST": 302,
    "edition_start": 302,
    "section_edit": 200,
    "section_presence": 200,
    "block_add": 302,
    "block_save": 302,
    "block_autosave": 200,
    "block_remove GET": 200,
    "block_move": 302,
    "block_restore": 302,
}


def test_the_author_may_use_the_same_edit_urls(client_for, author, page):
    client = client_for(author)
    for name, (method, url, data) in zip(EDIT_NAMES, edit_requests(page), strict=True):
        if name == "block_remove":
            continue  # would take the block away from the requests after it
        response = getattr(client, method)(url, data)
        assert response.status_code == AUTHOR_STATUS[name], (name, response.status_code)
    assert Support.objects.get(pk=page["support"].pk).title == "Kapad titel"


def test_a_national_editor_may_edit_any_support(client_for, national_editor, page):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))
    response = client_for(national_editor).post(url, block_post(block, body="Redaktörens text."))
    assert response.status_code == 302
    assert Block.objects.get(pk=block.pk).body == "Redaktörens text."


BLOCK_URLS = [
    "block_save",
    "block_autosave",
    "block_remove",
    "block_reinstate",
    "block_move",
    "block_restore",
]


@pytest.mark.parametrize("name", [*BLOCK_URLS, "block_history"])
def test_a_block_uid_of_another_support_under_this_support_is_404(
    client_for, author, page, foreign, name
):
    """The author holds this support; the uid belongs to a support of another NPO."""
    before = snapshot()
    url = reverse(
        f"authoring:{name}", kwargs=edition_kwargs(page["edition"], uid=foreign["block"].uid)
    )
    data = block_post(foreign["block"], body="Kapad")
    client = client_for(author)
    response = client.get(url) if name == "block_history" else client.post(url, data)

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", BLOCK_URLS)
def test_a_block_uid_of_this_support_under_the_intruders_own_support_is_404(
    client_for, other_author, page, foreign, name
):
    """The intruder may edit the foreign support, and tries our block through its URL."""
    before = snapshot()
    url = reverse(
        f"authoring:{name}", kwargs=edition_kwargs(foreign["edition"], uid=page["block"].uid)
    )
    response = client_for(other_author).post(
        url, {**block_post(page["block"], body="Kapad"), "lock_version": 99}
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert Block.objects.get(pk=page["block"].pk).body == page["block"].body


@pytest.mark.parametrize(
    "name",
    [
        "edition_detail",
        "edition_history",
        "edition_compare",
        "section_edit",
        "section_history",
        "block_add",
        "block_save",
        "block_history",
    ],
)
def test_an_edition_number_of_another_support_is_404(client_for, author, page, foreign, name):
    """Version 1.1 exists only on the foreign support."""
    assert (foreign["edition"].major, foreign["edition"].minor) == (1, 1)
    kwargs = {"code": page["support"].code, "major": 1, "minor": 1}
    if "section" in name or name == "block_add":
        kwargs["key"] = page["section"].key
    if name.startswith("block_") and name != "block_add":
        kwargs["uid"] = page["block"].uid
    url = reverse(f"authoring:{name}", kwargs=kwargs)
    client = client_for(author)
    before = snapshot()

    if name in {"block_add", "block_save"}:
        response = client.post(url, {"kind": "text"})
    else:
        response = client.get(url)

    assert response.status_code == 404
    assert snapshot() == before


def test_an_unknown_support_code_or_section_key_is_404(client_for, author, page):
    client = client_for(author)
    assert client.get(reverse("authoring:support_detail", args=["KS-9999"])).status_code == 404
    url = reverse(
        "authoring:section_edit", kwargs=edition_kwargs(page["edition"], key="finns-inte")
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["author", "reader"])
def test_template_edit_urls_are_403_for_everyone_but_national_editors(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    edit = reverse("authoring:template_section_edit", args=["kliniskt-kunskapsstod", "behandling"])
    add = reverse("authoring:template_section_add", args=["kliniskt-kunskapsstod"])
    product_type = ProductType.objects.get(code="kliniskt-kunskapsstod")
    version = product_type.template_version

    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Kapad", "guidance": "", "required": ""}).status_code == 403
    assert client.get(add).status_code == 403
    assert client.post(add, {"key": "kapad", "title": "Kapad", "guidance": ""}).status_code == 403

    product_type.refresh_from_db()
    assert product_type.template_version == version
    assert not product_type.template_sections.filter(title="Kapad").exists()


def test_a_national_editor_edits_the_template(client_for, national_editor):
    client = client_for(national_editor)
    edit = reverse("authoring:template_section_edit", args=["kliniskt-kunskapsstod", "behandling"])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title": "Behandling och egenvård", "guidance": "Ny."})
    assert response.status_code == 302
    assert ProductType.objects.get(code="kliniskt-kunskapsstod").template_sections.get(
        key="behandling"
    ).title == ("Behandling och egenvård")


def read_urls(page):
    edition, section, block = page["edition"], page["section"], page["block"]
    e = edition_kwargs(edition)
    return [
        reverse("authoring:support_list"),
        reverse("authoring:support_list") + "?q=I50&mine=on",
        reverse("authoring:support_detail", kwargs={"code": page["support"].code}),
        reverse("authoring:edition_detail", kwargs=e),
        reverse("authoring:edition_history", kwargs=e),
        reverse("authoring:edition_compare", kwargs=e),
        reverse("authoring:section_history", kwargs={**e, "key": section.key}),
        reverse("authoring:block_history", kwargs={**e, "uid": block.uid}),
        reverse("authoring:template_list"),
    ]


@pytest.mark.parametrize("who", ["reader", "other_author", "author"])
def test_everyone_signed_in_reads_every_page_of_a_published_edition(request, client_for, page, who):
    helpers.publish(page["edition"])  # a draft has readers of its own: test_read_permissions.py
    client = client_for(request.getfixturevalue(who))
    for url in read_urls(page):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(read_urls(page)[3]).content.decode()
    assert "Metformin 500 mg" in detail


def test_readers_see_no_edit_buttons(client_for, administrator, page):
    content = client_for(administrator).get(read_urls(page)[3]).content.decode()
    section_url = reverse(
        "authoring:section_edit", kwargs=edition_kwargs(page["edition"], key=page["section"].key)
    )
    assert section_url not in content


def test_anonymous_is_sent_to_sign_in_from_every_page(client, page):
    helpers.publish(page["edition"])
    before = snapshot()
    urls = [("get", url) for url in read_urls(page)]
    urls += [(method, url) for method, url, _data in edit_requests(page)]
    urls += [
        ("post", reverse("authoring:block_preview")),
        ("get", reverse("authoring:icd10_search")),
    ]
    urls += [("get", reverse("authoring:support_create"))]

    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/logga-in/?next="), url

    assert snapshot() == before


# --- only the fields that apply -------------------------------------------------------------------


def test_a_text_block_form_has_no_strength_or_basis_and_a_recommendation_has_both(
    client_for, author, page
):
    text = page["block"]
    recommendation = add_block(
        author, page["section"], "Erbjud fysisk träning.", kind="recommendation", strength="bor"
    )

    content = client_for(author).get(page["section"].get_absolute_url()).content.decode()

    for name in ("strength", "basis"):
        assert f'name="{prefix(text)}-{name}"' not in content
        assert f'name="{prefix(recommendation)}-{name}"' in content
    assert f'name="{prefix(text)}-care_level"' in content


def test_a_text_block_saved_with_strength_posted_ignores_it(client_for, author, page):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))

    response = client_for(author).post(
        url, block_post(block, body="Ny text.", strength="bor", basis="evidence")
    )

    assert response.status_code == 302
    saved = Block.objects.get(pk=block.pk)
    assert (saved.body, saved.kind, saved.strength, saved.basis) == ("Ny text.", "text", "", "")


def test_a_text_block_changed_into_a_recommendation_keeps_the_strength_posted(
    client_for, author, page
):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))

    client_for(author).post(url, block_post(block, kind="recommendation", strength="kan"))

    saved = Block.objects.get(pk=block.pk)
    assert (saved.kind, saved.strength) == ("recommendation", "kan")


def test_a_recommendation_changed_into_a_text_block_loses_strength_and_basis(
    client_for, author, page
):
    block = add_block(
        author,
        page["section"],
        "Erbjud fysisk träning.",
        kind="recommendation",
        strength="bor",
        basis="evidence",
    )
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))

    client_for(author).post(url, block_post(block, kind="text"))

    saved = Block.objects.get(pk=block.pk)
    assert (saved.kind, saved.strength, saved.basis) == ("text", "", "")


def test_the_edition_page_shows_strength_and_basis_on_recommendations_only(
    client_for, author, page
):
    recommendation = add_block(
        author,
        page["section"],
        "Erbjud fysisk träning.",
        kind="recommendation",
        strength="bor",
        basis="evidence",
    )
    text = page["block"]
    content = client_for(author).get(page["edition"].get_absolute_url()).content.decode()

    assert "Bör" in article(content, recommendation)
    assert "Vetenskapligt underlag" in article(content, recommendation)
    assert "Styrka" not in article(content, text)
    assert "Vetenskapligt underlag" not in article(content, text)


def test_the_text_column_keeps_a_comfortable_reading_width():
    css = (Path(__file__).parents[2] / "static" / "css" / "app.css").read_text()

    for selector in (".prose", ".edition-content"):
        rule = re.search(rf"^{re.escape(selector)} {{([^}}]*)}}", css, re.M)
        assert rule and "max-width: 70ch" in rule.group(1), selector


# --- (b) the conflict page ----------------------------------------------------------------------


def test_second_save_on_the_same_version_shows_both_texts_and_can_then_be_saved(
    client_for, author, co_author, page
):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))
    editor_url = reverse(
        "authoring:section_edit", kwargs=edition_kwargs(page["edition"], key=page["section"].key)
    )
    first, second = client_for(author), client_for(co_author)
    hidden = f'name="{prefix(block)}-lock_version" value="{block.lock_version}"'
    assert hidden in first.get(editor_url).content.decode()
    assert hidden in second.get(editor_url).content.decode()

    theirs = PARAGRAPH_DOSE.replace("500 mg", "1000 mg")
    mine = PARAGRAPH_DOSE.replace("500 mg", "750 mg") + "\n\nKontrollera kalium."
    assert first.post(url, block_post(block, body=theirs)).status_code == 302
    history_after_first = block.history.count()

    response = second.post(url, block_post(block, body=mine, care_level="primary"))

    assert response.status_code == 409
    content = response.content.decode()
    assert f'<pre class="source">{theirs}</pre>' in content
    assert textarea(content, f"{prefix(block)}-body") == mine
    assert '<del class="diff-del">1000</del>' in content
    assert '<ins class="diff-ins">750</ins>' in content
    assert 'value="primary" selected' in content  # the rest of my form is kept too
    saved = Block.objects.get(pk=block.pk)
    assert saved.body == theirs
    assert block.history.count() == history_after_first
    new_lock = re.search(rf'name="{prefix(block)}-lock_version" value="(\d+)"', content)
    assert int(new_lock.group(1)) == saved.lock_version

    resolved = second.post(
        url, block_post(saved, lock_version=int(new_lock.group(1)), body=mine, care_level="primary")
    )

    assert resolved.status_code == 302
    final = Block.objects.get(pk=block.pk)
    assert (final.body, final.care_level, final.updated_by) == (mine, "primary", co_author)
    assert block.history.count() == history_after_first + 1


def test_a_refused_save_in_a_closed_edition_keeps_nothing_and_says_why(client_for, author, page):
    helpers.publish(page["edition"])
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))

    response = client_for(author).post(url, block_post(block, body="För sent."), follow=True)

    assert response.status_code == 200
    assert "kan inte ändras" in response.content.decode()
    assert Block.objects.get(pk=block.pk).body == block.body


# --- (c) script in what authors write -----------------------------------------------------------

SCRIPT_BODY = (
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1))\n\n"
    '<a href="javascript:alert(1)">klick</a> och <svg onload=alert(1)>'
)


def assert_harmless(fragment: str) -> None:
    lowered = fragment.lower()
    assert "<script" not in lowered
    assert "onerror=" not in lowered
    assert "onload=" not in lowered
    assert "javascript:" not in lowered
    assert "<img" not in lowered


def test_script_is_kept_as_source_and_never_runs(client_for, author, page):
    block = page["block"]
    client = client_for(author)
    e = edition_kwargs(page["edition"])
    response = client.post(
        reverse("authoring:block_save", kwargs={**e, "uid": block.uid}),
        block_post(block, body=SCRIPT_BODY, references="[ref](javascript:alert(2))"),
    )
    assert response.status_code == 302

    saved = Block.objects.get(pk=block.pk)
    assert saved.body == SCRIPT_BODY
    assert saved.references == "[ref](javascript:alert(2))"

    editor = client.get(reverse("authoring:section_edit", kwargs={**e, "key": "behandling"}))
    content = editor.content.decode()
    assert textarea(content, f"{prefix(block)}-body") == SCRIPT_BODY
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert 'href="javascript' not in content
    preview = re.search(
        rf'<div class="preview prose" id="preview-{block.uid}"[^>]*>(.*?)</div>', content, re.S
    )
    assert_harmless(preview.group(1))

    detail = client.get(reverse("authoring:edition_detail", kwargs=e)).content.decode()
    assert_harmless(article(detail, block))
    assert "onerror" not in detail
    assert 'href="javascript' not in detail

    for name, kwargs in [
        ("block_history", {**e, "uid": block.uid}),
        ("edition_history", e),
    ]:
        content = client.get(reverse(f"authoring:{name}", kwargs=kwargs)).content.decode()
        assert "<script>alert" not in content
        assert "<img src=x" not in content


def test_preview_endpoint_sanitises(client_for, author, page):
    block = page["block"]
    response = client_for(author).post(
        reverse("authoring:block_preview"),
        {"prefix": prefix(block), f"{prefix(block)}-body": SCRIPT_BODY},
    )
    assert response.status_code == 200
    assert_harmless(response.content.decode())
    assert ">x</a>" in response.content.decode()


def test_script_in_a_conflict_page_is_escaped(client_for, author, co_author, page):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))
    client_for(author).post(url, block_post(block, body=SCRIPT_BODY))

    response = client_for(co_author).post(url, block_post(block, body=SCRIPT_BODY + " mitt"))

    assert response.status_code == 409
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert 'href="javascript' not in content
    assert textarea(content, f"{prefix(block)}-body") == SCRIPT_BODY + " mitt"


# --- (d) naughty strings ------------------------------------------------------------------------


def test_every_naughty_string_round_trips_through_the_service(author, page):
    block = Block.objects.get(pk=page["block"].pk)
    stored = Block.objects.filter(pk=block.pk).values_list("body", "references")
    for text in BLNS:
        block = services.block_save(
            actor=author,
            block=block,
            lock_version=block.lock_version,
            content={"body": text, "references": text},
        )
        assert stored.get() == (text, text), repr(text)


def test_a_sample_of_naughty_strings_round_trips_through_the_editor(client_for, author, page):
    block = page["block"]
    client = client_for(author)
    e = edition_kwargs(page["edition"])
    url = reverse("authoring:block_save", kwargs={**e, "uid": block.uid})
    editor = reverse("authoring:section_edit", kwargs={**e, "key": page["section"].key})
    sample = BLNS[1 :: len(BLNS) // 30]
    assert len(sample) >= 30

    for index, text in enumerate(sample):
        current = Block.objects.get(pk=block.pk)
        response = client.post(url, block_post(current, body=text))
        assert response.status_code == 302, repr(text)
        assert Block.objects.get(pk=block.pk).body == text, repr(text)
        if index % 6 == 0:
            shown = client.get(editor)
            assert shown.status_code == 200
            assert textarea(shown.content.decode(), f"{prefix(block)}-body") == text, repr(text)
    assert client.get(reverse("authoring:edition_detail", kwargs=e)).status_code == 200


@pytest.mark.parametrize("text", ["\x00", "Metformin\x00 500 mg", "a" * 10 + "\x00"])
def test_a_nul_byte_is_refused_beside_the_field_and_nothing_is_saved(
    client_for, author, page, text
):
    block = page["block"]
    e = edition_kwargs(page["edition"])
    client = client_for(author)
    before = snapshot()

    response = client.post(
        reverse("authoring:block_save", kwargs={**e, "uid": block.uid}),
        block_post(block, body=text),
    )

    assert response.status_code == 400
    content = response.content.decode()
    field = re.search(
        r'<p class="error-message">([^<]*)</p>\s*<textarea name="' + prefix(block) + '-body"',
        content,
    )
    assert field and field.group(1) == NULL_MESSAGE
    assert snapshot() == before

    autosave = client.post(
        reverse("authoring:block_autosave", kwargs={**e, "uid": block.uid}),
        block_post(block, body=text),
    )
    assert autosave.status_code == 400
    assert not BlockDraft.objects.exists()


def test_a_nul_byte_in_the_references_is_refused_too(client_for, author, page):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))
    response = client_for(author).post(url, block_post(block, references="Ref\x00"))
    assert response.status_code == 400
    assert NULL_MESSAGE in response.content.decode()
    assert Block.objects.get(pk=block.pk).references == ""


def test_bad_values_in_the_block_form_are_400_and_keep_the_text(client_for, author, page):
    block = page["block"]
    url = reverse("authoring:block_save", kwargs=edition_kwargs(page["edition"], uid=block.uid))
    client = client_for(author)
    for bad in [
        {"kind": "bild"},
        {"care_level": "tandvard"},
        {"lock_version": "inte-ett-tal"},
        {"lock_version": "0"},
    ]:
        data = block_post(block, body="Min viktiga text.")
        data.update({f"{prefix(block)}-{k}": v for k, v in bad.items()})
        response = client.post(url, data)
        assert response.status_code == 400, bad
        assert "Min viktiga text." in response.content.decode()
    assert Block.objects.get(pk=block.pk).body == block.body


# The small forms (buttons with hidden values) have no page of their own to show again: garbage
# in them is answered as a refusal is, by a redirect back with the reason on top.
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("block_remove", {"lock_version": "x"}),
        ("block_remove", {"lock_version": str(10**30)}),
        ("block_restore", {"history_id": "x", "lock_version": "1"}),
        ("block_restore", {"history_id": str(10**30), "lock_version": "1"}),
        ("block_move", {"section": "x", "position": "-4"}),
        ("block_move", {"section": str(10**30), "position": str(10**30)}),
        ("block_add", {"kind": "bild"}),
    ],
)
def test_garbage_in_small_forms_redirects_back_with_a_message_and_changes_nothing(
    client_for, author, page, name, data
):
    block = page["block"]
    e = edition_kwargs(page["edition"])
    kwargs = {**e, "key": page["section"].key} if name == "block_add" else {**e, "uid": block.uid}
    before = snapshot()

    response = client_for(author).post(reverse(f"authoring:{name}", kwargs=kwargs), data)

    assert response.status_code == 302
    assert error_messages(response)
    assert snapshot()["blocks"] == before["blocks"]


# --- (e) bad input on the support form ----------------------------------------------------------


def support_form(**overrides):
    data = {
        "title": "Förmaksflimmer – behandling",
        "product_type": ProductType.objects.get(code="kliniskt-kunskapsstod").pk,
        "programme_area": npo().pk,
        "diagnoses": "I48.9",
        "target_professions": ["lakare"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


INVALID_CHOICE = "Välj ett giltigt alternativ."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": None}, "title", "Detta fält måste fyllas i."),
        ({"title": "   "}, "title", "Detta fält måste fyllas i."),
        ({"title": "Hj"}, "title", "Titeln behöver minst tre tecken."),
        ({"title": "H" * 300}, "title", "som mest 200 tecken (den har 300)"),
        ({"diagnoses": "XYZ"}, "diagnoses", "Okända ICD-10-koder: XYZ"),
        ({"diagnoses": "I50.0, XYZ, I99.99"}, "diagnoses", "Okända ICD-10-koder: XYZ, I99.99"),
        ({"product_type": "legacy"}, "product_type", INVALID_CHOICE),
        ({"product_type": "999999"}, "product_type", INVALID_CHOICE),
        ({"product_type": "inte-ett-id"}, "product_type", INVALID_CHOICE),
        ({"programme_area": "other-npo"}, "programme_area", INVALID_CHOICE),
        ({"programme_area": None}, "programme_area", "Detta fält måste fyllas i."),
        ({"target_professions": ["astronaut"]}, "target_professions", INVALID_CHOICE),
    ],
)
def test_bad_input_on_the_support_form_is_refused_in_swedish(
    client_for, author, overrides, field, message
):
    if overrides.get("product_type") == "legacy":
        overrides["product_type"] = ProductType.objects.get(code="vardprogram").pk
    if overrides.get("programme_area") == "other-npo":
        overrides["programme_area"] = npo("psykisk-halsa").pk

    response = client_for(author).post(
        reverse("authoring:support_create"), support_form(**overrides)
    )

    assert response.status_code == FORM_ERRORS_STATUS
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert message.split(":")[0] in response.content.decode()
    assert not Support.objects.exists()


def test_the_support_form_creates_a_support_and_opens_its_first_edition(client_for, author):
    response = client_for(author).post(reverse("authoring:support_create"), support_form())

    support = Support.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "authoring:edition_detail", kwargs={"code": support.code, "major": 1, "minor": 0}
    )
    assert list(support.diagnoses.values_list("code", flat=True)) == ["I48.9"]


def test_a_user_without_any_author_role_may_not_open_the_support_form(client_for, reader):
    assert client_for(reader).get(reverse("authoring:support_create")).status_code == 403


def test_bad_input_on_the_support_edit_form_keeps_the_support(client_for, author, page):
    url = reverse("authoring:support_edit", kwargs={"code": page["support"].code})
    client = client_for(author)
    for data, message in [
        ({"title": ""}, "Detta fält måste fyllas i."),
        ({"title": "Hjärtsvikt", "diagnoses": "XYZ"}, "Okända ICD-10-koder: XYZ"),
        ({"title": "Hjärtsvikt", "related_supports": ["999999"]}, "Välj ett giltigt alternativ"),
    ]:
        response = client.post(url, data)
        assert response.status_code == FORM_ERRORS_STATUS
        assert message in response.content.decode()
    support = Support.objects.get(pk=page["support"].pk)
    assert support.title == "Hjärtsvikt – behandling"
    assert list(support.diagnoses.values_list("code", flat=True)) == ["I50.0"]


# --- (f) query counts ---------------------------------------------------------------------------


def queries_for(client, url) -> int:
    assert client.get(url).status_code == 200  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_blocks(author, co_author, edition, count):
    """Blocks of both kinds in two sections, saved by two people, some with drafts."""
    sections = [helpers.section_of(edition, "behandling"), helpers.section_of(edition, "utredning")]
    for n in range(count):
        kind = "recommendation" if n % 2 else "text"
        who = author if n % 3 else co_author
        block = add_block(
            who,
            sections[n % 2],
            f"Stycke {n} om [behandling](https://www.1177.se/{n}).",
            kind=kind,
            care_level="primary" if n % 2 else "",
            strength="bor" if n % 2 else "",
        )
        if n % 4 == 0:
            services.block_autosave(
                actor=author, block=block, base_lock_version=block.lock_version, content={}
            )


def test_editor_and_edition_page_queries_do_not_grow_with_blocks(
    client_for, author, co_author, edition
):
    client = client_for(author)
    SectionPresence.objects.create(
        section=helpers.section_of(edition, "behandling"),
        user=co_author,
        last_seen=edition.created_at,
    )
    services.presence_touch(user=co_author, section=helpers.section_of(edition, "behandling"))
    e = edition_kwargs(edition)
    urls = {
        "section_edit": reverse("authoring:section_edit", kwargs={**e, "key": "behandling"}),
        "edition_detail": reverse("authoring:edition_detail", kwargs=e),
    }

    grow_blocks(author, co_author, edition, 3)
    small = {name: queries_for(client, url) for name, url in urls.items()}
    grow_blocks(author, co_author, edition, 27)
    assert Block.objects.filter(edition=edition).count() == 30
    large = {name: queries_for(client, url) for name, url in urls.items()}

    assert large == small


def test_history_page_queries_do_not_grow_with_saves(client_for, author, co_author, page):
    client = client_for(author)
    block, e = page["block"], edition_kwargs(page["edition"])
    other = add_block(co_author, helpers.section_of(page["edition"], "utredning"), "Annat.")
    urls = {
        "block_history": reverse("authoring:block_history", kwargs={**e, "uid": block.uid}),
        "edition_history": reverse("authoring:edition_history", kwargs=e),
        "section_history": reverse("authoring:section_history", kwargs={**e, "key": "behandling"}),
    }

    small = {name: queries_for(client, url) for name, url in urls.items()}
    for n in range(17):
        save(author if n % 2 else co_author, block, body=f"{CLINICAL_TEXT}\n\nSparning {n}.")
        save(co_author, other, body=f"Annat {n}.")
    assert block.history.count() == 20
    large = {name: queries_for(client, url) for name, url in urls.items()}

    assert large == small


def test_overview_queries_do_not_grow_with_supports(client_for, author):
    client = client_for(author)
    url = reverse("authoring:support_list")
    other_npo_author = grant(UserFactory(), "author", npo("psykisk-halsa"))

    def grow(count):
        for n in range(count):
            who, area = (author, npo()) if n % 2 else (other_npo_author, npo("psykisk-halsa"))
            support = make_support(
                who,
                title=f"Kunskapsstöd {Support.objects.count()}",
                area=area,
                diagnoses=["I50.0", "I48.9"],
                product_type=helpers.clinical() if n % 3 else helpers.care_pathway(),
            )
            if n % 2:
                helpers.publish(helpers.working_edition(support))
                services.edition_start_new(actor=who, support=support, kind="minor")

    grow(2)
    small = [queries_for(client, url), queries_for(client, url + "?q=I50&mine=on")]
    grow(18)
    assert Support.objects.count() == 20
    large = [queries_for(client, url), queries_for(client, url + "?q=I50&mine=on")]

    assert large == small


def test_support_page_queries_do_not_grow_with_editions(client_for, author, support):
    client = client_for(author)
    url = reverse("authoring:support_detail", kwargs={"code": support.code})

    def grow(count):
        for _n in range(count):
            fresh = Support.objects.get(pk=support.pk)
            helpers.publish(helpers.working_edition(fresh))
            services.edition_start_new(actor=author, support=fresh, kind="minor")

    grow(1)
    small = queries_for(client, url)
    grow(9)
    assert support.editions.count() == 11
    assert queries_for(client, url) == small


def test_every_block_link_on_the_edition_history_page_opens(client_for, author, page):
    """The history keeps the saves of a deleted block; its rows must not link to a page
    that no longer exists."""
    e = edition_kwargs(page["edition"])
    gone = add_block(author, page["section"], "Stycke som tas bort.", care_level="both")
    gone = save(author, gone, body="Stycke som tas bort, ändrat först.")
    services.block_remove(actor=author, block=gone, lock_version=gone.lock_version)
    client = client_for(author)

    content = client.get(reverse("authoring:edition_history", kwargs=e)).content.decode()

    links = set(re.findall(r'href="([^"]*/block/[^"]*/historik/)"', content))
    assert reverse("authoring:block_history", kwargs={**e, "uid": page["block"].uid}) in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_compare_page_queries_do_not_grow_with_blocks(client_for, author, co_author, support):
    grow_blocks(author, co_author, helpers.working_edition(support), 4)
    helpers.publish(helpers.working_edition(support))
    new = services.edition_start_new(actor=author, support=support, kind="major")
    copied = list(Block.objects.filter(edition=new))
    save(author, copied[0], body="Ändrad i 2.0.")
    services.block_remove(actor=author, block=copied[1], lock_version=copied[1].lock_version)
    client = client_for(author)
    url = reverse("authoring:edition_compare", kwargs=edition_kwargs(new))

    small = queries_for(client, url)
    grow_blocks(author, co_author, new, 26)
    for block in list(Block.objects.filter(edition=new))[:10]:
        save(author, block, body=block.body + " Ändrat.")
    large = queries_for(client, url)

    assert large == small
    assert client.get(url).content.decode().count('class="compare compare--') == 30

"""The regional editor's pages: the overview, choosing a place, the form, an addition's page
with history and diff, archiving, the review with three texts, and Mina uppgifter."""

import re
import uuid

import pytest
from django.urls import reverse

from apps.regional.models import AdditionState, RegionalAddition
from tests.authoring.helpers import person
from tests.regional.helpers import (
    ADDITION_TEXT,
    fresh,
    national_people,
    published_with_blocks,
    regional_editor,
    remove,
    republish,
    rewrite,
    url,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    author, editor = national_people()
    support, uids = published_with_blocks(author, editor)
    skane = regional_editor("skane", name="Tove Tillägg")
    return author, editor, support, uids, skane


def text_of(response) -> str:
    """The page's text without tags, white space collapsed: what a reader reads."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _form(**extra):
    return {
        "kind": "referral",
        "body": ADDITION_TEXT,
        "care_level": "both",
        "contact": "",
        "link": "",
        **extra,
    }


# ---------------------------------------------------------------- the overview


def test_the_overview_lists_my_regions_additions_stale_first_with_the_flags_age(world, client_for):
    author, editor, support, uids, skane = world
    write(skane, support, block_uid=uids["Andra blocket."], kind="organisation")
    write(skane, support, section_key="utredning", kind="local_drug", publish=False)
    stale = write(skane, support, block_uid=uids["Första blocket."])
    other = regional_editor("uppsala")
    write(other, support, block_uid=uids["Första blocket."], code="uppsala", kind="deviation")
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    response = client_for(skane).get(reverse("regional:overview"))

    assert response.status_code == 200
    page = text_of(response)
    assert (
        page.index("Behöver granskas (1)")
        < page.index("Utkast (1)")
        < page.index("Publicerade (1)")
    )
    assert "Den nationella texten har ändrats" in page
    assert "för 0 minuter sedan" in page
    assert "Avvikelse från den nationella texten" not in page  # Uppsala's
    assert stale.review_url() in response.content.decode()
    assert "Skriv ett nytt tillägg" in page


def test_the_overview_runs_the_same_queries_for_few_and_many_additions(
    world, client_for, django_assert_max_num_queries
):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    write(skane, support, block_uid=uids["Första blocket."])
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("regional:overview"))
    for index in range(12):
        write(skane, support, block_uid=uids["Andra blocket."], publish=index % 2 == 0)
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("regional:overview"))
    assert "Publicerade (6)" in text_of(response)


def test_the_menu_offers_the_overview_to_regional_and_national_editors_only(world, client_for):
    author, editor, support, uids, skane = world
    link = 'href="/regionalt/"'
    assert link in client_for(skane).get(reverse("start")).content.decode()
    assert link in client_for(editor).get(reverse("start")).content.decode()
    assert link not in client_for(author).get(reverse("start")).content.decode()
    assert client_for(author).get(reverse("regional:overview")).status_code == 404


def test_a_national_editor_sees_every_regions_additions_and_may_not_write(world, client_for):
    author, editor, support, uids, skane = world
    write(skane, support, block_uid=uids["Första blocket."])
    response = client_for(editor).get(reverse("regional:overview"))
    page = text_of(response)
    assert "Alla regioners tillägg" in page and "Region Skåne" in page
    assert "Skriv ett nytt tillägg" not in page


# ---------------------------------------------------------------- writing one


def test_choosing_a_support_and_a_place_shows_the_published_text_with_places(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    choices = client.get(reverse("regional:choose_support", kwargs={"region": "skane"}))
    assert support.title in text_of(choices)
    place = client.get(
        reverse("regional:choose_place", kwargs={"region": "skane", "code": support.code})
    )
    html = place.content.decode()
    assert "Första blocket." in html and "Andra blocket." in html
    at_block = reverse(
        "regional:create_at_block",
        kwargs={
            "region": "skane",
            "code": support.code,
            "key": "behandling",
            "block_uid": uids["Första blocket."],
        },
    )
    at_end = reverse(
        "regional:create_at_section_end",
        kwargs={"region": "skane", "code": support.code, "key": "behandling"},
    )
    assert f'href="{at_block}"' in html and f'href="{at_end}"' in html
    assert text_of(place).count("Lägg till regionalt tillägg här") > 3


def test_the_form_creates_a_draft_and_shows_its_page(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    address = reverse(
        "regional:create_at_block",
        kwargs={
            "region": "skane",
            "code": support.code,
            "key": "behandling",
            "block_uid": uids["Första blocket."],
        },
    )
    form = client.get(address)
    assert form.status_code == 200
    assert "Första blocket." in text_of(form)  # the national text it is written at
    assert 'hx-post="/kunskapsstod/forhandsgranska/"' in form.content.decode()

    response = client.post(address, _form(), follow=True)

    addition = RegionalAddition.objects.get()
    assert response.redirect_chain[-1][0] == addition.get_absolute_url()
    assert addition.state == AdditionState.DRAFT and addition.block_uid == uids["Första blocket."]
    page = text_of(response)
    assert "Tillägget är sparat som utkast" in page
    assert "I Region Skåne remitteras patienten till hjärtmottagningen" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Skriv tilläggets text."),
        ({"link": "www.skane.se"}, "börjar med https://"),
        ({"kind": ""}, "Detta fält måste fyllas i."),
    ],
)
def test_a_form_with_errors_is_400_with_the_message_beside_the_field(
    world, client_for, data, message
):
    author, editor, support, uids, skane = world
    address = reverse(
        "regional:create_at_section_end",
        kwargs={"region": "skane", "code": support.code, "key": "behandling"},
    )
    response = client_for(skane).post(address, _form(**data))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert re.search(r"field--error.*?" + re.escape(message), html, re.S)
    assert RegionalAddition.objects.count() == 0


def test_markdown_too_long_is_400_beside_the_text(world, client_for, settings):
    author, editor, support, uids, skane = world
    settings.MARKDOWN_SOURCE_MAX_CHARS = 40
    address = reverse(
        "regional:create_at_section_end",
        kwargs={"region": "skane", "code": support.code, "key": "behandling"},
    )
    response = client_for(skane).post(address, _form(body="ord " * 20))
    assert response.status_code == 400
    assert "högst 40 tecken" in text_of(response)


def test_an_unknown_place_is_404(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    for kwargs in (
        {"key": "behandling", "block_uid": uuid.uuid4()},
        {"key": "utredning", "block_uid": uids["Första blocket."]},  # block in another section
    ):
        address = reverse(
            "regional:create_at_block", kwargs={"region": "skane", "code": support.code, **kwargs}
        )
        assert client.get(address).status_code == 404
        assert client.post(address, _form()).status_code == 404
    missing = reverse(
        "regional:create_at_section_end",
        kwargs={"region": "skane", "code": support.code, "key": "finns-inte"},
    )
    assert client.get(missing).status_code == 404


# ---------------------------------------------------------------- one addition


def test_the_page_shows_history_and_the_diff_between_two_versions(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    addition = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    client.post(
        url("addition_edit", addition),
        _form(body="I Region Skåne remitteras patienten till **medicinkliniken**.", lock_version=1),
    )
    versions = list(
        fresh(addition).history.order_by("history_id").values_list("history_id", flat=True)
    )

    response = client.get(
        url("addition_detail", addition), {"fran": versions[0], "till": versions[-1]}
    )

    html = response.content.decode()
    assert "2 sparade versioner" in text_of(response)
    assert '<del class="diff-del">hjärtmottagningen vid närmaste sjukhus</del>' in html
    assert '<ins class="diff-ins">medicinkliniken</ins>' in html
    assert "Texten ändrad" in text_of(response)


def test_publish_button_publishes(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    response = client_for(skane).post(
        url("addition_publish", addition), {"lock_version": addition.lock_version}, follow=True
    )
    assert fresh(addition).state == AdditionState.PUBLISHED
    assert "Tillägget är publicerat" in text_of(response)


def test_archive_asks_first_then_archives(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    addition = write(skane, support, block_uid=uids["Första blocket."])
    ask = client.get(url("addition_archive", addition))
    assert "Arkivera tillägget" in text_of(ask)
    assert fresh(addition).state == AdditionState.PUBLISHED
    response = client.post(
        url("addition_archive", addition), {"lock_version": addition.lock_version}, follow=True
    )
    assert fresh(addition).state == AdditionState.ARCHIVED
    assert "Tillägget är arkiverat" in text_of(response)


def test_a_stale_save_is_409_and_keeps_the_writers_text(world, client_for):
    author, editor, support, uids, skane = world
    colleague = regional_editor("skane", name="Sara Skåne")
    addition = write(skane, support, block_uid=uids["Första blocket."])
    client_for(colleague).post(
        url("addition_edit", addition),
        _form(body="Kollegans text.", lock_version=addition.lock_version),
    )

    response = client_for(skane).post(
        url("addition_edit", addition),
        _form(body="Min egen text som inte får försvinna.", lock_version=addition.lock_version),
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Min egen text som inte får försvinna." in html
    assert "Kollegans text." in html
    assert f'name="lock_version" value="{fresh(addition).lock_version}"' in html
    assert fresh(addition).body == "Kollegans text."


def test_a_stale_button_is_409(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    response = client_for(skane).post(url("addition_archive", addition), {"lock_version": 1})
    assert response.status_code == 409
    assert "Inget har ändrats av ditt klick" in text_of(response)
    assert fresh(addition).state == AdditionState.PUBLISHED


# ---------------------------------------------------------------- the review


def test_the_review_shows_the_three_texts_and_the_diff_then_confirms(world, client_for):
    author, editor, support, uids, skane = world
    client = client_for(skane)
    addition = write(skane, support, block_uid=uids["Första blocket."])
    republish(
        author, editor, support, rewrite(author, uids["Första blocket."], "Första blocket, ändrat.")
    )

    response = client.get(url("addition_review", addition))

    page = text_of(response)
    assert "Den nationella texten som tillägget skrevs mot (version 1.0)" in page
    assert "Den nya nationella texten (version 1.1)" in page
    assert "Region Skånes tillägg" in page
    html = response.content.decode()
    assert '<ins class="diff-ins">, ändrat</ins>' in html
    assert "I Region Skåne remitteras" in page

    confirmed = client.post(
        url("addition_confirm", addition),
        {"lock_version": fresh(addition).lock_version},
        follow=True,
    )
    assert "bekräftat för den nya nationella versionen" in text_of(confirmed)
    assert fresh(addition).needs_review is False


def test_the_review_of_a_removed_block_says_so_and_offers_the_section_end(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Andra blocket."])
    republish(author, editor, support, remove(author, uids["Andra blocket."]))
    page = text_of(client_for(skane).get(url("addition_review", addition)))
    assert "Blocket finns inte längre i den nya versionen." in page
    assert "Bekräfta och flytta till slutet av avsnittet" in page


def test_editing_from_the_review_confirms_for_the_new_edition(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    new = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    addition = fresh(addition)
    client = client_for(skane)
    form = client.get(url("addition_edit", addition))
    assert "bekräfta det för version 1.1" in text_of(form)
    client.post(
        url("addition_edit", addition),
        _form(body="Ny rutin.", lock_version=addition.lock_version, confirm="on"),
    )
    addition = fresh(addition)
    assert addition.needs_review is False and addition.written_against_edition == new


def test_mina_uppgifter_lists_the_addition_waiting_for_review(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    response = client_for(skane).get(reverse("tasks"))

    page = text_of(response)
    assert f"{support.code} {support.title}" in page
    assert (
        "Granska tillägget (remissrutin): den nationella texten har ändrats i version 1.1" in page
    )
    assert "Redaktör för regionala tillägg – Region Skåne (1)" in page
    assert addition.review_url() in response.content.decode()
    assert "Granska" not in text_of(client_for(regional_editor("uppsala")).get(reverse("tasks")))


def test_mina_uppgifter_runs_one_query_for_any_number_of_additions(world):
    from apps.regional.inbox import review_tasks

    author, editor, support, uids, skane = world
    for _ in range(5):
        write(skane, support, block_uid=uids["Första blocket."])
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    skane = type(skane).objects.get(pk=skane.pk)
    review_tasks(skane)  # the roles, read once per user object
    with CaptureQueriesContext(connection) as queries:
        tasks = review_tasks(skane)
    assert len(tasks) == 5 and len(queries) == 1


# ---------------------------------------------------------------- who sees what


def _urls(addition, support, uids):
    block = {"key": "behandling", "block_uid": uids["Första blocket."]}
    region_urls = [
        reverse("regional:choose_support", kwargs={"region": "skane"}),
        reverse("regional:choose_place", kwargs={"region": "skane", "code": support.code}),
        reverse(
            "regional:create_at_block", kwargs={"region": "skane", "code": support.code, **block}
        ),
        reverse(
            "regional:create_at_section_end",
            kwargs={"region": "skane", "code": support.code, "key": "behandling"},
        ),
    ]
    reads = [url("addition_detail", addition), url("addition_review", addition)]
    writes = [url(name, addition) for name in ("addition_edit", "addition_archive")]
    posts = [url(name, addition) for name in ("addition_publish", "addition_confirm")]
    return region_urls, reads, writes, posts


def test_another_regions_editor_gets_404_everywhere_with_guessed_ids_too(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    client = client_for(regional_editor("uppsala"))
    region_urls, reads, writes, posts = _urls(addition, support, uids)
    guessed = RegionalAddition(uid=uuid.uuid4())
    _, guessed_reads, guessed_writes, guessed_posts = _urls(guessed, support, uids)
    for address in region_urls + reads + writes + guessed_reads + guessed_writes:
        assert client.get(address).status_code == 404, address
    for address in region_urls[2:] + writes + posts + guessed_writes + guessed_posts:
        assert client.post(address, {**_form(), "lock_version": 1}).status_code == 404, address
    assert fresh(addition).lock_version == addition.lock_version


def test_a_national_editor_reads_but_gets_403_on_every_change(world, client_for):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    client = client_for(editor)
    region_urls, reads, writes, posts = _urls(addition, support, uids)
    for address in reads:
        response = client.get(address)
        assert response.status_code == 200, address
        assert "Ändra" not in text_of(response).split("Historik")[0]
    for address in region_urls + writes:
        assert client.get(address).status_code == 403, address
    for address in writes + posts:
        assert client.post(address, {**_form(), "lock_version": 1}).status_code == 403, address
    assert fresh(addition).lock_version == addition.lock_version


def test_other_signed_in_people_get_404_and_strangers_are_asked_to_sign_in(world, client_for):
    from django.test import Client

    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    region_urls, reads, writes, posts = _urls(addition, support, uids)
    for who in (author, person("administrator"), person("remiss_coordinator")):
        client = client_for(who)
        for address in region_urls + reads + writes:
            assert client.get(address).status_code == 404, (who, address)
    anonymous = Client()
    for address in reads + writes:
        response = anonymous.get(address)
        assert response.status_code == 302 and "/logga-in/" in response["Location"]

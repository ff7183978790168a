"""The region's view for readers (issue 11, point 3): on a support's page a reader chooses a
region (a GET form that works without JavaScript, remembered in a cookie) and sees that
region's published additions at their places, set apart with the region's name and the kind;
a stale one with a note; each with a stable anchor and a link to copy. The national text reads
the same with or without a region, the care-level switch works with the region, and a
region's page lists all its additions. Cached per edition, level and region, fresh as soon as
an addition is published or archived; a constant number of queries whatever their number."""

import re

import pytest
from django.core.cache import cache

from apps.authoring.models import Support
from apps.regional.models import RegionalAddition
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
    withdraw,
)
from tests.publishing.regional_helpers import (
    OTHER_REGION,
    archive,
    editor_of,
    flag,
    region_url,
    write,
)

pytestmark = pytest.mark.django_db

FUROSEMID = "Ge furosemid vid vätskeretention."
KALIUM = "Kontrollera kalium efter två veckor."
SPECIALISED = "Överväg CRT vid vänstersidigt skänkelblock."
STALE_NOTE = "Den nationella texten har ändrats sedan tillägget skrevs"


@pytest.fixture
def support():
    author, editor = people()
    return published_support(
        author,
        editor,
        blocks=[
            ("behandling", FUROSEMID, recommendation()),
            ("behandling", KALIUM, text()),
            ("fordjupning", SPECIALISED, recommendation(care_level="specialised")),
        ],
    )


def get(client, support, query=""):
    return client.get(support_url(support) + query)


def ids_in_order(html: str) -> list[str]:
    found = re.findall(r'\bid="((?:rek|stycke|tillagg|avsnitt)-[^"]+)"', html)
    return [i for i in found if not i.endswith("-rubrik")]  # an addition's heading


def additions_of(page) -> list[dict]:
    return page.with_class("regional-addition")


# ---------------------------------------------------------------- at their places


def test_a_chosen_region_s_additions_stand_after_their_block_and_at_the_end_of_their_section(
    client, support
):
    at_block = write(support, at=FUROSEMID, body="Uppsala: ring **avdelning 3**.")
    at_end = write(support, section="behandling", body="Remiss till hjärtmottagningen i Uppsala.")
    empty_section = write(
        support, section="multisjuklighet", body="Uppsalas multisjuklighetsteam.", kind="referral"
    )

    response = get(client, support, "?region=uppsala")

    assert response.status_code == 200
    html = response.content.decode()
    order = ids_in_order(html)
    furosemid = page_of(response).by_id(order[order.index(at_block.public_anchor) - 1])
    assert FUROSEMID in element_text(furosemid)  # right after its block
    behandling = order.index("avsnitt-behandling")
    following = order.index("avsnitt-uppfoljning")
    # At the end of its section: after the section's last block, before the next section.
    assert order.index(at_end.public_anchor) == following - 1
    assert behandling < order.index(at_block.public_anchor) < order.index(at_end.public_anchor)
    # A section with no national text is shown for the addition it holds.
    assert order[order.index(empty_section.public_anchor) - 1] == "avsnitt-multisjuklighet"


def test_an_addition_is_set_apart_with_its_region_s_name_its_kind_contact_and_link(client, support):
    addition = write(
        support,
        at=FUROSEMID,
        kind="local_drug",
        body="Vi använder **Furix** enligt Uppsalas lista.",
        contact="Läkemedelskommittén, 018-611 00 00",
        link="https://regionuppsala.se/lakemedel",
    )

    page = page_of(get(client, support, "?region=uppsala"))

    box = page.by_id(addition.public_anchor)
    assert "regional-addition" in box["attrs"]["class"]
    assert box["attrs"]["role"] == "note"
    words = element_text(box)
    # Apart in words, not by colour alone: the label, the region and the kind's label.
    assert "Regionalt tillägg" in words
    assert "Region Uppsala: Lokalt läkemedelsval" in words
    assert "Vi använder Furix enligt Uppsalas lista." in words
    assert "Kontakt Läkemedelskommittén, 018-611 00 00" in words
    assert ("https://regionuppsala.se/lakemedel", "https://regionuppsala.se/lakemedel") in (
        page.links()
    )
    assert "<strong>Furix</strong>" in get(client, support, "?region=uppsala").content.decode()
    assert STALE_NOTE not in words


def test_each_addition_has_a_stable_anchor_and_a_link_to_copy_that_opens_the_region_s_view(
    client, support
):
    addition = write(support, at=KALIUM, body="Kaliumprov tas på vårdcentralen.")
    assert addition.public_anchor == f"tillagg-{str(addition.uid)[:8]}"

    page = page_of(get(client, support, "?region=uppsala"))

    copy = [
        href
        for href, words in page.links()
        if words == "Kopiera länk till tillägget från Region Uppsala"
    ]
    assert copy == [f"{support_url(support)}?region=uppsala#{addition.public_anchor}"]
    # Followed by a reader who never chose a region, it shows the addition.
    followed = page_of(client.__class__().get(copy[0].split("#")[0]))
    assert followed.by_id(addition.public_anchor) is not None


def test_a_stale_addition_is_still_shown_with_a_note_that_the_national_text_has_changed(
    client, support
):
    addition = flag(write(support, at=FUROSEMID, body="Ring avdelning 3."))

    box = page_of(get(client, support, "?region=uppsala")).by_id(addition.public_anchor)

    assert "Ring avdelning 3." in element_text(box)
    assert STALE_NOTE in element_text(box)
    assert "skrevs för version 1.0" in element_text(box)


def test_after_a_new_edition_changes_or_removes_the_block_the_addition_is_shown_stale(
    client, support
):
    author, editor = people()
    changed = write(support, at=FUROSEMID, body="Tillägg vid furosemid.")
    removed = write(support, at=KALIUM, body="Tillägg vid kalium.")
    support = publish_next(
        author,
        editor,
        support,
        changes={FUROSEMID: {"body": "Ge furosemid vid ödem."}, KALIUM: None},
    )
    assert RegionalAddition.objects.get(pk=changed.pk).needs_review
    assert RegionalAddition.objects.get(pk=removed.pk).flag_reason == "removed"

    response = get(client, support, "?region=uppsala")

    page = page_of(response)
    assert STALE_NOTE in element_text(page.by_id(changed.public_anchor))
    assert STALE_NOTE in element_text(page.by_id(removed.public_anchor))
    order = ids_in_order(response.content.decode())
    block = order[order.index(changed.public_anchor) - 1]
    assert "Ge furosemid vid ödem." in element_text(page.by_id(block))
    # Its block is gone: it stands at the end of the section it was in, not lost.
    assert order.index(removed.public_anchor) == order.index("avsnitt-uppfoljning") - 1


def test_an_addition_whose_section_is_gone_is_shown_after_the_text(client, support):
    addition = write(support, section="behandling", body="Utan plats.")
    RegionalAddition.objects.filter(pk=addition.pk).update(section_key="finns-inte-mer")
    flag(addition, "removed")

    page = page_of(get(client, support, "?region=uppsala"))

    assert "Utan plats." in element_text(page.by_id(addition.public_anchor))
    assert "Fler tillägg från Region Uppsala" in [h for _level, h in page.headings]


def test_an_addition_s_heading_comes_below_its_section_s_and_its_own_headings_below_that(
    client, support
):
    write(support, at=FUROSEMID, body="# Lokalt\n\nText.")

    page = page_of(get(client, support, "?region=uppsala"))

    headings = page.headings
    at = headings.index((3, "Region Uppsala: Organisation och ansvar"))
    assert headings[at - 1] == (2, "Behandling")
    assert headings[at + 1] == (4, "Lokalt")


# ---------------------------------------------------------------- the national text


def national_text(response) -> list[tuple[str, str]]:
    """Every national block and section as a reader reads it: its id and its words."""
    page = page_of(response)
    out = []
    for element in page.elements:
        classes = (element["attrs"].get("class") or "").split()
        if {"rec", "text-block"} & set(classes) or element["attrs"].get("id", "").startswith(
            "avsnitt-"
        ):
            words = element_text(element)
            for box in additions_of(page):
                words = words.replace(element_text(box), "")
            out.append((element["attrs"]["id"], " ".join(words.split())))
    return out


def test_the_national_text_reads_the_same_with_or_without_a_region(client, support):
    write(support, at=FUROSEMID, body="Uppsalas tillägg vid furosemid.")
    write(support, section="behandling", body="Uppsalas tillägg sist i behandling.")
    # Without the empty section that only the region fills, the national text is the same.
    without = national_text(get(client, support))
    with_region = national_text(get(client, support, "?region=uppsala"))

    assert with_region == without
    assert [i for i, _w in without if i.startswith("rek-")], "no blocks were compared"
    assert "Regionalt tillägg" not in get(client, support, "?region=").content.decode()


def test_without_a_region_or_with_another_region_no_addition_is_shown(client, support):
    write(support, at=FUROSEMID, body="Bara i Uppsala.")
    write(support, at=FUROSEMID, body="Bara i Skåne.", code=OTHER_REGION)

    alone = page_of(get(client, support))
    skane = page_of(get(client, support, f"?region={OTHER_REGION}"))

    assert additions_of(alone) == []
    assert "Bara i Uppsala." not in alone.text and "Bara i Skåne." not in alone.text
    assert "Bara i Skåne." in skane.text and "Bara i Uppsala." not in skane.text
    assert [element_text(b).split(":")[0] for b in additions_of(skane)] == [
        "◆ Regionalt tillägg Region Skåne"
    ]


def test_drafts_and_archived_additions_are_never_shown(client, support):
    write(support, at=FUROSEMID, body="UTKAST-TILLÄGG", publish=False)
    archive(write(support, at=FUROSEMID, body="ARKIVERAT-TILLÄGG"))

    for url in (support_url(support) + "?region=uppsala", region_url()):
        body = client.get(url).content.decode()
        assert "UTKAST-TILLÄGG" not in body and "ARKIVERAT-TILLÄGG" not in body, url


# ---------------------------------------------------------------- choosing a region


def test_the_region_selector_lists_the_21_regions_as_a_get_form_that_works_without_js(
    client, support
):
    write(support, at=FUROSEMID, body="Tillägg.")

    response = get(client, support)

    html = response.content.decode()
    form = re.search(r'<form method="get" action="([^"]+)" class="region-switch__form', html)
    assert form and form.group(1) == support_url(support)
    options = re.findall(r'<option value="([^"]*)"', html.split('id="region-val"')[1])
    assert options[0] == ""  # no region
    assert len(options[1:]) == 21 and "uppsala" in options and "vastra-gotaland" in options
    page = page_of(response)
    # The regions with additions to this support are links too.
    assert (f"{support_url(support)}?region=uppsala&vardniva=alla", "Region Uppsala") in (
        page.links()
    )
    assert "Region Uppsala – har tillägg" in page.text


def test_a_chosen_region_is_remembered_in_a_cookie_and_forgotten_when_none_is_chosen(
    client, support
):
    addition = write(support, at=FUROSEMID, body="Uppsalas tillägg.")

    chosen = get(client, support, "?region=uppsala")
    assert chosen.cookies["region"].value == "uppsala"
    assert chosen.cookies["region"]["httponly"] and chosen.cookies["region"]["samesite"] == "Lax"

    later = page_of(get(client, support))
    assert later.by_id(addition.public_anchor) is not None
    assert 'value="uppsala" selected' in get(client, support).content.decode()

    none = get(client, support, "?region=")
    assert none.cookies["region"].value == ""  # deleted
    assert page_of(none).by_id(addition.public_anchor) is None
    assert page_of(get(client, support)).by_id(addition.public_anchor) is None


def test_a_remembered_code_that_names_no_region_is_ignored(client, support):
    client.cookies["region"] = "atlantis"

    response = get(client, support)

    assert response.status_code == 200
    assert "Ingen region (bara den nationella texten)</option>" in response.content.decode()
    assert 'value="" selected' in response.content.decode()


@pytest.mark.parametrize(
    "asked", ["atlantis", "npo-hjart-och-karlsjukdomar", "Uppsala", "<script>", "x" * 500, "\x00"]
)
def test_an_asked_code_that_names_no_region_gets_a_clear_message_with_the_national_text(
    client, support, asked
):
    response = client.get(support_url(support), {"region": asked})

    assert response.status_code == 400
    page = page_of(response)
    message = page.by_id("region-fel")
    assert element_text(message).startswith("Det finns ingen region med koden")
    assert "Välj en av regionerna i listan." in element_text(message)
    assert 'aria-invalid="true"' in response.content.decode()
    assert FUROSEMID in page.text  # the national text is still there
    assert "region" not in response.cookies
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_the_care_level_links_keep_the_region_and_the_region_form_keeps_the_level(client, support):
    page = page_of(get(client, support, "?region=uppsala&vardniva=primarvard"))

    links = dict((words, href) for href, words in page.links())
    assert (
        links["Specialiserad vård"]
        == f"{support_url(support)}?vardniva=specialiserad&region=uppsala"
    )
    html = get(client, support, "?region=uppsala&vardniva=primarvard").content.decode()
    assert '<input type="hidden" name="vardniva" value="primarvard">' in html


def test_the_region_view_is_only_on_the_current_edition_s_own_page(client, support):
    author, editor = people()
    write(support, at=FUROSEMID, body="Uppsalas tillägg.")
    support = publish_next(author, editor, support)

    client.cookies["region"] = "uppsala"
    earlier = client.get(edition_url(support, "1.0") + "?region=uppsala")

    assert earlier.status_code == 200
    assert "Uppsalas tillägg." not in earlier.content.decode()
    assert 'id="region-val"' not in earlier.content.decode()
    assert "Uppsalas tillägg." in get(client, support).content.decode()


# ---------------------------------------------------------------- with the care level


def test_an_addition_for_one_care_level_is_shown_only_with_that_level(client, support):
    primary = write(support, at=KALIUM, body="Primärvårdens tillägg.", care_level="primary")
    both = write(support, at=KALIUM, body="Tillägg för alla.")

    at_primary = page_of(get(client, support, "?region=uppsala&vardniva=primarvard"))
    at_specialised = page_of(get(client, support, "?region=uppsala&vardniva=specialiserad"))
    at_all = page_of(get(client, support, "?region=uppsala&vardniva=alla"))

    assert at_primary.by_id(primary.public_anchor) and at_primary.by_id(both.public_anchor)
    assert "Gäller primärvård" in element_text(at_primary.by_id(primary.public_anchor))
    assert at_specialised.by_id(primary.public_anchor) is None
    assert at_specialised.by_id(both.public_anchor) is not None
    assert "Ett tillägg för den andra vårdnivån är dolt." in at_specialised.text
    assert at_all.by_id(primary.public_anchor) and at_all.by_id(both.public_anchor)
    # Its link opens the page at its level, whatever level the reader chose before.
    copy = [h for h, w in at_all.links() if h.endswith(primary.public_anchor)]
    assert copy == [
        f"{support_url(support)}?region=uppsala&vardniva=primarvard#{primary.public_anchor}"
    ]


def test_an_addition_at_a_block_the_level_hides_is_hidden_with_it(client, support):
    addition = write(support, at=SPECIALISED, body="Uppsala remitterar till Akademiska.")

    at_primary = page_of(get(client, support, "?region=uppsala&vardniva=primarvard"))
    at_specialised = page_of(get(client, support, "?region=uppsala&vardniva=specialiserad"))

    assert at_primary.by_id(addition.public_anchor) is None
    assert at_specialised.by_id(addition.public_anchor) is not None


def test_a_section_with_nothing_for_the_chosen_level_and_region_is_not_shown(client, support):
    write(support, section="multisjuklighet", body="Bara specialiserad.", care_level="specialised")

    at_primary = get(client, support, "?region=uppsala&vardniva=primarvard").content.decode()
    at_specialised = get(client, support, "?region=uppsala&vardniva=specialiserad").content.decode()
    without_region = get(client, support, "?region=&vardniva=specialiserad").content.decode()

    # "Fördjupning" holds only a block for specialised care, "Multisjuklighet" only the
    # region's addition for specialised care.
    assert 'id="avsnitt-fordjupning"' not in at_primary
    assert 'id="avsnitt-multisjuklighet"' not in at_primary
    assert 'id="avsnitt-fordjupning"' in at_specialised
    assert 'id="avsnitt-multisjuklighet"' in at_specialised
    assert 'id="avsnitt-multisjuklighet"' not in without_region


# ---------------------------------------------------------------- the region's page


def test_a_region_s_page_lists_its_published_additions_by_support_with_links_to_their_places(
    client, support
):
    author, editor = people()
    other = published_support(author, editor, title="Astma hos vuxna")
    first = write(support, at=FUROSEMID, body="Uppsalas tillägg vid furosemid.", kind="local_drug")
    stale = flag(
        write(support, section="behandling", body="Uppsalas remissrutin.", kind="referral")
    )
    on_other = write(other, section="behandling", body="Uppsalas astmamottagning.")
    write(support, at=FUROSEMID, body="Skånes tillägg.", code=OTHER_REGION)

    response = client.get(region_url())

    assert response.status_code == 200
    page = page_of(response)
    assert page.headings[0] == (1, "Regionala tillägg från Region Uppsala")
    assert [h for level, h in page.headings if level == 2][:2] == [
        "Astma hos vuxna",
        "Hjärtsvikt – behandling",
    ]
    links = page.links()
    assert (
        f"{support_url(support)}?region=uppsala#{first.public_anchor}",
        "Lokalt läkemedelsval",
    ) in links
    assert (
        f"{support_url(support)}?region=uppsala#{stale.public_anchor}",
        "Remissrutin",
    ) in links
    assert (
        f"{support_url(other)}?region=uppsala#{on_other.public_anchor}",
        "Organisation och ansvar",
    ) in links
    assert "i avsnittet Behandling" in page.text
    assert "Uppsalas tillägg vid furosemid." in page.text
    assert STALE_NOTE in page.text
    assert "Skånes tillägg." not in page.text
    # Other regions' pages are a link away.
    assert (region_url(OTHER_REGION), "Region Skåne") in links
    assert client.get(f"{support_url(support)}?region=uppsala").status_code == 200


def test_a_region_page_leaves_out_the_additions_of_a_withdrawn_support(client, support):
    author, editor = people()
    write(support, at=FUROSEMID, body="Tillägg till ett stöd som dras tillbaka.")
    withdraw(editor, Support.objects.get(pk=support.pk))

    page = page_of(client.get(region_url()))

    assert "Tillägg till ett stöd som dras tillbaka." not in page.text
    assert "Region Uppsala har inga publicerade regionala tillägg ännu." in page.text


@pytest.mark.parametrize("code", ["atlantis", "npo-hjart-och-karlsjukdomar", "sodra", "UPPSALA"])
def test_a_region_page_for_a_code_that_names_no_region_answers_404_with_a_message(client, code):
    response = client.get(f"/region/{code}/")

    assert response.status_code == 404
    page = page_of(response)
    assert page.headings[0] == (1, "Regionen finns inte")
    assert f"Det finns ingen region med koden ”{code}”." in page.text
    assert (region_url("uppsala"), "Region Uppsala") in page.links()


@pytest.mark.parametrize("path", ["/region/%00/", "/region/a b/", "/region/" + "x" * 300 + "/"])
def test_odd_region_addresses_are_not_found_never_a_server_error(client, path):
    assert client.get(path).status_code == 404


def test_the_region_page_runs_the_same_queries_for_2_and_12_additions(
    client, django_assert_max_num_queries
):
    author, editor = people()
    small = published_support(
        author, editor, title="Litet", blocks=[("behandling", FUROSEMID, text())]
    )
    editor_region = editor_of()
    for i in range(2):
        write(small, at=FUROSEMID, body=f"Litet {i}.", editor=editor_region)
    cache.clear()
    with django_assert_max_num_queries(8) as few:
        client.get(region_url())
    large = published_support(
        author, editor, title="Stort", blocks=[("behandling", FUROSEMID, text())]
    )
    for i in range(10):
        write(large, section="behandling", body=f"Stort {i}.", editor=editor_region)
    cache.clear()
    with django_assert_max_num_queries(8) as many:
        response = client.get(region_url())

    assert "Stort 9." in page_of(response).text
    assert len(many.captured_queries) == len(few.captured_queries)


# ---------------------------------------------------------------- cache and cost


def many_additions(support, count: int):
    editor = editor_of()
    places = [FUROSEMID, KALIUM, None, SPECIALISED]
    for i in range(count):
        at = places[i % len(places)]
        write(
            support,
            at=at,
            section="behandling" if at is None else "",
            body=f"Tillägg nummer {i}.",
            care_level=("both", "primary", "specialised")[i % 3],
            editor=editor,
        )


def test_the_support_page_with_a_region_runs_the_same_queries_for_2_and_30_additions(
    client, django_assert_max_num_queries
):
    author, editor = people()
    blocks = [
        ("behandling", FUROSEMID, recommendation()),
        ("behandling", KALIUM, text()),
        ("fordjupning", SPECIALISED, recommendation(care_level="specialised")),
    ]
    small = published_support(author, editor, title="Få tillägg", blocks=blocks)
    large = published_support(author, editor, title="Många tillägg", blocks=blocks)
    many_additions(small, 2)
    many_additions(large, 30)

    counts = []
    for s in (small, large):
        cache.clear()  # each from nothing: the list of regions is cached too
        with django_assert_max_num_queries(14) as captured:
            response = get(client, s, "?region=uppsala&vardniva=alla")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
    assert "Tillägg nummer 29." in page_of(response).text
    # Found in the cache: nothing is read from the database.
    with django_assert_max_num_queries(0):
        again = get(client, large, "?region=uppsala&vardniva=alla")
    assert again.content == response.content


def test_the_page_is_cached_per_region_and_level(client, support):
    write(support, at=FUROSEMID, body="Uppsalas tillägg.")
    write(support, at=FUROSEMID, body="Skånes tillägg.", code=OTHER_REGION)

    uppsala = get(client, support, "?region=uppsala").content.decode()
    skane = get(client, support, f"?region={OTHER_REGION}").content.decode()
    plain = get(client, support, "?region=").content.decode()

    assert "Uppsalas tillägg." in uppsala and "Skånes tillägg." not in uppsala
    assert "Skånes tillägg." in skane and "Uppsalas tillägg." not in skane
    assert "Uppsalas tillägg." not in plain and "Skånes tillägg." not in plain


def test_a_published_addition_shows_at_once_and_an_archived_one_goes_at_once(
    client, support, django_capture_on_commit_callbacks
):
    before = get(client, support, "?region=uppsala").content.decode()
    region_before = client.get(region_url()).content.decode()
    assert "Nytt tillägg." not in before

    with django_capture_on_commit_callbacks(execute=True):
        addition = write(support, at=FUROSEMID, body="Nytt tillägg.")
    shown = get(client, support, "?region=uppsala").content.decode()
    assert "Nytt tillägg." in shown
    assert "Nytt tillägg." in client.get(region_url()).content.decode()
    assert "Nytt tillägg." not in region_before

    with django_capture_on_commit_callbacks(execute=True):
        archive(addition)
    assert "Nytt tillägg." not in get(client, support, "?region=uppsala").content.decode()
    assert "Nytt tillägg." not in client.get(region_url()).content.decode()


def test_a_draft_written_leaves_the_cached_page_as_it_was(
    client, support, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    first = get(client, support, "?region=uppsala").content
    with django_capture_on_commit_callbacks(execute=True):
        write(support, at=FUROSEMID, body="Ett utkast.", publish=False)

    with django_assert_max_num_queries(0):
        again = get(client, support, "?region=uppsala").content
    assert again == first


def test_a_signed_in_reader_gets_the_region_view_inside_their_own_header(client_for, support):
    addition = write(support, at=FUROSEMID, body="Uppsalas tillägg.")
    reader = client_for(editor_of(name="Rut Regionredaktör"))

    page = page_of(reader.get(support_url(support) + "?region=uppsala"))

    assert page.by_id(addition.public_anchor) is not None
    assert "Till arbetsytan" in page.text

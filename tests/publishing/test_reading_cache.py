"""The reading site's cost: the support page runs the same queries whatever the size of the
support, a page found in the cache reads nothing from the database, and a signed-in reader
gets the cached content inside their own header. After a publication the next request shows
the new edition; after a rolled-back publication, the old one."""

import pytest
from django.db import transaction

from apps.authoring.models import Edition, Support
from tests.publishing.helpers import publish_now
from tests.publishing.reading_helpers import (
    changes_url,
    consulted_and_published,
    edition_url,
    page_of,
    people,
    publish_next,
    published_support,
    recommendation,
    republish,
    support_url,
    table_url,
    text,
)


def sized(count: int, title: str) -> Support:
    author, editor = people()
    blocks = [
        (
            "behandling",
            f"Rekommendation nummer {i}.",
            recommendation(care_level=("primary", "specialised", "both")[i % 3]),
        )
        if i % 2
        else ("uppfoljning", f"Stycke nummer {i}.", text(depth=("base", "in_depth")[i % 4 // 2]))
        for i in range(count)
    ]
    support = published_support(author, editor, title=title, blocks=blocks)
    return publish_next(author, editor, support, changes={"Stycke nummer 0.": {"body": "Nytt."}})


def queries_for(client, url, django_assert_max_num_queries, limit=12) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_support_page_runs_the_same_queries_for_5_and_60_blocks(
    client, django_assert_max_num_queries
):
    small, large = sized(5, "Litet stöd"), sized(60, "Stort stöd")

    counts = [
        queries_for(client, support_url(s) + "?vardniva=primarvard", django_assert_max_num_queries)
        for s in (small, large)
    ]

    assert counts[0] == counts[1]
    page = page_of(client.get(support_url(large) + "?vardniva=primarvard"))
    assert "Rekommendation nummer 59." in page.text  # for both levels: all 60 were read
    assert "Rekommendation nummer 55." not in page.text  # for specialised care only


@pytest.mark.django_db
def test_an_earlier_edition_runs_the_same_queries_for_5_and_60_blocks(
    client, django_assert_max_num_queries
):
    small, large = sized(5, "Litet stöd"), sized(60, "Stort stöd")

    counts = [
        queries_for(client, edition_url(s, "1.0"), django_assert_max_num_queries)
        for s in (small, large)
    ]

    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_cached_page_reads_nothing_from_the_database(client, django_assert_max_num_queries):
    support = sized(20, "Hjärtsvikt")
    consulted = consulted_and_published(comments=1)
    urls = [
        support_url(support) + "?vardniva=alla",
        support_url(support) + "?vardniva=specialiserad",
        edition_url(support, "1.0"),
        changes_url(support, "1.1", "1.0"),
        table_url(consulted.support, "1.0"),
    ]
    first = [client.get(url).content for url in urls]

    for url, before in zip(urls, first, strict=True):
        with django_assert_max_num_queries(0):
            again = client.get(url)
        assert again.content == before


@pytest.mark.django_db
def test_each_care_level_is_cached_on_its_own(client):
    support = sized(6, "Hjärtsvikt")

    primary = page_of(client.get(support_url(support) + "?vardniva=primarvard")).text
    specialised = page_of(client.get(support_url(support) + "?vardniva=specialiserad")).text

    assert "Rekommendation nummer 3." in primary  # for primary care
    assert "Rekommendation nummer 3." not in specialised
    assert "Rekommendation nummer 1." in specialised and "Rekommendation nummer 1." not in primary


@pytest.mark.django_db
def test_a_signed_in_reader_gets_their_own_header_around_the_cached_content(
    client, client_for, django_assert_max_num_queries
):
    support = sized(10, "Hjärtsvikt")
    author, _editor = people()
    signed_in = client_for(author)
    anonymous_html = client.get(support_url(support)).content.decode()
    first = signed_in.get(support_url(support)).content.decode()

    with django_assert_max_num_queries(3):
        again = signed_in.get(support_url(support)).content.decode()

    assert "Till arbetsytan" in first and "Till arbetsytan" in again
    assert "Logga in för att skriva och granska" not in again
    assert "Logga in för att skriva och granska" in anonymous_html
    assert "Till arbetsytan" not in client.get(support_url(support)).content.decode()
    assert page_of(client.get(support_url(support))).text.count("Rekommendation nummer 9.") == 1


@pytest.mark.django_db
def test_the_response_says_that_it_varies_by_cookie(client):
    support = sized(2, "Hjärtsvikt")

    response = client.get(support_url(support))

    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_a_related_support_withdrawn_leaves_the_cached_page_of_the_other(
    client, django_capture_on_commit_callbacks
):
    from tests.authoring.helpers import make_complete, make_support, working_edition
    from tests.publishing.reading_helpers import withdraw

    author, editor = people()
    pathway = published_support(author, editor, title="Hjärtsvikt – vårdförlopp")
    support = make_support(author, title="Hjärtsvikt – behandling", related_supports=[pathway])
    publish_now(make_complete(working_edition(support), author), editor)
    assert "Hjärtsvikt – vårdförlopp" in page_of(client.get(support_url(support))).text

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(editor, Support.objects.get(pk=pathway.pk))

    assert "Hjärtsvikt – vårdförlopp" not in page_of(client.get(support_url(support))).text


# ---------------------------------------------------------------- no stale page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_publication_the_next_request_shows_the_new_edition(client):
    author, editor = people()
    support = published_support(
        author, editor, blocks=[("behandling", "Gammal formulering.", text())]
    )
    assert "Gammal formulering." in page_of(client.get(support_url(support))).text
    client.get(support_url(support) + "?vardniva=primarvard")  # cached too

    publish_next(
        author, editor, support, changes={"Gammal formulering.": {"body": "Ny formulering."}}
    )

    for url in (support_url(support), support_url(support) + "?vardniva=primarvard"):
        page = page_of(client.get(url))
        assert "Ny formulering." in page.text and "Gammal formulering." not in page.text
        assert "Version 1.1 (gällande)" in page.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_rolled_back_publication_the_old_edition_is_still_shown(client):
    author, editor = people()
    support = published_support(
        author, editor, blocks=[("behandling", "Gammal formulering.", text())]
    )
    client.get(support_url(support))
    edition = republish(
        author, editor, support, {"Gammal formulering.": {"body": "Ny formulering."}}
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        publish_now(edition, editor)
        # Published inside the transaction, and in the database as a reader would see it...
        assert Support.objects.get(pk=support.pk).current_published_edition_id == edition.pk
        raise RuntimeError("the publication fails after the step")

    page = page_of(client.get(support_url(support)))
    assert "Gammal formulering." in page.text and "Ny formulering." not in page.text
    assert Edition.objects.get(pk=edition.pk).state != "published"

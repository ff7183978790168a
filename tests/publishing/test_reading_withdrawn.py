"""A withdrawn support: its address answers 410 Gone with a page that says it was withdrawn
and when, and so do the addresses of its earlier editions; it leaves the sitemap."""

import pytest
from django.utils import timezone

from apps.authoring.models import Edition
from tests.publishing.reading_helpers import (
    changes_url,
    edition_url,
    page_of,
    people,
    publish_next,
    published_support,
    support_url,
    table_url,
    text,
    withdraw,
)


@pytest.fixture
def withdrawn(db):
    author, editor = people()
    support = published_support(
        author, editor, title="Gammal behandling", blocks=[("behandling", "Gör så här.", text())]
    )
    support = publish_next(author, editor, support, changes={"Gör så här.": {"body": "Nytt."}})
    withdraw(editor, support)
    return support


@pytest.mark.django_db
def test_the_address_of_a_withdrawn_support_says_when_it_was_withdrawn(client, withdrawn):
    response = client.get(support_url(withdrawn))

    assert response.status_code == 410
    page = page_of(response)
    edition = Edition.objects.get(support=withdrawn, state="withdrawn")
    day = timezone.localdate(edition.state_changed_at)
    assert page.headings[0] == (1, "Gammal behandling är avpublicerat")
    assert f"Kunskapsstödet avpublicerades den {day.day} " in page.text
    assert "(version 1.1)" in page.text
    assert "Nytt." not in page.text and "Gör så här." not in page.text


@pytest.mark.django_db
def test_the_earlier_editions_and_their_pages_are_gone_too(client, withdrawn):
    for url in (
        edition_url(withdrawn, "1.0"),
        edition_url(withdrawn, "1.1"),
        changes_url(withdrawn, "1.1", "1.0"),
        changes_url(withdrawn, "1.1", "skräp"),
        table_url(withdrawn, "1.0"),
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "är avpublicerat" in page_of(response).text


@pytest.mark.django_db
def test_a_withdrawn_support_leaves_the_sitemap(client, withdrawn):
    assert support_url(withdrawn) not in client.get("/sitemap.xml").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_withdrawal_the_cached_page_is_not_served_again(client):
    author, editor = people()
    support = published_support(author, editor, title="Snart avpublicerat")
    assert client.get(support_url(support)).status_code == 200
    assert client.get(edition_url(support, "1.0")).status_code == 200

    withdraw(editor, support)

    assert client.get(support_url(support)).status_code == 410
    assert client.get(edition_url(support, "1.0")).status_code == 410

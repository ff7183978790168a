"""The sitemap: every public support's page and its earlier editions, nothing unpublished,
in a fixed number of queries and cached until a public list changes."""

import xml.etree.ElementTree as ET

import pytest

from tests.authoring.helpers import make_support
from tests.publishing.reading_helpers import (
    edition_url,
    people,
    publish_next,
    published_support,
    support_url,
    text,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def test_the_sitemap_lists_public_supports_and_their_earlier_editions(client):
    author, editor = people()
    support = published_support(author, editor, blocks=[("behandling", "Text.", text())])
    support = publish_next(author, editor, support, changes={"Text.": {"body": "Ny text."}})
    draft = make_support(author, title="Utkast som inte syns")

    found = locations(client)

    assert f"http://testserver{support_url(support)}" in found
    assert f"http://testserver{edition_url(support, '1.0')}" in found
    # The current edition is read at the support's own address, not twice.
    assert f"http://testserver{edition_url(support, '1.1')}" not in found
    assert not any(draft.slug in loc for loc in found)


def test_the_sitemap_runs_the_same_queries_for_one_support_and_for_many(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    author, editor = people()
    published_support(author, editor, title="Första")
    with django_assert_max_num_queries(2) as one:
        client.get("/sitemap.xml")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            published_support(author, editor, title=f"Stöd {i}")
    with django_assert_max_num_queries(2) as many:
        client.get("/sitemap.xml")

    assert len(one.captured_queries) == len(many.captured_queries)
    with django_assert_max_num_queries(0):
        assert len(locations(client)) == 6


def test_a_new_publication_is_in_the_next_sitemap(client, django_capture_on_commit_callbacks):
    author, editor = people()
    locations(client)

    with django_capture_on_commit_callbacks(execute=True):
        support = published_support(author, editor, title="Nytt stöd")

    assert f"http://testserver{support_url(support)}" in locations(client)

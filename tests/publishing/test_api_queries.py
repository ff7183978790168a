"""The API's queries: the detail runs the same number whatever the size of the support, a
list page the same whatever the number of rows, and an answer from the cache none."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.authoring.helpers import COMPLETE_RECOMMENDATION, COMPLETE_TEXT, person
from tests.publishing.api_helpers import API, published_for_level
from tests.publishing.helpers import published_support

pytestmark = pytest.mark.django_db

# The support by its address, again by id when the body is built, its editions with their
# snapshots (2), sections and blocks (2), diagnoses, related supports, the regions with
# additions, the last publication, the last metadata change and the last change to a
# regional addition (Last-Modified): see apps/publishing/api/v1.py (_resolve) and
# bodies.support_detail.
DETAIL_QUERIES = 12
LIST_QUERIES = 5  # count, the page, the page's diagnoses, the last publication and metadata
FEED_QUERIES = 4  # count, the page, the last publication and metadata


def cold_queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def support_of_size(author, editor, title, blocks: int):
    content = [
        ("behandling", f"Rekommendation {n}.", COMPLETE_RECOMMENDATION)
        if n % 2
        else ("uppfoljning", f"Text {n} med [länk](https://www.sbu.se/).", COMPLETE_TEXT)
        for n in range(blocks)
    ]
    return published_support(
        author, editor, title=title, blocks=content, diagnoses=["I50.0", "I11.0"]
    )


def test_the_detail_runs_the_same_queries_for_a_small_and_a_large_support(client):
    author, editor = person("author"), person("national_editor")
    small = support_of_size(author, editor, "Liten", 2)
    large = support_of_size(author, editor, "Stor", 60)
    large.related_supports.add(small)

    counts = {
        size: cold_queries(client, f"{API}/kunskapsstod/{support.slug}/")
        for size, support in (("small", small), ("large", large))
    }

    assert counts == {"small": DETAIL_QUERIES, "large": DETAIL_QUERIES}
    edition = cold_queries(client, f"{API}/kunskapsstod/{large.slug}/versioner/1.0/")
    assert edition == DETAIL_QUERIES


def test_a_list_page_runs_the_same_queries_for_few_and_many_supports(client):
    author, editor = person("author"), person("national_editor")
    published_for_level(author, editor, "Första", "primary", diagnoses=["I50.0"])
    few = cold_queries(client, f"{API}/kunskapsstod/")
    for n in range(12):
        published_for_level(author, editor, f"Stöd {n}", "specialised", diagnoses=["I10"])
    many = cold_queries(client, f"{API}/kunskapsstod/?care_level=specialised&diagnosis=I")

    assert few == many == LIST_QUERIES


def test_the_change_feed_runs_the_same_queries_for_few_and_many_changes(client):
    author, editor = person("author"), person("national_editor")
    published_for_level(author, editor, "Första", "primary")
    few = cold_queries(client, f"{API}/andringar/")
    for n in range(8):
        published_for_level(author, editor, f"Stöd {n}", "primary")
    many = cold_queries(client, f"{API}/andringar/?updated_since=2000-01-01")

    assert few == many == FEED_QUERIES


def test_answers_from_the_cache_run_no_query(client, django_assert_num_queries):
    author, editor = person("author"), person("national_editor")
    support = support_of_size(author, editor, "Liten", 3)
    urls = [
        f"{API}/kunskapsstod/",
        f"{API}/kunskapsstod/{support.slug}/",
        f"{API}/kunskapsstod/{support.code}/versioner/",
        f"{API}/kunskapsstod/{support.slug}/versioner/1.0/",
        f"{API}/andringar/",
        f"{API}/",
        f"{API}/openapi.json",
    ]
    for url in urls:
        client.get(url)

    for url in urls:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url

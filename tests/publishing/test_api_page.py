"""The page that describes the API to people (/api/): in Swedish, drawn from the same schema
that systems read, with examples that work, inside the public layout and its strict CSP."""

import json
import re
from html import unescape

import pytest

from apps.publishing.api.v1 import openapi_document
from tests.publishing.api_helpers import world_in_a_module_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_module_transaction(django_db_blocker)


@pytest.fixture
def page(client, world):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return unescape(response.content.decode())


def test_the_page_describes_every_operation_and_parameter_of_the_schema(page):
    schema = json.loads(openapi_document())
    text = re.sub(r"</?code[^>]*>", "", page)

    for path, methods in schema["paths"].items():
        operation = methods["get"]
        assert f"GET {path}" in page, path
        assert operation["summary"] in page
        assert operation["description"] in text
        for parameter in operation.get("parameters", []):
            assert f'<code lang="en">{parameter["name"]}</code>' in page, parameter["name"]
            assert parameter["description"] in text


def test_the_page_says_how_caching_cors_and_errors_work(page):
    for words in (
        "If-None-Match",
        "304 Not Modified",
        "300 sekunder",
        "Access-Control-Allow-Origin",
        "utan inloggningsuppgifter",
        "410",
        '"parameter": "updated_since"',
    ):
        assert words in page, words


def test_the_pages_examples_and_links_answer(client, page):
    links = set(re.findall(r'href="(http://testserver/api/[^"]+)"', page))

    assert "http://testserver/api/v1/openapi.json" in links
    assert len(links) >= 5
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("application/json"), link


def test_the_page_is_in_the_public_layout_without_inline_script_or_style(page):
    assert 'class="skip-link"' in page
    assert "<h1>API för kunskapsstöden</h1>" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_codes_in_the_descriptions_are_marked_as_code(page):
    # A screen reader reads them in English, and the Swedish-everywhere check skips them.
    assert 'som <code lang="en">updated_since</code>' in page
    assert '<code lang="en">primary</code> (primärvård)' in page
    assert "Filtren kan kombineras." in page


def test_the_page_shows_no_english_status_text(page):
    for english in ("Bad Request", "Not Found", "Gone", ">OK<"):
        assert english not in page, english

"""No unpublished text reaches an anonymous reader, whatever the URL: every public page and
API answer reachable from the start page, the sitemap and the API is walked, and then every
address that names a support or a version is tried again with the slugs, codes and versions
of editions that are in draft, on remiss or approved but not published."""

import html
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from apps.authoring.models import Support
from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import (
    add_block,
    make_complete,
    make_support,
    move_to,
    person,
    section_of,
    working_edition,
)
from tests.publishing.helpers import next_edition, published_support
from tests.publishing.regional_helpers import archive, write

pytestmark = pytest.mark.django_db

PUBLISHED = "Publicerad text om behandling."
SECRET = "HEMLIG-TEXT"
START = ["/", "/sitemap.xml", "/api/", "/api/v1/openapi.json"]
LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
LOCAL = re.compile(
    r"^(?:https?://(?:testserver|kunskapsstod\.example\.se|127\.0\.0\.1[^/]*))?(/[^\s\"'<>]*)$"
)


def secret_edition(author, title, state, body):
    support = make_support(author, title=title)
    edition = make_complete(working_edition(support), author)
    add_block(author, section_of(edition, "behandling"), body)
    move_to(edition, state)
    return Support.objects.get(pk=support.pk)


@pytest.fixture
def data():
    author, editor = person("author"), person("national_editor")
    public = published_support(
        author,
        editor,
        title="Hjärtsvikt – behandling",
        blocks=[("behandling", PUBLISHED, {})],
    )
    # A region's additions: one published (the walk reaches the region's view and page
    # through it), a draft and an archived one whose text must never show.
    write(public, at=PUBLISHED, body="Publicerat regionalt tillägg.")
    write(public, at=PUBLISHED, body=f"{SECRET} regionalt utkast", publish=False)
    archive(write(public, section="behandling", body=f"{SECRET} arkiverat regionalt tillägg"))
    # The published support's own next edition, with text that must not show yet.
    draft = next_edition(author, public, kind="major", summary=f"{SECRET} sammanfattning")
    add_block(author, section_of(draft, "behandling"), f"{SECRET} i nästa version")
    hidden = [
        secret_edition(author, f"Astma {SECRET} utkast", S.DRAFT, f"{SECRET} utkast"),
        secret_edition(author, f"KOL {SECRET} remiss", S.IN_CONSULTATION, f"{SECRET} remiss"),
        secret_edition(author, f"Diabetes {SECRET} godkänd", S.APPROVED, f"{SECRET} godkänd"),
    ]
    return public, draft, hidden


def local_links(body: str, content_type: str, base: str) -> set[str]:
    found = set()
    if "json" in content_type:
        try:
            # Only what is meant as an address: a path or a URL, not every word of a schema.
            values = [v for v in _strings(json.loads(body)) if v.startswith(("/", "http"))]
        except ValueError:
            values = []
    else:
        values = [
            html.unescape(value)
            for value in LINK.findall(body) + re.findall(r"<loc>([^<]+)</loc>", body)
        ]
    for value in values:
        match = LOCAL.match(urljoin(base, value.strip()))
        if match and not match.group(1).startswith(("/static/", "/logga-in/", "/konto/")):
            found.add(match.group(1))
    return found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def walk(client, limit=400) -> dict[str, tuple[int, str]]:
    """Every local address reachable from START, with its status and body."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(START)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = response.content.decode("utf-8", "replace")
        seen[url] = (response.status_code, body)
        if response.status_code == 200:
            for link in local_links(body, response.get("Content-Type", ""), url):
                if link not in seen:
                    queue.append(link)
    return seen


def test_no_public_page_or_api_answer_shows_unpublished_text(client, data):
    public, _draft, _hidden = data

    pages = walk(client)

    assert any(PUBLISHED in body for _status, body in pages.values()), "the walk saw no text"
    assert any(public.slug in url for url in pages), sorted(pages)
    errors = {url: status for url, (status, _body) in pages.items() if status >= 500}
    assert errors == {}
    leaks = [url for url, (_status, body) in pages.items() if SECRET in body]
    assert leaks == []


def test_every_address_with_an_unpublished_slug_code_or_version_is_refused(client, data):
    public, draft, hidden = data
    pages = walk(client)
    published_version = public.current_published_edition.number
    named = [url for url in pages if public.slug in url or public.code in url]
    assert named, "no address names the published support"

    tried = {}
    for url in named:
        guesses = {url.replace(published_version, draft.number)}
        for support in hidden:
            edition = working_edition(support)
            guesses.add(url.replace(public.slug, support.slug).replace(public.code, support.code))
            guesses.add(
                url.replace(public.slug, support.slug)
                .replace(public.code, support.code)
                .replace(published_version, edition.number)
            )
        for guess in guesses - {url}:
            response = client.get(guess)
            tried[guess] = (response.status_code, response.content.decode("utf-8", "replace"))

    assert tried
    assert {url: status for url, (status, _) in tried.items() if status >= 500} == {}
    assert [url for url, (_status, body) in tried.items() if SECRET in body] == []
    # A guessed support or version is not found (404, or 410 for a withdrawn one), never
    # answered with the published one's text under the unpublished address.
    answered = [
        url
        for url, (status, body) in tried.items()
        if status == 200 and urlsplit(url).path not in pages and PUBLISHED in body
    ]
    assert answered == []

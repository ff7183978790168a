"""The support list (/kunskapsstod/) after publishing (issue 8, point 1): every support shows
its published edition and its working edition side by side (the working one only to those who
may read it), "Senast ändrad" is never empty for a published support, every state filter
finds what it names, the query count does not grow with the supports, and the table keeps
its caption and header cells."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.authoring import services
from apps.authoring.models import Edition, Support
from apps.authoring.workflow_states import CLOSED_STATES
from apps.authoring.workflow_states import EditionState as S
from apps.core.forms import FORM_ERRORS_STATUS
from tests.authoring import helpers
from tests.authoring.helpers import make_support, move_to, take
from tests.factories import UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db

URL = reverse("authoring:support_list")
WORKING_STATES = [s for s in S if s not in CLOSED_STATES]


def titles(response) -> list[str]:
    assert response.status_code == 200
    found = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', response.content.decode())
    return [html.unescape(t) for t in found]


def row_of(response, title: str) -> dict[str, str]:
    """The published, working and last-changed cells of one support's row, as plain text."""
    content = response.content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", content, re.S)
    row = next(r for r in rows if f">{html.escape(title)}</a>" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)

    def text(cell):
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())

    return {"published": text(cells[3]), "working": text(cells[4]), "changed": text(cells[5])}


def start_minor(author, support: Support) -> Edition:
    return services.edition_start_new(
        actor=author, support=Support.objects.get(pk=support.pk), kind="minor"
    )


@pytest.fixture
def published_with_minor(author):
    """1.0 published (through the real workflow, remiss and all), 1.1 being written."""
    chair = helpers.person("npo_chair", name="Cecilia Ordförande")
    editor = helpers.person("national_editor", name="Nils Redaktör")
    support = make_support(author, title="Hjärtsvikt – behandling")
    edition = helpers.make_complete(helpers.working_edition(support), author)
    helpers.drive_to(edition, S.PUBLISHED, author=author, chair=chair, editor=editor)
    minor = start_minor(author, support)
    return Support.objects.get(pk=support.pk), minor


def test_a_published_support_shows_its_published_and_its_working_edition_side_by_side(
    client_for, author, published_with_minor
):
    support, minor = published_with_minor
    published = Edition.objects.get(support=support, state=S.PUBLISHED)

    response = client_for(author).get(URL)

    row = row_of(response, support.title)
    assert row["published"] == f"1.0 publicerad {published.published_at:%Y-%m-%d}"
    assert row["working"] == "1.1 Utkast"
    assert row["changed"].startswith(f"{minor.updated_at.astimezone():%Y-%m-%d}")
    assert published.get_absolute_url() in response.content.decode()
    assert minor.get_absolute_url() in response.content.decode()


def test_the_working_edition_is_left_out_for_whoever_may_not_read_it(
    client_for, reader, other_author, published_with_minor
):
    support, minor = published_with_minor
    for who in (reader, other_author):
        response = client_for(who).get(URL)
        row = row_of(response, support.title)
        assert row["published"].startswith("1.0 publicerad"), who
        assert row["working"] == "Ingen", who
        assert minor.get_absolute_url() not in response.content.decode(), who


def test_last_changed_is_never_empty_for_a_published_support(client_for, author, reader):
    support = make_support(author, title="Astma – behandling")
    helpers.publish(helpers.working_edition(support))
    superseded = make_support(author, title="KOL – behandling")
    helpers.publish(helpers.working_edition(superseded))
    helpers.publish(start_minor(author, superseded))

    for who in (author, reader):
        response = client_for(who).get(URL)
        for title in ("Astma – behandling", "KOL – behandling"):
            row = row_of(response, title)
            assert re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row["changed"]), (who, title)
            assert row["working"] == "Ingen"
    assert row_of(response, "KOL – behandling")["published"].startswith("1.1 publicerad")


# ---------------------------------------------------------------- the state filter


@pytest.fixture
def one_of_each(author):
    """A support for every state an edition can be in, named after what it holds."""
    made = {}

    def support(title):
        made[title] = make_support(author, title=title)
        return helpers.working_edition(made[title])

    support("Utkast")
    for state in WORKING_STATES:
        if state != S.DRAFT:
            move_to(support(f"Bara {state.label}"), state)
    helpers.publish(support("Publicerad"))
    helpers.publish(support("Publicerad med utkast"))
    start_minor(author, made["Publicerad med utkast"])
    helpers.publish(support("Ersatt"))
    helpers.publish(start_minor(author, made["Ersatt"]))
    move_to(support("Avpublicerad"), S.WITHDRAWN)
    move_to(support("Avbruten"), S.ABANDONED)
    return made


def expected_for(state: str) -> set[str]:
    if state == S.PUBLISHED:
        return {"Publicerad", "Publicerad med utkast", "Ersatt"}
    if state == S.SUPERSEDED:
        return {"Ersatt"}
    if state == S.DRAFT:
        return {"Utkast", "Publicerad med utkast"}
    if state == S.WITHDRAWN:
        return {"Avpublicerad"}
    if state == S.ABANDONED:
        return {"Avbruten"}
    return {f"Bara {S(state).label}"}


@pytest.mark.parametrize("state", list(S))
def test_every_state_filter_finds_the_supports_with_an_edition_in_that_state(
    client_for, national_editor, one_of_each, state
):
    response = client_for(national_editor).get(URL, {"state": state})

    assert set(titles(response)) == expected_for(state)


@pytest.mark.parametrize("state", list(S))
def test_the_state_filter_finds_only_what_the_user_may_read(client_for, reader, one_of_each, state):
    found = set(titles(client_for(reader).get(URL, {"state": state})))

    if state in (S.PUBLISHED, S.SUPERSEDED):
        assert found == expected_for(state)
    else:
        assert found == set()


def test_without_a_filter_every_support_is_listed_for_everyone(client_for, reader, one_of_each):
    assert set(titles(client_for(reader).get(URL))) == set(one_of_each)


def test_an_unknown_state_is_refused_beside_the_field(client_for, author, one_of_each):
    response = client_for(author).get(URL, {"state": "publicerad-typ"})

    assert response.status_code == FORM_ERRORS_STATUS
    assert 'aria-invalid="true"' in response.content.decode()


def test_search_and_filters_combine(client_for, author, other_author, one_of_each):
    theirs = make_support(other_author, title="Depression – utkast", area=npo("psykisk-halsa"))
    Support.objects.filter(pk=one_of_each["Publicerad med utkast"].pk).update(title="Utkast 2")
    client = client_for(author)

    assert set(titles(client.get(URL, {"q": "utkast", "state": "draft"}))) == {
        "Utkast",
        "Utkast 2",
    }
    assert set(titles(client.get(URL, {"q": "utkast", "mine": "on"}))) == {"Utkast", "Utkast 2"}
    assert theirs.title not in titles(client.get(URL, {"state": "draft"}))


# ---------------------------------------------------------------- queries and accessibility


def grow(author, other_author, count: int) -> None:
    """Supports of two NPOs in every shape: drafts, published, published with a minor."""
    for n in range(count):
        who, area = (author, npo()) if n % 2 else (other_author, npo("psykisk-halsa"))
        support = make_support(
            who,
            title=f"Kunskapsstöd {Support.objects.count()}",
            area=area,
            diagnoses=["I50.0", "I48.9"],
            product_type=helpers.clinical() if n % 3 else helpers.care_pathway(),
        )
        if n % 3 != 1:
            helpers.publish(helpers.working_edition(support))
            if n % 3 == 2:
                start_minor(who, support)


def recipient_coordinator():
    user = UserFactory(full_name="Kim Samordnare")
    grant(user, "remiss_coordinator", region("uppsala"))
    return user


@pytest.mark.parametrize(
    "query", [{}, {"state": "published"}, {"state": "draft", "q": "I50", "mine": "on"}]
)
@pytest.mark.parametrize("who", ["author", "reader", "coordinator"])
def test_the_list_runs_as_many_queries_for_30_supports_as_for_3(
    request, client_for, django_assert_max_num_queries, author, other_author, who, query
):
    user = recipient_coordinator() if who == "coordinator" else request.getfixturevalue(who)
    client = client_for(user)
    grow(author, other_author, 3)

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, query).status_code == 200
    grow(author, other_author, 27)
    assert Support.objects.count() == 30

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, query)
    assert response.status_code == 200
    if not query:
        assert len(titles(response)) == 30


def test_the_table_has_a_caption_and_header_cells_for_columns_and_rows(
    client_for, author, published_with_minor
):
    content = client_for(author).get(URL).content.decode()
    table = re.search(r'<table class="table support-overview">(.*?)</table>', content, re.S)
    assert table
    table = table.group(1)

    assert re.search(r"<caption>\s*1 kunskapsstöd\s*</caption>", table)
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert headers == [
        "Titel",
        "Kod",
        "Produkttyp",
        "Programområde",
        "Publicerad version",
        "Version under arbete",
        "Senast ändrad",
    ]
    assert "<th>" not in table
    assert len(re.findall(r'<th scope="row">', table)) == 1


def test_a_page_of_the_list_keeps_the_filter(client_for, author):
    for n in range(51):
        helpers.publish(helpers.working_edition(make_support(author, title=f"Stöd {n:02d}")))
    client = client_for(author)

    first = client.get(URL, {"state": "published"})
    second = client.get(URL, {"state": "published", "sida": 2})

    assert len(titles(first)) == 50
    assert len(titles(second)) == 1
    assert "state=published&amp;sida=2" in first.content.decode()


def test_a_support_whose_consultation_reached_a_region_shows_it_to_the_regions_coordinator(
    client_for, author
):
    chair = helpers.person("npo_chair", name="Cecilia Ordförande")
    editor = helpers.person("national_editor", name="Nils Redaktör")
    support = make_support(author, title="Hypertoni")
    edition = helpers.make_complete(helpers.working_edition(support), author)
    helpers.drive_to(edition, S.READY_FOR_CONSULTATION, author=author, chair=chair, editor=editor)
    coordinator = recipient_coordinator()
    client = client_for(coordinator)
    assert row_of(client.get(URL), "Hypertoni")["working"] == "Ingen"

    take(editor, edition, "open_consultation")

    assert row_of(client.get(URL), "Hypertoni")["working"] == "1.0 På remiss"
    assert titles(client.get(URL, {"state": "in_consultation"})) == ["Hypertoni"]

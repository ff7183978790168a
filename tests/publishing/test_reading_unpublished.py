"""No unpublished text reaches a reader: every page of the reading site, asked with the
numbers of draft, remiss and approved editions (and of a new working edition of a published
support), shows only what was published."""

import pytest

from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import (
    add_block,
    make_complete,
    make_support,
    move_to,
    save,
    section_of,
    working_edition,
)
from tests.publishing.helpers import next_edition
from tests.publishing.reading_helpers import (
    changes_url,
    edition_url,
    people,
    published_support,
    support_url,
    table_url,
    text,
)

pytestmark = pytest.mark.django_db

SECRET = "HEMLIGT-UTKAST"
PUBLISHED = "Publicerad text om dosering."


def pages(support, numbers) -> list[str]:
    urls = [support_url(support), "/sitemap.xml"]
    for number in numbers:
        urls += [
            edition_url(support, number),
            changes_url(support, number),
            changes_url(support, "1.0", number),
            table_url(support, number),
            support_url(support) + f"?vardniva=alla&mot={number}",
        ]
    return urls


def test_a_new_working_edition_of_a_published_support_never_shows(client):
    author, editor = people()
    support = published_support(author, editor, blocks=[("behandling", PUBLISHED, text())])
    draft = next_edition(author, support, kind="major", summary=f"{SECRET} sammanfattning")
    for block in draft.blocks.all():
        save(author, block, body=f"{SECRET} {block.body}")
    add_block(author, section_of(draft, "multisjuklighet"), f"{SECRET} nytt avsnitt", **text())

    seen = {}
    for url in pages(support, ["1.0", draft.number, "1.1"]):
        response = client.get(url)
        seen[url] = response.status_code
        assert SECRET not in response.content.decode(), url
        assert "Samsjuklighet" not in response.content.decode(), url

    assert seen[support_url(support)] == 200
    assert PUBLISHED in client.get(support_url(support)).content.decode()
    assert seen[edition_url(support, draft.number)] == 404
    assert seen[table_url(support, draft.number)] == 404
    assert seen[changes_url(support, "1.0", draft.number)] == 400


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.INTERNAL_REVIEW, S.IN_CONSULTATION, S.REVISION, S.APPROVED]
)
def test_a_support_never_published_is_not_found_at_any_address(client, state):
    author, _editor = people()
    support = make_support(author, title=f"{SECRET} titel")
    edition = make_complete(working_edition(support), author)
    add_block(author, section_of(edition), f"{SECRET} text", **text())
    move_to(edition, state)

    for url in pages(support, ["1.0"]):
        response = client.get(url)
        assert SECRET not in response.content.decode(), url
        if url != "/sitemap.xml":
            assert response.status_code == 404, url

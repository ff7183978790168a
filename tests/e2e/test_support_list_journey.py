"""The support list after publishing, in a real browser (issue 8, point 1): a support whose
1.0 is published and whose 1.1 is being written shows both editions side by side, and the
state filter finds it both as "Publicerad" and as "Utkast". A signed-in person with no role
sees the published edition only, and the filter for drafts finds nothing for them.

Every page visited is checked with axe-core (tests/e2e/axe.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD, UserFactory, grant, npo

pytestmark = pytest.mark.e2e

TITLE = "Hjärtsvikt – behandling"
OTHER = "Förmaksflimmer – utredning"


@pytest.fixture
def supports(product_types):
    """Heart failure: 1.0 published through the real workflow, 1.1 being written. Atrial
    fibrillation: a first draft, never published."""
    from apps.authoring import services
    from apps.authoring.models import Support
    from apps.authoring.workflow_states import EditionState
    from tests.authoring import helpers

    author = grant(UserFactory(full_name="Astrid Författare"), "author", npo())
    chair = grant(UserFactory(full_name="Cecilia Ordförande"), "npo_chair", npo())
    editor = grant(UserFactory(full_name="Nils Redaktör"), "national_editor")
    support = helpers.make_support(author, title=TITLE)
    edition = helpers.make_complete(helpers.working_edition(support), author)
    helpers.drive_to(edition, EditionState.PUBLISHED, author=author, chair=chair, editor=editor)
    services.edition_start_new(
        actor=author,
        support=Support.objects.get(pk=support.pk),
        kind="minor",
        change_summary="Språkliga rättelser.",
    )
    helpers.make_support(author, title=OTHER)
    return {"author": author, "support": support}


def sign_in(page: Page, user) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def open_list(page: Page) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Kunskapsstöd", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunskapsstöd")


def table(page: Page):
    return page.get_by_role("table", name=re.compile(r"kunskapsstöd$"))


def row(page: Page, title: str):
    return (
        table(page)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=re.compile(re.escape(title))))
    )


def cell(page: Page, title: str, column: str):
    """The cell of one support's row under the column header named `column`."""
    headers = table(page).get_by_role("columnheader").all_inner_texts()
    index = headers.index(column)
    return row(page, title).locator("th, td").nth(index)


def filter_by_state(page: Page, label: str) -> None:
    page.get_by_label("Status", exact=True).select_option(label=label)
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_label("Status", exact=True)).to_have_value(re.compile(r"\w"))


def listed_titles(page: Page) -> list[str]:
    return [t.strip() for t in table(page).get_by_role("rowheader").all_inner_texts()]


def test_the_list_shows_the_published_and_the_working_edition_and_filters_find_them(
    page: Page, supports
):
    sign_in(page, supports["author"])
    open_list(page)
    expect(table(page)).to_be_visible()
    check_a11y(page, context="kunskapsstöd, alla")

    expect(cell(page, TITLE, "Publicerad version")).to_contain_text(
        re.compile(r"1\.0\s+publicerad \d{4}-\d{2}-\d{2}")
    )
    expect(cell(page, TITLE, "Version under arbete")).to_contain_text(re.compile(r"1\.1\s+Utkast"))
    expect(cell(page, TITLE, "Senast ändrad")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2} \d"))
    expect(cell(page, OTHER, "Publicerad version")).to_have_text("Inte publicerad")

    filter_by_state(page, "Publicerad")
    expect(page).to_have_url(re.compile(r"state=published"))
    assert listed_titles(page) == [TITLE]
    expect(table(page).locator("caption")).to_have_text("1 kunskapsstöd")
    check_a11y(page, context="kunskapsstöd, publicerade")

    filter_by_state(page, "Utkast")
    expect(page).to_have_url(re.compile(r"state=draft"))
    assert sorted(listed_titles(page)) == sorted([TITLE, OTHER])
    check_a11y(page, context="kunskapsstöd, utkast")

    filter_by_state(page, "På remiss")
    expect(table(page)).to_contain_text("Inga kunskapsstöd matchar.")
    assert listed_titles(page) == []

    page.get_by_role("link", name="Rensa filter").click()
    cell(page, TITLE, "Version under arbete").get_by_role("link", name="1.1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page).to_have_url(re.compile(r"/version/1\.1/$"))


def test_a_person_without_a_role_sees_the_published_edition_and_no_draft(page: Page, supports):
    sign_in(page, UserFactory(full_name="Rut Läsare"))
    open_list(page)

    expect(cell(page, TITLE, "Publicerad version")).to_contain_text("1.0")
    expect(cell(page, TITLE, "Version under arbete")).to_have_text("Ingen")
    check_a11y(page, context="kunskapsstöd, utan roll")

    filter_by_state(page, "Publicerad")
    assert listed_titles(page) == [TITLE]

    filter_by_state(page, "Utkast")
    expect(table(page)).to_contain_text("Inga kunskapsstöd matchar.")
    assert listed_titles(page) == []

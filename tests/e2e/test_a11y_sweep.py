"""Every page a signed-in person uses, checked with axe-core in the real browser: the lists,
the forms (also with their error messages showing), the editor, the history with a diff,
the comparison with the published edition, the workflow steps, the templates and the
account pages. Serious or critical violations fail (tests/e2e/axe.py)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD, UserFactory, grant, npo, region

pytestmark = pytest.mark.e2e


@pytest.fixture
def everything(product_types):
    """One person in every role, and a support with a published 1.0 and a working 1.1 whose
    first block has two saved versions (so history, diff and comparison have content)."""
    from apps.authoring import services
    from tests.authoring import helpers
    from tests.authoring.helpers import make_complete

    person = UserFactory(full_name="Alla Roller", email="alla@example.se")
    for role in ("administrator", "national_editor"):
        grant(person, role)
    grant(person, "author", npo())
    grant(person, "npo_chair", npo())
    grant(person, "remiss_coordinator", region())
    support = helpers.make_support(person)
    published = make_complete(helpers.working_edition(support), person)
    helpers.publish(published)
    edition = services.edition_start_new(
        actor=person, support=support, kind="minor", change_summary="Språkliga rättelser."
    )
    block = edition.blocks.order_by("section__position", "position").first()
    helpers.save(person, block, body=block.body + " Ändrad mening om dosering.")
    return {"person": person, "support": support, "edition": edition, "block": block}


def sign_in(page: Page, email: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def test_every_page_meets_wcag_aa(page: Page, everything):
    person, support, edition, block = (
        everything["person"],
        everything["support"],
        everything["edition"],
        everything["block"],
    )
    base = f"/kunskapsstod/{support.code}/version/{edition.number}/"
    sign_in(page, person.email)
    urls = [
        "/",
        "/mina-uppgifter/",
        "/notiser/",
        "/notiser/installningar/",
        "/konto/mina-roller/",
        "/konto/anvandare/",
        "/konto/anvandare/?q=Alla",
        "/konto/anvandare/ny/",
        f"/konto/anvandare/{person.pk}/",
        f"/konto/anvandare/{person.pk}/andra/",
        "/konto/organisationer/",
        "/konto/organisationer/ny/",
        f"/konto/organisationer/{npo().code}/",
        f"/konto/organisationer/{npo().code}/andra/",
        f"/konto/organisationer/{region().code}/",
        "/granskningslogg/",
        "/granskningslogg/?action=role.granted",
        "/kunskapsstod/",
        "/kunskapsstod/?q=hj%C3%A4rt&mine=on",
        "/kunskapsstod/nytt/",
        f"/kunskapsstod/{support.code}/",
        f"/kunskapsstod/{support.code}/andra/",
        f"/kunskapsstod/{support.code}/version/1.0/",
        base,
        base + "historik/",
        base + "jamfor/",
        base + "avsnitt/behandling/",
        base + "avsnitt/behandling/historik/",
        base + f"block/{block.uid}/historik/",
        base + "steg/submit_for_approval/",
        base + "steg/abandon/",
        "/kunskapsstod/mallar/",
        "/kunskapsstod/mallar/kliniskt-kunskapsstod/behandling/",
        "/kunskapsstod/mallar/kliniskt-kunskapsstod/nytt-avsnitt/",
        "/losenord/andra/",
        "/finns-inte/",
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status < 500, url
        expect(page.locator("main")).to_be_visible()
        text = page.locator("body").inner_text()
        assert not any(mark in text for mark in ("{#", "{%", "{{")), f"template syntax shown: {url}"
        check_a11y(page, context=url)


def test_forms_with_errors_showing_meet_wcag_aa(page: Page, everything):
    person = everything["person"]
    sign_in(page, person.email)
    for url, button in [
        ("/konto/anvandare/ny/", "Skapa och skicka inbjudan"),
        ("/konto/organisationer/ny/", "Spara"),
        ("/kunskapsstod/nytt/", "Skapa och börja skriva"),
        (
            f"/kunskapsstod/{everything['support'].code}/version/1.1/steg/abandon/",
            "Avbryt versionen",
        ),
    ]:
        page.goto(url)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".error-summary")).to_be_visible()
        check_a11y(page, context=f"{url} with errors")


def test_signed_out_pages_meet_wcag_aa(page: Page, organisations):
    for url in [
        "/logga-in/",
        "/losenord/aterstall/",
        "/losenord/aterstall/x/y/",
        "/konto/inbjudan/x/y/",
    ]:
        page.goto(url)
        check_a11y(page, context=url)
    page.goto("/logga-in/")
    page.get_by_role("button", name="Logga in").click()
    check_a11y(page, context="/logga-in/ with errors")

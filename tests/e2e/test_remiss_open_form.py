"""The form that sends an edition on remiss, in the browser, with and without JavaScript.

With remiss-open.js only the chosen kind's windows are shown, the fields for dates set by hand
appear once "Egna datum" is chosen, and the other organisations only for a remiss; switching
the kind takes that kind's next window. Without the script every window and field is there
and the form opens a round all the same (progressive enhancement). axe checks each state."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.authoring.workflow_states import EditionState as S
from apps.remiss import services
from apps.remiss.forms import window_choices
from apps.remiss.models import Consultation
from tests.authoring.helpers import make_support, move_to, person, working_edition
from tests.e2e.axe import check_a11y
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import PASSWORD
from tests.remiss.helpers import manual_closing_day

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _templates(product_types):
    """The product types and templates that a transactional test's flush removed."""


def labels() -> dict:
    with translation.override("sv"):
        return {key: label for _group, options in window_choices()[:2] for key, label in options}


def open_form(page: Page):
    editor = person("national_editor", name="Rut Redaktör")
    edition = move_to(
        working_edition(make_support(person("author"), title="Astma – behandling")),
        S.READY_FOR_CONSULTATION,
    )
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(editor.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    page.goto(edition.get_absolute_url() + "steg/open_consultation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skicka på remiss")
    return edition


def test_the_script_shows_only_the_chosen_kinds_windows_and_the_manual_dates_when_chosen(
    page: Page,
):
    edition = open_form(page)
    names = labels()
    remiss = services.offered_windows("remiss")
    feedback = services.offered_windows("synpunktsinhamtning")
    manual_dates = page.get_by_label("Sista svarsdag (egna datum)")

    for window in remiss:
        expect(page.get_by_role("radio", name=names[window.key], exact=True)).to_be_visible()
    for window in feedback:
        expect(page.get_by_role("radio", name=names[window.key], exact=True)).to_be_hidden()
    expect(page.get_by_role("radio", name=names[remiss[0].key], exact=True)).to_be_checked()
    expect(manual_dates).to_be_hidden()
    expect(page.get_by_label("Motivering till egna datum")).to_be_hidden()
    check_a11y(page, context="öppna remiss, skript")

    page.get_by_role("radio", name="Egna datum").check()
    expect(manual_dates).to_be_visible()
    expect(page.get_by_label("Motivering till egna datum")).to_be_visible()
    check_a11y(page, context="öppna remiss, egna datum")
    page.get_by_role("radio", name=names[remiss[1].key], exact=True).check()
    expect(manual_dates).to_be_hidden()

    # Another kind: its windows, its next window chosen and said; no other organisations.
    page.get_by_label("Typ av remiss").select_option(label="Synpunktsinhämtning")
    first = page.get_by_role("radio", name=names[feedback[0].key], exact=True)
    expect(first).to_be_visible()
    expect(first).to_be_checked()
    expect(page.get_by_role("radio", name=names[remiss[0].key], exact=True)).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Remissperioden är nu")
    expect(page.locator("fieldset").filter(has_text="Andra organisationer")).to_be_hidden()
    check_a11y(page, context="öppna synpunktsinhämtning, skript")
    page.get_by_label(re.compile(r"^Kommentar")).fill("Till regionerna.")
    page.get_by_role("button", name="Skicka på remiss").click()
    expect(page.locator(".messages")).to_contain_text("På remiss")
    consultation = Consultation.objects.get(edition=edition)
    assert (consultation.kind, consultation.opens_on) == (
        "synpunktsinhamtning",
        feedback[0].opens_on,
    )


def test_without_javascript_every_field_is_shown_and_manual_dates_open_the_round(
    browser, live_server, organisations
):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        edition = open_form(page)
        names = labels()
        for kind in ("remiss", "synpunktsinhamtning"):
            for window in services.offered_windows(kind):
                expect(
                    page.get_by_role("radio", name=names[window.key], exact=True)
                ).to_be_visible()
        closes_on = manual_closing_day()
        page.get_by_role("radio", name="Egna datum").check()
        page.get_by_label("Sista svarsdag (egna datum)").fill(closes_on.isoformat())
        page.get_by_label("Motivering till egna datum").fill("Brådskande säkerhetsinformation.")
        page.get_by_label(re.compile(r"^Kommentar")).fill("Ut på remiss.")
        page.get_by_role("button", name="Skicka på remiss").click()
        expect(page.locator(".messages")).to_contain_text("På remiss")
        consultation = Consultation.objects.get(edition=edition)
        assert consultation.closes_on == closes_on
        assert consultation.dates_reason == "Brådskande säkerhetsinformation."
    finally:
        context.close()

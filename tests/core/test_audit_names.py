"""The audit log speaks Swedish: every action any service records has a registered Swedish
name (the workflow's named from its transition table), the event filter lists them all, and
the log page shows no internal code: no action code, no field name, no choice value."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts import services as accounts_services
from apps.accounts.roles import ROLES
from apps.authoring import services as authoring_services
from apps.authoring.models import Section
from apps.authoring.workflow import TRANSITIONS, edition_transition
from apps.core import audit
from apps.core.models import AuditEntry
from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo

LOG = "/granskningslogg/"
APPS = Path(settings.BASE_DIR) / "apps"

# `action="x.y"` or `action=f"x.{...}"` in the source of the apps.
ACTION_LITERAL = re.compile(r"""\baction=(f?)["']([a-z_]+\.[a-z_{}]+)["']""")


def actions_recorded_in_the_code() -> set[str]:
    found = set()
    for path in APPS.rglob("*.py"):
        for is_f, text in ACTION_LITERAL.findall(path.read_text(encoding="utf-8")):
            if not is_f:
                found.add(text)
            elif text == "edition.{name}":  # the workflow engine: one action per transition
                found.update(f"edition.{t.name}" for t in TRANSITIONS)
            else:
                pytest.fail(f"{path}: name the audit action {text!r} so this test can check it")
    return found


class TextOnly(HTMLParser):
    """The text a person reads (attribute values such as option values are not read)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(response) -> str:
    parser = TextOnly()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


# --- names -----------------------------------------------------------------------------------------


def test_the_source_scan_finds_the_actions_of_every_app():
    found = actions_recorded_in_the_code()

    # A guard against a scan that silently finds nothing.
    assert {"user.invited", "support.created", "consultation.opened"} <= found
    assert {"edition.npo_approve", "edition.publish_scheduled"} <= found


def test_every_action_recorded_anywhere_has_a_registered_swedish_name():
    missing = sorted(actions_recorded_in_the_code() - set(audit.ACTION_LABELS))

    assert missing == []


def test_every_workflow_transition_and_supersession_is_named_in_swedish():
    for transition in TRANSITIONS:
        assert str(transition.label) in audit.action_label(f"edition.{transition.name}")
    assert audit.action_label("edition.publish_scheduled") == "Publicering planerad"
    assert audit.action_label("edition.supersede") != "edition.supersede"


def test_names_are_words_not_codes_and_tell_every_event_apart():
    labels = [str(label) for label in audit.ACTION_LABELS.values()]

    for code, label in ((code, str(label)) for code, label in audit.ACTION_LABELS.items()):
        assert label != code
        assert not re.search(r"\w[._]\w", label), label
    assert len(labels) == len(set(labels)), "two events would look the same in the filter"


def test_the_shared_send_back_label_is_told_apart_by_the_state_it_leaves():
    assert audit.action_label("edition.return_from_internal_review") == (
        "Skicka tillbaka för ändringar (från ”Intern granskning”)"
    )


def test_the_event_filter_lists_every_kind_of_event_by_its_swedish_name(administrator, client_for):
    page = client_for(administrator).get(LOG).content.decode()
    select = re.search(r'<select name="action".*?</select>', page, re.S).group(0)
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))

    assert options.pop("") == "Alla"
    assert options == audit.ACTION_LABELS


# --- details ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_details_show_field_names_and_choice_values_in_swedish(administrator):
    organisation = npo()
    changed = accounts_services.organisation_update(
        actor=administrator,
        organisation=organisation,
        name=organisation.name,
        short_name="Hjärta",
        parent=organisation.parent,
        is_active=False,
    )
    entry = AuditEntry.objects.get(action="organisation.updated")

    assert changed.is_active is False
    assert audit.details_shown(entry) == [
        ("Kort namn", f"{organisation.short_name or '–'} → Hjärta"),
        ("Aktiv", "ja → nej"),
    ]


@pytest.mark.django_db
def test_a_block_kind_is_shown_by_the_blocks_label_though_recorded_on_the_edition(db):
    author = grant(UserFactory(), "author", npo())
    support = helpers.make_support(author)
    section = helpers.section_of(helpers.working_edition(support))
    authoring_services.block_add(actor=author, section=section, kind="recommendation")
    entry = AuditEntry.objects.get(action="block.added")

    assert audit.details_shown(entry) == [("Typ", "Rekommendation")]


@pytest.mark.django_db
def test_internal_detail_keys_are_not_shown(administrator):
    entry = audit.record(
        actor=administrator,
        action="role.granted",
        obj=npo(),
        details={"role": "npo_chair", "role_label": "NPO-ordförande", "block": "a1b2"},
    )

    assert audit.details_shown(entry) == [("Roll", "NPO-ordförande")]


# --- the page --------------------------------------------------------------------------------------


@pytest.fixture
def a_working_day(administrator):
    """A day of real work through the real services: accounts, supports, blocks, workflow."""
    area = npo()
    author = grant(UserFactory(full_name="Alva Skribent"), "author", area)
    chair = grant(UserFactory(full_name="Olle Ordförande"), "npo_chair", area)
    colleague = UserFactory(full_name="Bo Kollega")
    accounts_services.user_update(
        actor=administrator,
        user=colleague,
        full_name="Bo Kollega-Berg",
        profession="Sjuksköterska",
        home_organisation=area,
    )
    accounts_services.role_grant(
        actor=administrator, user=colleague, role=ROLES["author"], scope=area
    )
    accounts_services.user_deactivate(actor=administrator, user=colleague, reason="Slutat")
    accounts_services.organisation_update(
        actor=administrator,
        organisation=area,
        name=area.name,
        short_name=area.short_name,
        parent=area.parent,
        is_active=False,
    )
    support = helpers.make_support(author)
    edition = helpers.working_edition(support)
    for section in Section.objects.filter(edition=edition, required=True):
        helpers.add_block(
            author,
            section,
            "Behandling med ACE-hämmare bör inledas i låg dos.",
            **helpers.COMPLETE_RECOMMENDATION,
        )
    for actor, name, comment in [
        (author, "submit_for_review", ""),
        (chair, "return_from_internal_review", "Förtydliga doseringen."),
        (author, "submit_for_review", ""),
        (chair, "approve_for_consultation", ""),
    ]:
        edition.refresh_from_db()
        edition = edition_transition(
            actor=actor,
            edition=edition,
            name=name,
            lock_version=edition.lock_version,
            comment=comment,
        )
    return edition


@pytest.mark.django_db
def test_the_log_of_a_working_day_shows_no_internal_code(administrator, client_for, a_working_day):
    recorded = set(AuditEntry.objects.values_list("action", flat=True))
    text = visible_text(client_for(administrator).get(LOG))

    assert {"edition.return_from_internal_review", "block.added", "user.updated"} <= recorded
    for code in set(audit.ACTION_LABELS) | recorded:
        assert code not in text
    for label in (audit.action_label(action) for action in recorded):
        assert label in text
    # Field names, choice values and Python's words never reach the page.
    for word in ("recommendation", "is_active", "short_name", "home_organisation", "role_label"):
        assert word not in text
    assert not re.search(r"\b(True|False|None)\b", text)
    assert "Anledning: Slutat" in text
    assert "Kommentar: Förtydliga doseringen." in text
    assert "Från: Intern granskning; Till: Utkast" in text

"""The audit log: `record()` keeps who did what to which object and where; the log page
filters by action, actor, object and dates, and explains a bad filter in Swedish."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from apps.accounts.models import Organisation
from apps.core import audit
from apps.core.models import AuditEntry
from tests.factories import UserFactory, grant, npo

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOG = "/granskningslogg/"


# --- record() --------------------------------------------------------------------------------------


def test_record_keeps_actor_object_subject_scope_and_details(administrator, user):
    entry = audit.record(
        actor=administrator,
        action="role.granted",
        obj=npo(),
        subject_user=user,
        scope=npo().name,
        details={"role": "author", "role_label": "Skribent"},
    )

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == administrator
    assert entry.action == "role.granted"
    assert entry.content_type == ContentType.objects.get_for_model(Organisation)
    assert entry.object_id == str(npo().pk)
    assert entry.object_repr == npo().name
    assert entry.subject_user == user
    assert entry.scope == npo().name
    assert entry.details == {"role": "author", "role_label": "Skribent"}
    assert entry.created_at is not None
    assert list(AuditEntry.objects.for_object(npo())) == [entry]
    assert list(AuditEntry.objects.about_user(user)) == [entry]


def test_record_without_a_signed_in_actor_or_object_is_the_system(db):
    entry = audit.record(actor=AnonymousUser(), action="user.password_set")

    assert entry.actor is None
    assert entry.content_type is None
    assert (entry.object_id, entry.object_repr, entry.scope, entry.details) == ("", "", "", {})


def test_record_shortens_over_long_names_to_fit(administrator):
    long_named = UserFactory(full_name="N" * 150)
    entry = audit.record(
        actor=administrator, action="user.updated", obj=long_named, scope="S" * 500
    )

    entry.refresh_from_db()
    assert entry.object_repr == "N" * 150
    assert len(entry.scope) == 200


def test_actions_have_swedish_labels():
    assert audit.action_label("role.granted") == "Roll tilldelad"
    assert audit.action_label("user.deactivated") == "Användare inaktiverad"
    assert audit.action_label("unknown.action") == "unknown.action"


# --- the log page -------------------------------------------------------------------------------------


def shown_count(response) -> int:
    return int(re.search(r"<p>(\d+) händelser</p>", response.content.decode()).group(1))


def error_beside(response, field: str) -> str:
    """The error text tied to the field's input by aria-describedby (empty if none)."""
    page = response.content.decode()
    tag = re.search(rf'<input\b[^>]*name="{field}"[^>]*>', page).group(0)
    described_by = re.search(r'aria-describedby="([^"]*)"', tag)
    shown = []
    for element_id in described_by.group(1).split() if described_by else []:
        element = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
        if element and "error-message" in element.group(2):
            shown.append(unescape(re.sub(r"<[^>]+>", "", element.group(2))))
    return " ".join(shown)


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=STOCKHOLM)


@pytest.fixture
def log(administrator):
    """Four entries by two people on three days."""
    bertil = grant(UserFactory(full_name="Bertil Boss", email="bertil@region.se"), "administrator")
    subject = UserFactory(full_name="Cilla Ceder")
    entries = {
        "granted": audit.record(
            actor=administrator, action="role.granted", obj=npo(), subject_user=subject
        ),
        "revoked": audit.record(
            actor=bertil, action="role.revoked", obj=npo(), subject_user=subject
        ),
        "deactivated": audit.record(
            actor=bertil, action="user.deactivated", obj=subject, subject_user=subject
        ),
        "created": audit.record(
            actor=administrator, action="organisation.created", obj=npo("psykisk-halsa")
        ),
    }
    days = {
        "granted": at("2025-01-10"),
        "revoked": at("2025-03-01", 0, 30),  # the first half hour of the day, Swedish time
        "deactivated": at("2025-03-15"),
        "created": at("2025-03-31", 23, 45),
    }
    for key, moment in days.items():
        AuditEntry.objects.filter(pk=entries[key].pk).update(created_at=moment)
    return entries


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, 4),
        ({"action": "role.granted"}, 1),
        ({"action": "user.deactivated"}, 1),
        ({"actor": "bertil"}, 2),
        ({"actor": "region.se"}, 2),
        ({"actor": "Anna"}, 2),
        ({"subject": "Cilla"}, 3),
        ({"subject": "psykisk"}, 1),
        ({"date_from": "2025-03-01"}, 3),
        ({"date_to": "2025-02-28"}, 1),
        ({"date_from": "2025-03-01", "date_to": "2025-03-01"}, 1),
        ({"date_from": "2025-03-31", "date_to": "2025-03-31"}, 1),
        ({"date_from": "2025-03-01", "date_to": "2025-03-31", "actor": "bertil"}, 2),
        ({"action": "role.revoked", "actor": "Anna"}, 0),
    ],
)
def test_log_filters_by_action_actor_object_and_swedish_dates(
    administrator, client_for, log, query, expected
):
    response = client_for(administrator).get(LOG, query)

    assert response.status_code == 200
    assert shown_count(response) == expected


def test_log_shows_swedish_labels_and_who_did_it(administrator, client_for, log):
    page = client_for(administrator).get(LOG).content.decode()
    assert "Roll tilldelad" in page
    assert "Organisation skapad" in page
    assert "Bertil Boss" in page


def test_a_start_date_after_the_end_date_is_explained_beside_the_end_date(
    administrator, client_for, log
):
    response = client_for(administrator).get(
        LOG, {"date_from": "2025-04-01", "date_to": "2025-03-01"}
    )

    assert response.status_code == 200
    assert "Slutdatum kan inte vara före startdatum." in error_beside(response, "date_to")
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_date_that_does_not_exist_is_explained_beside_the_field(administrator, client_for):
    response = client_for(administrator).get(LOG, {"date_from": "2025-02-30"})
    assert "Fyll i ett giltigt datum." in error_beside(response, "date_from")


@pytest.mark.parametrize("role_key", ["npo_chair", "national_editor", "remiss_coordinator"])
def test_only_administrators_read_the_log(client_for, role_key):
    person = grant(UserFactory(), role_key)
    assert client_for(person).get(LOG).status_code == 403


def test_apply_changes_sets_values_and_reports_only_what_changed(db):
    from apps.accounts.models import Organisation
    from apps.core.audit import apply_changes

    organisation = Organisation.objects.get(code="uppsala")
    parent = organisation.parent
    changes = apply_changes(
        organisation,
        {"name": "Region Uppsala län", "short_name": "", "parent": None, "is_active": False},
    )
    assert organisation.name == "Region Uppsala län"
    assert organisation.parent is None
    assert changes == {
        "name": ["Region Uppsala", "Region Uppsala län"],
        "parent": [str(parent), ""],
        "is_active": [True, False],
    }

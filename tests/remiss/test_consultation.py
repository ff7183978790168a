"""Consultation rounds as side effects of the workflow: opening one records kind, closing
date and recipients (all 21 regions unless chosen); closing or abandoning closes it; an
edition has at most one open round."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.models import Edition
from apps.authoring.workflow_states import EditionState as S
from apps.remiss.forms import OpenConsultationForm
from apps.remiss.models import Consultation, ConsultationKind
from tests.authoring import helpers
from tests.authoring.helpers import (
    assert_refused,
    footprint,
    make_complete,
    move_to,
    person,
    take,
)
from tests.factories import organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return person("author", name="Astrid Författare")


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def ready(author):
    edition = helpers.working_edition(helpers.make_support(author))
    return move_to(edition, S.READY_FOR_CONSULTATION)


def closes_in(weeks: int = 6):
    return timezone.localdate() + timedelta(weeks=weeks)


def regions():
    return Organisation.objects.regions().active()


def test_opening_records_kind_closing_date_and_all_21_regions_by_default(editor, ready):
    moved = take(
        editor,
        ready,
        "open_consultation",
        data={"kind": ConsultationKind.FEEDBACK_ROUND, "closes_on": closes_in().isoformat()},
    )

    assert moved.state == S.IN_CONSULTATION
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.kind == ConsultationKind.FEEDBACK_ROUND
    assert consultation.closes_on == closes_in()
    assert consultation.opened_by == editor
    assert consultation.closed_at is None
    assert regions().count() == 21
    assert set(consultation.recipients.all()) == set(regions())


def test_opening_with_chosen_recipients_sends_only_to_them(editor, ready):
    chosen = [organisation("uppsala").pk, Organisation.objects.other_bodies().first().pk]
    take(
        editor,
        ready,
        "open_consultation",
        data={"closes_on": closes_in().isoformat(), "recipient_ids": chosen},
    )
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.kind == ConsultationKind.REMISS
    assert sorted(consultation.recipients.values_list("pk", flat=True)) == sorted(chosen)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"closes_on": "", "kind": "remiss"}, "Ange sista svarsdag."),
        ({"closes_on": "31/12", "kind": "remiss"}, "Ange sista svarsdag."),
        (
            {"closes_on": timezone.localdate().isoformat(), "kind": "remiss"},
            "Sista svarsdag måste ligga efter i dag.",
        ),
        ({"closes_on": "2099-01-01", "kind": "enkat"}, "Okänd typ av remiss."),
        ({"closes_on": "2099-01-01", "recipient_ids": []}, "Välj minst en mottagare."),
    ],
    ids=["no-date", "garbage-date", "today", "unknown-kind", "no-recipients"],
)
def test_opening_with_bad_data_rolls_everything_back(editor, ready, data, message):
    before = footprint(ready)
    with pytest.raises(ValidationError) as info:
        take(editor, ready, "open_consultation", data=data)
    assert message in info.value.messages
    assert footprint(ready) == before
    assert Edition.objects.get(pk=ready.pk).state == S.READY_FOR_CONSULTATION


def test_the_form_preselects_all_21_regions(editor, ready, client_for):
    form = OpenConsultationForm()
    assert {o.pk for o in form.initial["regions"]} == set(regions().values_list("pk", flat=True))
    assert len(form.initial["regions"]) == 21

    url = reverse(
        "authoring:edition_step",
        kwargs={
            "code": ready.support.code,
            "major": ready.major,
            "minor": ready.minor,
            "name": "open_consultation",
        },
    )
    html = client_for(editor).get(url).content.decode()
    boxes = re.findall(r'<input[^>]*name="regions"[^>]*>', html)
    checked = {re.search(r'value="(\d+)"', box).group(1) for box in boxes if " checked" in box}
    assert checked == {str(pk) for pk in regions().values_list("pk", flat=True)}


def test_closing_sets_closed_at_and_moves_the_edition_to_revision(editor, ready):
    take(editor, ready, "open_consultation")
    moved = take(editor, ready, "close_consultation")
    assert moved.state == S.REVISION
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.closed_at is not None
    assert consultation.closed_by == editor


def test_abandoning_during_consultation_closes_the_round(author, editor, ready):
    take(editor, ready, "open_consultation")
    moved = take(author, ready, "abandon", comment="Ersätts av ett nytt kunskapsstöd.")
    assert moved.state == S.ABANDONED
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.closed_at is not None
    assert consultation.closed_by == author
    assert not Consultation.objects.open().exists()


def test_one_open_round_per_edition(editor, ready):
    take(editor, ready, "open_consultation")
    # The workflow does not open a second one: the edition is no longer ready for it.
    assert_refused(editor, ready, "open_consultation", because="Versionen har status")
    # Nor does the database, even for code that bypasses the workflow.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(edition=ready, kind="remiss", closes_on=closes_in())
    assert Consultation.objects.filter(edition=ready).count() == 1


def test_a_closed_round_does_not_block_a_new_one(editor, ready):
    take(editor, ready, "open_consultation")
    take(editor, ready, "close_consultation")
    Consultation.objects.create(edition=ready, kind="remiss", closes_on=closes_in())
    assert Consultation.objects.filter(edition=ready).count() == 2
    assert Consultation.objects.filter(edition=ready).open().count() == 1


def test_a_whole_round_through_the_real_workflow(author, editor):
    chair = person("npo_chair", name="Cecilia Ordförande")
    edition = make_complete(helpers.working_edition(helpers.make_support(author)), author)
    take(author, edition, "submit_for_review")
    take(chair, edition, "approve_for_consultation")
    take(editor, edition, "open_consultation")
    take(editor, edition, "close_consultation")
    assert Edition.objects.get(pk=edition.pk).state == S.REVISION
    assert Consultation.objects.get(edition=edition).closed_at is not None

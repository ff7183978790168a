"""Opening a consultation tells the remiss coordinators of the receiving regions, who act
next: in the tool and by e-mail. Coordinators of regions left out hear nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import Notification
from tests.authoring import helpers
from tests.authoring.helpers import move_to, person, take
from tests.factories import grant, region

pytestmark = pytest.mark.django_db


def test_opening_a_remiss_notifies_the_coordinators_of_the_chosen_regions_only(
    django_capture_on_commit_callbacks,
):
    author = person("author")
    editor = person("national_editor")
    uppsala_coordinator = grant(person(), "remiss_coordinator", region("uppsala"))
    skane_coordinator = grant(person(), "remiss_coordinator", region("skane"))
    edition = move_to(
        helpers.working_edition(helpers.make_support(author)), S.READY_FOR_CONSULTATION
    )
    closes_on = timezone.localdate() + timedelta(weeks=6)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        take(
            editor,
            edition,
            "open_consultation",
            data={
                "kind": "remiss",
                "closes_on": closes_on.isoformat(),
                "recipient_ids": [Organisation.objects.get(code="uppsala").pk],
            },
        )

    notified = Notification.objects.filter(kind="remiss.opened")
    assert list(notified.values_list("recipient", flat=True)) == [uppsala_coordinator.pk]
    assert closes_on.isoformat() in notified.get().body
    assert [m.to for m in mail.outbox if "Ny remiss" in m.subject] == [[uppsala_coordinator.email]]
    assert not Notification.objects.filter(recipient=skane_coordinator).exists()

"""The workflow under real concurrency: ten people take the same step at the same moment
and exactly one succeeds; two cron runs at once publish a due edition exactly once.

SQLite has no row locks (`select_for_update()` is a no-op there and the whole database is
locked on write), so this proves nothing on it and is skipped there. That is acceptable
because CI runs the whole suite on PostgreSQL as well, where it runs. Locally:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kunskapsstod_workflow_tests \\
        .venv/bin/pytest -q -p no:xdist tests/authoring/test_workflow_postgres.py
"""

import threading
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.authoring import workflow
from apps.authoring.models import Edition, EditionTransition
from apps.authoring.workflow_states import EditionState as S
from tests.authoring import helpers
from tests.authoring.helpers import move_to, person

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs it)"
    ),
    # Real commits, so that the threads (each its own connection) see each other's work;
    # serialized_rollback restores the organisations and templates of the data migrations.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACERS = 10


@pytest.fixture
def slow_guard():
    """Widen the race: a guard runs after the lock_version check, inside the transaction,
    so a pause there lets the others reach the same check before the first commits.
    Without the row lock all of them would pass it; with it the others wait. Registered
    through the workflow's public registry, and removed after the test."""
    with ExitStack() as stack:

        def add(transition_name: str, seconds: float = 0.3):
            def pause(**_context):
                time.sleep(seconds)
                return []

            stack.enter_context(workflow.registered_guard(transition_name, pause))

        yield add


def run_together(targets) -> list:
    """Run each callable in its own thread (own connection), all released at once by a
    barrier; return what each returned or raised."""
    barrier = threading.Barrier(len(targets), timeout=30)
    outcomes: list = [None] * len(targets)

    def runner(index, target):
        try:
            barrier.wait()
            outcomes[index] = target()
        except Exception as error:  # noqa: BLE001 — reported by the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=runner, args=(index, target))
        for index, target in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.fixture
def in_review():
    author = person("author", name="Astrid Författare")
    edition = helpers.working_edition(helpers.make_support(author))
    return move_to(edition, S.INTERNAL_REVIEW)


def test_ten_simultaneous_approvals_one_succeeds_the_others_conflict(in_review, slow_guard):
    chairs = [person("npo_chair", name=f"Ordförande {n}") for n in range(RACERS)]
    start = in_review.lock_version
    slow_guard("approve_for_consultation")

    def approve_as(chair):
        def approve():
            own_copy = Edition.objects.get(pk=in_review.pk)
            return workflow.edition_transition(
                actor=chair,
                edition=own_copy,
                name="approve_for_consultation",
                lock_version=start,
            )

        return approve

    outcomes = run_together([approve_as(chair) for chair in chairs])

    succeeded = [o for o in outcomes if isinstance(o, Edition)]
    refused = [
        o
        for o in outcomes
        if isinstance(o, workflow.TransitionConflict | workflow.TransitionRefused)
    ]
    assert len(succeeded) == 1, outcomes
    assert len(refused) == RACERS - 1, outcomes
    edition = Edition.objects.get(pk=in_review.pk)
    assert edition.state == S.READY_FOR_CONSULTATION
    assert edition.lock_version == start + 1
    assert (
        EditionTransition.objects.filter(edition=edition, name="approve_for_consultation").count()
        == 1
    )


def test_ten_simultaneous_requests_one_redirects_the_others_get_409(in_review, slow_guard):
    chairs = [person("npo_chair", name=f"Ordförande {n}") for n in range(RACERS)]
    start = in_review.lock_version
    slow_guard("return_from_internal_review")
    url = reverse(
        "authoring:edition_step",
        kwargs={
            "code": in_review.support.code,
            "major": in_review.major,
            "minor": in_review.minor,
            "name": "return_from_internal_review",
        },
    )

    def post_as(chair):
        def post():
            client = Client()
            client.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
            return client.post(url, {"lock_version": start, "comment": "Saknar källor."})

        return post

    outcomes = run_together([post_as(chair) for chair in chairs])

    statuses = sorted(getattr(o, "status_code", o) for o in outcomes)
    assert statuses == [302] + [409] * (RACERS - 1), outcomes
    assert Edition.objects.get(pk=in_review.pk).state == S.DRAFT
    assert (
        EditionTransition.objects.filter(
            edition=in_review, name="return_from_internal_review"
        ).count()
        == 1
    )


def test_run_scheduled_twice_at_once_publishes_a_due_edition_exactly_once(slow_guard):
    author = person("author", name="Astrid Författare")
    edition = move_to(helpers.working_edition(helpers.make_support(author)), S.APPROVED)
    Edition.objects.filter(pk=edition.pk).update(
        scheduled_publish_at=timezone.now() - timedelta(minutes=1)
    )
    slow_guard("publish")

    outcomes = run_together([lambda: call_command("run_scheduled")] * 2)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.state == S.PUBLISHED
    assert EditionTransition.objects.filter(edition=edition, name="publish").count() == 1

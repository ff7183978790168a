"""The invariants of editions and snapshots under real concurrency: two transactions that each
pass every check in code, at the same moment, cannot both commit a second open edition, a
second published edition, or a second snapshot of one purpose.

SQLite takes one writer at a time (the whole database is locked on write), so two writers
never overlap there and this proves nothing on it; test_constraints.py and
test_snapshots.py hold the same rules on both databases one transaction at a time. CI runs the
whole suite on PostgreSQL as well, where this runs. Locally:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kunskapsstod_constraint_tests \\
        .venv/bin/pytest -q -p no:xdist tests/authoring/test_constraints_postgres.py
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from apps.authoring import snapshots
from apps.authoring.models import Edition, Snapshot, SnapshotBlock
from apps.authoring.workflow_states import EditionState as S
from tests.authoring import helpers
from tests.authoring.helpers import person

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (CI runs it)"
    ),
    # Real commits, so that each thread (its own connection) sees the others' work;
    # serialized_rollback restores the organisations and templates of the data migrations.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Long enough for the other transaction to reach the same insert before this one commits.
HOLD = 0.3


def run_together(targets) -> list:
    """Each callable in its own thread and connection, released at once; what each
    returned or raised."""
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

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def holding(write):
    """Run `write` in a transaction that stays open a moment before it commits."""

    def run():
        with transaction.atomic():
            result = write()
            time.sleep(HOLD)
        return result

    return run


@pytest.fixture
def support():
    author = person("author", name="Astrid Författare")
    support = helpers.make_support(author)
    # Nothing open: each of the racers below may think it is the first.
    Edition.objects.filter(support=support).update(state=S.ABANDONED)
    return support


def one_won(outcomes) -> None:
    won = [o for o in outcomes if isinstance(o, Edition | Snapshot | int)]
    lost = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert (len(won), len(lost)) == (1, 1), outcomes


def test_two_editions_opened_at_once_one_commits(support):
    def open_edition(major):
        return holding(
            lambda: Edition.objects.create(
                support_id=support.pk, major=major, minor=0, kind="major", state=S.DRAFT
            )
        )

    outcomes = run_together([open_edition(2), open_edition(3)])

    one_won(outcomes)
    assert support.editions.exclude(state=S.ABANDONED).count() == 1


def test_two_editions_published_at_once_one_commits(support):
    first, second = (
        Edition.objects.create(
            support_id=support.pk, major=major, minor=0, kind="major", state=S.ABANDONED
        )
        for major in (2, 3)
    )

    def publish(edition):
        return holding(lambda: Edition.objects.filter(pk=edition.pk).update(state=S.PUBLISHED))

    outcomes = run_together([publish(first), publish(second)])

    one_won(outcomes)
    assert support.editions.filter(state=S.PUBLISHED).count() == 1


def test_two_steps_taking_the_same_snapshot_at_once_write_it_once(monkeypatch):
    author = person("author", name="Bertil Författare")
    edition = helpers.working_edition(helpers.make_support(author, title="Förmaksflimmer"))
    for body in ("Första.", "Andra.", "Tredje."):
        helpers.add_block(author, helpers.section_of(edition), body)
    render = snapshots.render_markdown

    def slow_render(text):
        time.sleep(HOLD / 3)
        return render(text)

    monkeypatch.setattr(snapshots, "render_markdown", slow_render)

    def take():
        return snapshots.snapshot_take(edition=edition, purpose="consultation").pk

    outcomes = run_together([take, take])

    assert outcomes[0] == outcomes[1], outcomes
    assert Snapshot.objects.filter(edition=edition).count() == 1
    assert SnapshotBlock.objects.filter(snapshot__edition=edition).count() == 3

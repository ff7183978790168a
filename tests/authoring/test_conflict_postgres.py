"""The edit lock under real concurrency: two connections save the same block at the same
moment, and exactly one wins.

SQLite has no row locks (`select_for_update()` is a no-op there and the whole database is
locked on write), so this proves nothing on it and is skipped there. That is acceptable
because CI runs the whole suite on PostgreSQL as well, where it runs. Locally:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kunskapsstod_authoring_tests \\
        .venv/bin/pytest -q -p no:xdist tests/authoring/test_conflict_postgres.py
"""

import threading
import time

import pytest
from django.db import connection

from apps.authoring import services
from apps.authoring.models import Block
from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs it)"
    ),
    # Real commits, so that the two threads (two connections) see each other's work;
    # serialized_rollback restores the organisations and templates of the data migrations.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_hash(monkeypatch):
    """Widen the race: the hash is computed after the lock_version check, inside the
    transaction, so a pause there lets the other thread reach the same check before the
    first commits. Without the row lock both would pass it; with it the second waits."""
    original = Block.hash_content

    def slow(content):
        time.sleep(0.3)
        return original(content)

    monkeypatch.setattr(Block, "hash_content", staticmethod(slow))


def test_two_simultaneous_saves_of_the_same_version_one_wins_one_conflicts(slow_hash):
    first = grant(UserFactory(full_name="Astrid Författare"), "author", npo())
    second = grant(UserFactory(full_name="Bertil Medförfattare"), "author", npo())
    support = helpers.make_support(first)
    section = helpers.section_of(helpers.working_edition(support))
    block = helpers.add_block(first, section, "Utgångstext.", care_level="both")
    start = block.lock_version
    history_before = block.history.count()

    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[str, object] = {}

    def save_as(actor, text):
        try:
            own_copy = Block.objects.get(pk=block.pk)
            barrier.wait()
            services.block_save(
                actor=actor, block=own_copy, lock_version=start, content={"body": text}
            )
            outcomes[text] = "saved"
        except services.EditConflict as conflict:
            outcomes[text] = conflict
        except Exception as error:  # noqa: BLE001 — reported by the assertions below
            outcomes[text] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save_as, args=(first, "Astrids text.")),
        threading.Thread(target=save_as, args=(second, "Bertils text.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2, outcomes
    winners = [text for text, outcome in outcomes.items() if outcome == "saved"]
    conflicts = [o for o in outcomes.values() if isinstance(o, services.EditConflict)]
    assert len(winners) == 1, outcomes
    assert len(conflicts) == 1, outcomes
    # The loser is told what the winner saved, to show it on the conflict page.
    assert conflicts[0].current.body == winners[0]

    saved = Block.objects.get(pk=block.pk)
    assert saved.body == winners[0]
    assert saved.lock_version == start + 1
    assert block.history.count() == history_before + 1
    assert block.history.first().body == winners[0]

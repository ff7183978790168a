"""The invariants of editions, held by the database itself and not only by the services: at
most one open edition and at most one published edition per support, a major edition's minor
number is 0, an edition's kind is one the code knows. Every insert and update here goes past
the services on purpose; CI runs this file on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction

from apps.authoring.models import Edition, EditionKind
from apps.authoring.workflow_states import EditionState as S
from tests.authoring import helpers
from tests.authoring.helpers import make_support, working_edition

pytestmark = pytest.mark.django_db

# The domain's words, written out rather than imported: an edition is finished once it is
# published, superseded, withdrawn or abandoned; every other state is "open" (being worked on).
FINISHED = {"published", "superseded", "withdrawn", "abandoned"}
OPEN = set(S.values) - FINISHED


def an_edition(support, state: str, *, major: int = 9, minor: int = 0, kind: str = "major"):
    return Edition.objects.create(support=support, major=major, minor=minor, kind=kind, state=state)


def refused(make) -> None:
    """`make` raises IntegrityError, and the test's own transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_open_means_every_state_but_the_four_finished_ones():
    """A new state must be placed on purpose: this fails until it is."""
    assert set(S.values) - FINISHED == {
        "draft",
        "internal_review",
        "ready_for_consultation",
        "in_consultation",
        "revision",
        "awaiting_npo_approval",
        "editorial_review",
        "approved",
    }


# --- one open edition per support ---------------------------------------------------------------


@pytest.mark.parametrize("state", sorted(OPEN))
def test_the_database_refuses_a_second_open_edition_of_a_support(author, support, state):
    assert working_edition(support).state == S.DRAFT

    refused(lambda: an_edition(support, state))

    assert support.editions.count() == 1


@pytest.mark.parametrize("state", sorted(OPEN))
def test_the_database_refuses_to_reopen_a_finished_edition_beside_an_open_one(support, state):
    abandoned = an_edition(support, S.ABANDONED)

    refused(lambda: Edition.objects.filter(pk=abandoned.pk).update(state=state))

    assert Edition.objects.get(pk=abandoned.pk).state == S.ABANDONED


@pytest.mark.parametrize("state", sorted(FINISHED - {"published"}))
def test_finished_editions_of_any_number_may_stand_beside_the_open_one(support, state):
    an_edition(support, state, major=7)
    an_edition(support, state, major=8)

    assert support.editions.count() == 3


def test_a_published_edition_and_an_open_one_may_stand_side_by_side(author, support, edition):
    helpers.publish(edition)

    newer = an_edition(support, S.DRAFT, major=1, minor=1, kind="minor")

    assert {e.state for e in support.editions.all()} == {S.PUBLISHED, S.DRAFT}
    assert newer.pk


def test_each_support_has_its_own_open_edition(author, support):
    other = make_support(author, title="Förmaksflimmer")

    assert working_edition(other).state == S.DRAFT
    assert working_edition(support).state == S.DRAFT


# --- one published edition per support ----------------------------------------------------------


def test_the_database_refuses_a_second_published_edition_of_a_support(support, edition):
    helpers.publish(edition)

    refused(lambda: an_edition(support, S.PUBLISHED, major=2))

    assert support.editions.filter(state=S.PUBLISHED).count() == 1


def test_the_database_refuses_to_publish_a_second_edition_without_superseding_the_first(
    support, edition
):
    helpers.publish(edition)
    approved = an_edition(support, S.APPROVED, major=2)

    refused(lambda: Edition.objects.filter(pk=approved.pk).update(state=S.PUBLISHED))

    assert Edition.objects.get(pk=approved.pk).state == S.APPROVED


def test_publishing_after_superseding_is_allowed(support, edition):
    helpers.publish(edition)
    approved = an_edition(support, S.APPROVED, major=2)

    helpers.publish(approved)

    assert dict(support.editions.values_list("major", "state")) == {
        1: S.SUPERSEDED,
        2: S.PUBLISHED,
    }


# --- numbers and kinds --------------------------------------------------------------------------


@pytest.mark.parametrize("minor", [1, 2, 17])
def test_the_database_refuses_a_major_edition_whose_minor_number_is_not_zero(support, minor):
    refused(lambda: an_edition(support, S.ABANDONED, major=2, minor=minor, kind="major"))


def test_the_database_refuses_to_give_a_major_edition_a_minor_number(edition):
    assert edition.kind == EditionKind.MAJOR

    refused(lambda: Edition.objects.filter(pk=edition.pk).update(minor=1))

    assert Edition.objects.get(pk=edition.pk).number == "1.0"


def test_a_minor_edition_may_have_any_minor_number(support):
    an_edition(support, S.ABANDONED, major=2, minor=4, kind="minor")

    assert support.editions.filter(kind="minor", minor=4).count() == 1


@pytest.mark.parametrize("kind", ["", "patch", "MAJOR", "Minor", "major "])
def test_the_database_refuses_an_unknown_edition_kind(support, kind):
    refused(lambda: an_edition(support, S.ABANDONED, kind=kind))


def test_the_database_refuses_to_change_an_edition_to_an_unknown_kind(edition):
    refused(lambda: Edition.objects.filter(pk=edition.pk).update(kind="editorial"))

    assert Edition.objects.get(pk=edition.pk).kind == EditionKind.MAJOR


def test_the_database_refuses_the_same_number_twice_in_one_support(support):
    an_edition(support, S.ABANDONED, major=3)

    refused(lambda: an_edition(support, S.WITHDRAWN, major=3))

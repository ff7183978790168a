"""Builders for the public side: supports published through the real publish step, so that
the publication snapshot, the dates, the superseded edition and the after-commit cache
announcement are exactly what the workflow leaves."""

from datetime import date

from apps.authoring import services
from apps.authoring.models import Edition, Support
from apps.authoring.workflow import edition_transition
from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import (
    add_block,
    make_complete,
    make_support,
    move_to,
    section_of,
    working_edition,
)


def publish_now(edition: Edition, editor, next_review_date: date | None = None) -> Edition:
    """The real "Publicera" step from approved (the way to approved is shortened)."""
    edition = move_to(edition, S.APPROVED)
    data = {"next_review_date": next_review_date.isoformat()} if next_review_date else {}
    return edition_transition(
        actor=editor,
        edition=edition,
        name="publish",
        lock_version=edition.lock_version,
        data=data,
    )


def published_support(author, editor, title="Hjärtsvikt – behandling", blocks=(), **extra):
    """A support with one published edition 1.0. `blocks` are (section key, body, content)
    triples added before publication; the edition is completed with the template's required
    text first."""
    support = make_support(author, title=title, **extra)
    edition = make_complete(working_edition(support), author)
    for key, body, content in blocks:
        add_block(author, section_of(edition, key), body, **content)
    publish_now(edition, editor)
    return Support.objects.get(pk=support.pk)


def next_edition(author, support: Support, kind: str = "minor", summary="Språkliga ändringar."):
    """A new working edition of a published support, copied from the published one."""
    return services.edition_start_new(
        actor=author, support=support, kind=kind, change_summary=summary
    )

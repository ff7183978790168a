"""Kept so that older imports keep working (tests/publishing imports it): the builders live
in tests/remiss/helpers.py, the one builder module of the remiss tests."""

from tests.remiss.helpers import (  # noqa: F401
    POSITIONS,
    TYPES,
    Round,
    close,
    comments_of,
    open_on_complete_edition,
    regions,
    round_in_revision,
    write_answer,
)

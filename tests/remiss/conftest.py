"""Fixtures of the answer tests: a round with text sent to the home region, its recipient
row, and the region's coordinator and reviewer. A test module may define its own."""

import pytest

from tests.authoring import helpers
from tests.remiss.helpers import HOME, member, recipient_of, round_with_text


@pytest.fixture
def editor(db):
    return helpers.person("national_editor", name="Nora Redaktör")


@pytest.fixture
def consultation(editor):
    return round_with_text(editor=editor)


@pytest.fixture
def recipient(consultation):
    return recipient_of(consultation)


@pytest.fixture
def coordinator(db):
    return member("remiss_coordinator", HOME, "Cecilia Samordnare")


@pytest.fixture
def reviewer(db):
    return member("remiss_reviewer", HOME, "Rolf Granskare")

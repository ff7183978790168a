import pytest

from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo


@pytest.fixture
def author(db):
    return grant(UserFactory(full_name="Astrid Författare"), "author", npo())


@pytest.fixture
def co_author(db):
    return grant(UserFactory(full_name="Bertil Medförfattare"), "author", npo())


@pytest.fixture
def other_author(db):
    """An author, but of another NPO than the supports under test."""
    return grant(UserFactory(full_name="Olle Annat-NPO"), "author", npo("psykisk-halsa"))


@pytest.fixture
def reader(db):
    """Signed in, with no role at all."""
    return UserFactory(full_name="Rut Läsare")


@pytest.fixture
def support(author):
    return helpers.make_support(author, diagnoses=["I50.0"])


@pytest.fixture
def edition(support):
    return helpers.working_edition(support)


@pytest.fixture
def section(edition):
    return helpers.section_of(edition, "behandling")


@pytest.fixture
def block(author, section):
    return helpers.add_block(author, section, helpers.CLINICAL_TEXT, care_level="both")

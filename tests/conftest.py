import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    # Lockout state lives in the database (django-axes), so each test starts clean.
    settings.AXES_ENABLED = True
    # Uploaded documents go to a folder of the test's own, never into the project.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rate limits (password reset) count in Django's cache: each test starts with none.
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def administrator(db):
    return grant(UserFactory(full_name="Anna Admin"), "administrator")


@pytest.fixture
def national_editor(db):
    return grant(UserFactory(full_name="Nora Redaktör"), "national_editor")


@pytest.fixture
def client_for():
    """A test client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make

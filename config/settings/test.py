"""The test suite: fast hashing, mail kept in memory, the database from DATABASE_URL."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-" + "x" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests never run collectstatic, so there is no STATIC_ROOT to serve: without one whitenoise
# skips it, instead of warning "No directory at: …/staticfiles/" for every test client.
# The browser tests get their static files from pytest-django's live server (the finders).
STATIC_ROOT = None

# Each test process its own memory cache, cleared before every test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

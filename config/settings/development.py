"""`make run`: the embedded SQLite database, console e-mail, debug pages."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

SECRET_KEY = SECRET_KEY or "development-only-not-secret-" + "x" * 32  # noqa: F405

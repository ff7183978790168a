"""`make run`: the embedded SQLite database, console e-mail, debug pages."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

SECRET_KEY = SECRET_KEY or "development-only-not-secret-" + "x" * 32  # noqa: F405

# `make run PORT=8202` serves on that port; links in e-mails and the demo output follow it.
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"

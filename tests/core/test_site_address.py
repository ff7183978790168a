"""`make run PORT=8202` serves on port 8202, and what the project prints and mails says so: in
development SITE_URL follows PORT, and the demo output prints SITE_URL."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = settings.BASE_DIR


def development_site_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.development")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_in_development_the_site_address_follows_the_port():
    assert development_site_url(PORT="8202") == "http://127.0.0.1:8202"
    assert development_site_url() == "http://127.0.0.1:8000"


def test_an_explicit_site_address_wins_over_the_port():
    assert development_site_url(PORT="8202", SITE_URL="https://ks.example.se") == (
        "https://ks.example.se"
    )


def test_make_run_hands_the_port_to_the_server_and_the_settings():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8202"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert "runserver 127.0.0.1:8202" in dry_run
    assert "http://127.0.0.1:8202/" in dry_run
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nexport PORT\n" in makefile


@pytest.mark.django_db
@override_settings(SITE_URL="http://127.0.0.1:8202")
def test_the_demo_output_prints_the_address_it_really_serves():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "Öppna http://127.0.0.1:8202/ och logga in" in out.getvalue()
    assert "8000" not in out.getvalue()

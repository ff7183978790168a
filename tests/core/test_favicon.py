"""The site has an icon: every page links it, and /favicon.ico (which browsers ask for
whatever the page says) leads to it instead of giving 404."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_the_icon_is_a_static_svg_file():
    path = finders.find("favicon.svg")

    assert path is not None
    assert Path(path).read_text(encoding="utf-8").startswith("<svg")


def test_every_page_links_the_icon(client):
    page = client.get(settings.LOGIN_URL).content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page


def test_favicon_ico_leads_to_the_icon_instead_of_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")

"""Django's {# #} comments end at the line; a comment spread over lines is shown to readers
as text. Catch that in the template sources, since no other test reads every template."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_comment_tags_close_on_the_same_line(path):
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if "{#" in line:
            assert "#}" in line[line.index("{#") :], f"{path}:{number}: use {{% comment %}}"

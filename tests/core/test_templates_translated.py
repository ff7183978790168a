"""Every word a template shows goes through Django's translation tags, so that a second
language needs only a catalogue. The check reads every template: template tags and
variables become placeholders, {% blocktranslate %}…{% endblocktranslate %} counts as
translated, and what remains of the page's text and of its user-facing attributes must hold
no letters."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR, "templates")
TEMPLATES = sorted(p for p in ROOT.rglob("*") if p.suffix in {".html", ".txt"})

PLACEHOLDER = "\x00"
# Attributes a person reads or hears (screen readers announce aria-label and title).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
# A button's value is its label; other values are data sent with the form.
LABEL_VALUE_TYPES = {"submit", "button", "reset"}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

_BLOCKTRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.DOTALL
)
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
_COMMENT_BLOCK = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
# Blocks that fill an attribute no one reads (the page's CSS classes).
_CLASS_BLOCK = re.compile(r"{%\s*block\s+\w*class\s*%}.*?{%\s*endblock\s*%}", re.DOTALL)


def untranslated(source: str, *, html: bool = True) -> list[str]:
    """The pieces of literal text in a template source that are shown untranslated."""
    text = _COMMENT_BLOCK.sub("", source)
    text = _CLASS_BLOCK.sub(PLACEHOLDER, text)
    text = _BLOCKTRANSLATE.sub(PLACEHOLDER, text)
    text = _TAG.sub(PLACEHOLDER, text)
    if not html:
        return [line.strip() for line in text.splitlines() if LETTER.search(line)]
    found: list[str] = []

    class Collector(HTMLParser):
        skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in {"script", "style"}:
                self.skip += 1
            shown = set(READ_ATTRIBUTES)
            if tag == "input" and dict(attrs).get("type") in LABEL_VALUE_TYPES:
                shown.add("value")
            for name, value in attrs:
                if name in shown and value and LETTER.search(value):
                    found.append(f'{tag}[{name}="{value}"]')

        def handle_endtag(self, tag):
            if tag in {"script", "style"} and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip and LETTER.search(data):
                found.append(data.strip())

    Collector(convert_charrefs=True).feed(text)
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_shows_no_untranslated_text(path):
    pieces = untranslated(path.read_text(), html=path.suffix == ".html")
    assert not pieces, f"wrap in {{% translate %}} / {{% blocktranslate %}}: {pieces[:5]}"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>Spara</p>", ["Spara"]),
        ('<p>{% translate "Spara" %}</p>', []),
        ("<p>{{ support.title }} – {{ edition.number }}</p>", []),
        ('<button aria-label="Stäng">×</button>', ['button[aria-label="Stäng"]']),
        ('<button aria-label="{% translate "Stäng" %}">×</button>', []),
        ("{% blocktranslate with n=count %}{{ n }} block{% endblocktranslate %}", []),
        ("<p>Version {{ edition.number }}</p>", ["Version"]),
        ("{% comment %}Why this is here{% endcomment %}<p>{{ x }}</p>", []),
        ("{% block main_class %}page page--wide{% endblock %}<p>Ja</p>", ["Ja"]),
        ('<input type="hidden" name="direction" value="up">', []),
        ('<input type="submit" value="Spara">', ['input[value="Spara"]']),
    ],
)
def test_the_check_finds_what_it_names(source, expected):
    assert [p.replace(PLACEHOLDER, "").strip() for p in untranslated(source)] == [
        e.replace(PLACEHOLDER, "") for e in expected
    ]

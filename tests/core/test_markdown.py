"""The Markdown renderer and its sanitiser: both backends are held to the same cases.

Safety is judged on the output alone, by parsing it the way a browser would read attribute
values (entities decoded) and checking tags, attributes and link schemes against an allow-list
written out here independently of the one in apps.core.markdown.
"""

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import override_settings
from django.utils.safestring import SafeString

from apps.core.markdown import BACKENDS, render_markdown, sanitize_html

BLNS_PATH = Path(__file__).resolve().parent.parent / "data" / "blns.json"

SAFE_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "a", "strong", "em", "b", "i", "del", "s",
}  # fmt: skip
SAFE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a URL would have once whitespace, control and invisible characters go."""
    cleaned = "".join(
        ch for ch in url if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"))
    )
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else None


class SafetyChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            elif name == "style":
                self.problems.append(f"style on <{tag}>")
            elif name not in SAFE_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                # HTMLParser has already decoded entities in value, as a browser does.
                scheme = url_scheme(value or "")
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"href scheme {scheme!r} in {value!r}")
        if tag == "a" and dict(attrs).get("rel") != "noopener noreferrer":
            self.problems.append("link without rel=noopener noreferrer")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")


def safety_problems(html: str) -> list[str]:
    checker = SafetyChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


def assert_safe(html: str) -> None:
    problems = safety_problems(html)
    assert not problems, f"{problems} in output {html!r}"


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    settings.MARKDOWN_SANITIZER = request.param
    return request.param


# --- Attacks -------------------------------------------------------------------------------

DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "javascript&colon;alert(1)",
    "javas&Tab;cript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&#x0A;script:alert(1)",
    "java&#13;script:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\u200bscript:alert(1)",
    "java\u00adscript:alert(1)",
    " javascript:alert(1)",
    "\u2028javascript:alert(1)",
    "\x01javascript:alert(1)",
    "\x00javascript:alert(1)",
    "java\x00script:alert(1)",
    "&#0;javascript:alert(1)",
]

LINK_FORMS = {
    "inline": "[x]({url})",
    "inline-angle": "[x](<{url}>)",
    "autolink": "<{url}>",
    "reference": "[x][ref]\n\n[ref]: {url}",
    "raw-a": '<a href="{url}">x</a>',
    "raw-a-unquoted": "<a href={url}>x</a>",
}

LINK_ATTACKS = [
    pytest.param(form.format(url=url), id=f"{name}-{i}")
    for i, url in enumerate(DANGEROUS_URLS)
    for name, form in LINK_FORMS.items()
]

HTML_ATTACKS = [
    # Script, plain and obfuscated.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "Text <script>alert(1)</script> mer text",
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<template><script>alert(1)</script></template>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Event handlers, on allowed and disallowed tags.
    '<img src=x onerror="alert(1)">',
    '<p onclick="alert(1)">x</p>',
    "<p/onclick=alert(1)>x</p>",
    '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    "<a href=https://example.org/ ONCLICK=alert(1)>x</a>",
    "<b onmouseover=alert(1)>x</b>",
    "<strong onclick=alert(1)>x</strong>",
    '<table><tr><td onclick="alert(1)">x</td></tr></table>',
    "<h1 onfocus=alert(1) tabindex=1 autofocus>x</h1>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>x</marquee>",
    # SVG and MathML, including known mutation-XSS shapes.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<math href="javascript:alert(1)">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    # Embedding and document-level tags.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    # Forms and formaction.
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<input type=submit formaction=javascript:alert(1) value=x>",
    "<input onfocus=alert(1) autofocus>",
    "<isindex action=javascript:alert(1) type=image>",
    # Style, as element and attribute.
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p style="width: expression(alert(1))">x</p>',
    '<a href="https://example.org" style="position:fixed;inset:0">x</a>',
    # Images, which are not allowed at all.
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    # Attributes that are harmless-looking but outside the allow-list.
    '<a href="https://example.org" target="_blank" rel="opener">x</a>',
    '<p id="x" class="y" data-x="1">x</p>',
]


@pytest.mark.parametrize("payload", LINK_ATTACKS + HTML_ATTACKS)
def test_sanitize_html_output_is_safe(payload, backend):
    assert_safe(sanitize_html(payload, backend=backend))


@pytest.mark.parametrize("payload", LINK_ATTACKS + HTML_ATTACKS)
def test_render_markdown_output_is_safe(payload, backend):
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x"])
def test_dangerous_markdown_link_keeps_text_but_loses_href(url, backend):
    html = render_markdown(f"[klicka här]({url})")
    assert "href" not in html
    assert "klicka här" in html


def test_checker_catches_what_it_should():
    # The safety check itself must not be a no-op.
    assert safety_problems("<script>x</script>")
    assert safety_problems('<p onclick="x">y</p>')
    assert safety_problems('<p style="x">y</p>')
    assert safety_problems('<a href="java&#x09;script:x" rel="noopener noreferrer">y</a>')
    assert safety_problems('<a href=" \x01JAVASCRIPT:x" rel="noopener noreferrer">y</a>')
    assert safety_problems('<a href="java\u00adscript:x" rel="noopener noreferrer">y</a>')
    assert safety_problems('<a href="https://example.org">no rel</a>')
    assert not safety_problems('<a href="#x" rel="noopener noreferrer">y</a>')


# --- What must survive ---------------------------------------------------------------------


def test_headings_and_paragraphs(backend):
    html = render_markdown("# Rubrik\n\n## Underrubrik\n\n### Tre\n\nStycke med åäö.")
    assert "<h1>Rubrik</h1>" in html
    assert "<h2>Underrubrik</h2>" in html
    assert "<h3>Tre</h3>" in html
    assert "<p>Stycke med åäö.</p>" in html


def test_lists(backend):
    html = render_markdown("- ett\n- två\n\n1. första\n2. andra")
    assert "<ul>\n<li>ett</li>\n<li>två</li>\n</ul>" in html
    assert "<ol>\n<li>första</li>\n<li>andra</li>\n</ol>" in html


def test_table_with_alignment(backend):
    html = render_markdown("| Läkemedel | Dos |\n|:--|--:|\n| Paracetamol | 1 g |")
    for tag in ("<table>", "<thead>", "<tbody>", "<tr>"):
        assert tag in html
    assert '<th align="left">Läkemedel</th>' in html
    assert '<td align="right">1 g</td>' in html
    assert "style" not in html


@pytest.mark.parametrize(
    ("markdown_text", "expected"),
    [
        (
            '[Vårdhandboken](https://www.vardhandboken.se/ "Titel")',
            '<a href="https://www.vardhandboken.se/" title="Titel" rel="noopener noreferrer">'
            "Vårdhandboken</a>",
        ),
        (
            "[1177](http://www.1177.se)",
            '<a href="http://www.1177.se" rel="noopener noreferrer">1177</a>',
        ),
        ("<https://example.org/a?b=1>", 'href="https://example.org/a?b=1"'),
        ("[Avsnitt](#dosering)", '<a href="#dosering" rel="noopener noreferrer">Avsnitt</a>'),
        ("[Stöd](/kunskapsstod/12/)", '<a href="/kunskapsstod/12/" rel="noopener noreferrer">'),
    ],
)
def test_allowed_links(markdown_text, expected, backend):
    html = render_markdown(markdown_text)
    assert expected in html
    assert_safe(html)


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs.extend(value for name, value in attrs if name == "href")


def hrefs_of(html: str) -> list[str]:
    collector = LinkCollector()
    collector.feed(html)
    return collector.hrefs


@pytest.mark.parametrize(
    "markdown_text", ["<redaktion@example.se>", "[Mejla](mailto:redaktion@example.se)"]
)
def test_mailto_link(markdown_text, backend):
    # python-markdown hides e-mail autolinks behind entities; the browser sees the plain URL.
    html = render_markdown(markdown_text)
    assert hrefs_of(html) == ["mailto:redaktion@example.se"]
    assert_safe(html)


def test_inline_formatting_code_and_quotes(backend):
    html = render_markdown(
        "**fet** *kursiv* `x < 1`\n\n```\nif x < 1:\n    pass\n```\n\n> Citat\n\n---\n\n"
        "rad ett  \nrad två\n\n<del>struken</del> <b>b</b> <i>i</i> <s>s</s>"
    )
    assert "<strong>fet</strong>" in html
    assert "<em>kursiv</em>" in html
    assert "<code>x &lt; 1</code>" in html
    assert "<pre><code>if x &lt; 1:\n    pass\n</code></pre>" in html
    assert "<blockquote>\n<p>Citat</p>\n</blockquote>" in html
    assert "<hr>" in html or "<hr />" in html
    assert "<br>" in html or "<br />" in html
    for tag in ("<del>struken</del>", "<b>b</b>", "<i>i</i>", "<s>s</s>"):
        assert tag in html
    assert_safe(html)


def test_fenced_code_language_class_is_dropped(backend):
    html = render_markdown("```python\nprint('hej')\n```")
    assert html.startswith("<pre><code>print(")
    assert "class" not in html


def test_script_inside_code_is_shown_as_text(backend):
    html = render_markdown("`<script>alert(1)</script>`")
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html


# --- Robustness ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None])
def test_empty_input_gives_empty_safe_string(text, backend):
    html = render_markdown(text)
    assert html == ""
    assert isinstance(html, SafeString)


def test_output_is_safe_string(backend):
    assert isinstance(render_markdown("x"), SafeString)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- " * 3000 + "x", id="deeply-nested-list"),
        pytest.param(">" * 5000 + " x", id="deeply-nested-quote"),
        # Kept small: python-markdown is quadratic on unclosed brackets (upstream issue #798).
        pytest.param("[" * 300 + "[a " * 300, id="many-brackets"),
        pytest.param("<b>" * 5000, id="many-open-tags"),
        pytest.param("\ud800 lone surrogate \udfff", id="lone-surrogates"),
        pytest.param("\x00\x02\x03\x1b\x7f", id="control-characters"),
    ],
)
def test_hostile_shapes_do_not_raise(text, backend):
    html = render_markdown(text)
    assert isinstance(html, SafeString)
    assert_safe(html)


def test_fallback_keeps_the_text_visible(backend):
    # Markdown gives up on this nesting; the reader still gets the words, escaped.
    html = render_markdown("- " * 3000 + "<script>x</script>")
    assert "- - -" in html
    assert "<script>" not in html


def test_big_list_of_naughty_strings(backend):
    strings = json.loads(BLNS_PATH.read_text(encoding="utf-8"))
    assert len(strings) > 500
    failures = []
    for text in strings:
        for html in (render_markdown(text), sanitize_html(text, backend=backend)):
            problems = safety_problems(html)
            if problems:
                failures.append((text, html, problems))
    assert not failures, failures[:5]


# --- Configuration and template use --------------------------------------------------------


def test_unknown_backend_raises():
    with pytest.raises(ImproperlyConfigured):
        sanitize_html("<p>x</p>", backend="html5lib")


def test_unknown_configured_backend_raises(settings):
    settings.MARKDOWN_SANITIZER = "nope"
    with pytest.raises(ImproperlyConfigured):
        render_markdown("x")


def test_backends_agree_on_ordinary_text():
    text = (
        "# Behandling\n\nGe **paracetamol** 1 g, se [FASS](https://www.fass.se).\n\n"
        "- punkt\n- punkt\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n> Obs!"
    )
    outputs = set()
    for name in BACKENDS:
        with override_settings(MARKDOWN_SANITIZER=name):
            outputs.add(render_markdown(text))
    assert len(outputs) == 1, outputs


def test_template_filter(backend):
    template = Template("{% load markdown_tags %}<div>{{ text|markdown }}</div>")
    html = template.render(Context({"text": "**Viktigt** <script>alert(1)</script> & mer"}))
    assert "<strong>Viktigt</strong>" in html
    assert "<script>" not in html
    assert "&amp; mer" in html
    assert "&amp;lt;" not in html


def test_hundreds_of_unclosed_brackets_are_shown_as_typed_not_parsed():
    # Past the limit python-markdown's link parser would take quadratic time (issue #798);
    # the brackets are escaped instead, so the text reads as typed and no link is formed.
    text = "[a](https://example.se) " + "[b " * 300
    html = render_markdown(text)
    assert "<a " not in html
    assert html.count("[b") == 300


def test_a_few_brackets_still_make_links():
    assert '<a href="https://example.se"' in render_markdown("[a](https://example.se) [b [c")

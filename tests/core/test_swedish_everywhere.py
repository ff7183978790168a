"""Swedish everywhere, as people write it: no internal code (a transition name, a field name,
a stored choice value) and no English word reaches a person, on any page a signed-in person
can reach, nor in any notification or e-mail.

The pages are found the way a person finds them: every demo user signs in and follows the
links from the start page, breadth first, through the demo data (a published support with a
minor edition being written, a support on remiss, drafts). Notifications and e-mails are
those the demo data's real workflow steps sent, plus an invitation, a password reset and a
returned edition."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.demo import DEMO_USERS
from apps.accounts.models import User
from apps.authoring.models import Edition
from apps.authoring.workflow import edition_transition
from apps.core.models import Notification

pytestmark = pytest.mark.django_db

# Stored values that are English words; a page shows their labels instead.
INTERNAL_VALUES = {
    "draft",
    "approved",
    "published",
    "superseded",
    "withdrawn",
    "abandoned",
    "recommendation",
    "primary",
    "specialised",
    "both",
    "major",
    "minor",
    "evidence",
    "none",
    "true",
    "false",
}
# English words that are not also Swedish words a page might use.
ENGLISH = {
    "the",
    "and",
    "with",
    "this",
    "that",
    "field",
    "required",
    "edit",
    "delete",
    "save",
    "submit",
    "cancel",
    "previous",
    "yes",
    "error",
    "page",
    "search",
    "login",
    "logout",
    "password",
    "user",
    "users",
    "history",
    "settings",
    "select",
    "choose",
    "enter",
    "please",
    "valid",
    "invalid",
    "details",
    "review",
    "created",
    "updated",
    "changed",
    "are",
    "new",
    "add",
    "name",
    "date",
    "results",
    "show",
    "hide",
    "more",
    "you",
    "your",
    "must",
    "should",
    "could",
    "may",
    "unknown",
    "null",
}
DOTTED_CODE = re.compile(r"\b[a-z]+\.[a-z]+(?:_[a-z]+)*\b")
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
URL_OR_ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:se|com|org)\b")

# Links a crawl must not follow (leaving, signing out, the Django admin for superusers).
SKIP = re.compile(r"^/(?:logga-ut|django-admin|static|_bench)/|^/favicon")
# Pages of the same shape (the same path once ids are taken out) are visited this often.
PER_SHAPE = 1
MAX_PAGES = 120


def problems_in(text: str) -> list[str]:
    text = URL_OR_ADDRESS.sub(" ", text)
    found = [f"code {m}" for m in DOTTED_CODE.findall(text)]
    found += [f"code {m}" for m in SNAKE_CASE.findall(text)]
    for word in WORD.findall(text):
        lower = word.lower()
        if lower in INTERNAL_VALUES and word == lower:
            found.append(f"stored value {word}")
        elif lower in ENGLISH:
            found.append(f"English {word}")
    return found


class PageText(HTMLParser):
    """What a person reads and hears on a page: its text and its spoken attributes, and the
    links it offers. A part marked as another language (`lang="en"`: the WHO ICD-10
    descriptions, for which no Swedish list is available) is read out in that language and
    is left out of the check."""

    SPOKEN = ("title", "alt", "placeholder", "aria-label")
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._open: list[bool] = []  # per open element: does it start a skipped part?

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag not in self.VOID:
            skipped = tag in {"script", "style", "template"} or (
                values.get("lang", "sv").split("-")[0] not in ("sv", "")
            )
            self._open.append(skipped)
            self._skip += skipped
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if self._skip:
            return
        self.parts += [values[name] for name in self.SPOKEN if values.get(name)]
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._skip -= self._open.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def shape(path: str) -> str:
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<uid>", path)
    return re.sub(r"\d+", "<n>", path)


def crawl(client: Client) -> dict[str, list[str]]:
    """Follow a signed-in person's links from the start page; the problems found per page."""
    seen_shapes: dict[str, int] = {}
    queue, visited, report = deque(["/arbete/"]), set(), {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path)
        # A link a person is shown must lead somewhere they may go.
        if response.status_code >= 400:
            report[path] = [f"svarar {response.status_code}"]
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = PageText()
        page.feed(response.content.decode())
        found = problems_in(" ".join(page.parts))
        if found:
            report[path] = sorted(set(found))
        for href in page.links:
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path):
                continue
            key = shape(parts.path)
            if parts.path not in visited and seen_shapes.get(key, 0) < PER_SHAPE:
                seen_shapes[key] = seen_shapes.get(key, 0) + 1
                queue.append(parts.path)
    return report


@pytest.fixture
def demo(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_no_page_a_signed_in_person_reaches_shows_a_code_or_an_english_word(demo):
    report = {}
    # One person for each combination of roles: others with the same roles see the same pages.
    by_roles = {}
    for email, _name, _profession, _home, roles in DEMO_USERS:
        by_roles.setdefault(tuple(sorted(role for role, _scope in roles)), email)
    for email in by_roles.values():
        client = Client()
        client.force_login(User.objects.get(email=email))
        for path, found in crawl(client).items():
            report[f"{email} {path}"] = found
    assert report == {}


def test_no_notification_or_email_shows_a_code_or_an_english_word(demo, client):
    mail.outbox.clear()
    # A returned edition (its task carries the reason) …
    chair = User.objects.get(email="ordforande@demo.kunskapsstod.se")
    author = User.objects.get(email="skribent@demo.kunskapsstod.se")
    edition = Edition.objects.get(support__title="Hjärtsvikt – vårdförlopp")
    from tests.authoring.helpers import make_complete

    make_complete(edition, author)
    for actor, name, comment in (
        (author, "submit_for_review", ""),
        (chair, "return_from_internal_review", "Förtydliga doseringen i behandlingsavsnittet."),
    ):
        edition.refresh_from_db()
        edition_transition(
            actor=actor,
            edition=edition,
            name=name,
            lock_version=edition.lock_version,
            comment=comment,
        )
    # … a password reset and an invitation.
    assert client.post(reverse("password_reset"), {"email": author.email}).status_code == 302
    admin = Client()
    admin.force_login(User.objects.get(email="admin@demo.kunskapsstod.se"))
    invited = admin.post(
        reverse("accounts:user_invite"),
        {"email": "ny.person@region.example.se", "full_name": "Ny Person"},
    )
    assert invited.status_code == 302

    texts = {
        f"notification {n.kind} to {n.recipient.email}": f"{n.title}\n{n.body}"
        for n in Notification.objects.select_related("recipient")
    }
    texts |= {f"e-mail to {m.to}: {m.subject}": f"{m.subject}\n{m.body}" for m in mail.outbox}
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"workflow.task", "workflow.progress", "workflow.returned", "remiss.opened"} <= kinds
    assert len(mail.outbox) > 0
    report = {where: found for where, text in texts.items() if (found := problems_in(text))}
    assert report == {}

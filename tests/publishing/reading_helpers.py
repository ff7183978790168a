"""Builders and readers for the reading site's tests: block contents as authors save them,
a published support with a remiss round behind it, the addresses of the pages, and the page
HTML parsed so that tests assert what a reader sees."""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import reverse

from apps.authoring.models import Edition, Support
from apps.authoring.workflow import edition_transition
from apps.remiss.models import Decision
from apps.remiss.responses import response_record
from tests.authoring.helpers import add_block, person, save, section_of, working_edition
from tests.publishing.helpers import next_edition, publish_now, published_support
from tests.remiss.helpers_responses import (
    close,
    comments_of,
    open_on_complete_edition,
    regions,
    write_answer,
)


def text(care_level="both", depth="base") -> dict:
    return {
        "kind": "text",
        "care_level": care_level,
        "depth": depth,
        "strength": "",
        "basis": "",
        "references": "",
    }


def recommendation(strength="bor", care_level="both", depth="base", basis="evidence", **more):
    return {
        "kind": "recommendation",
        "care_level": care_level,
        "depth": depth,
        "strength": strength,
        "basis": basis,
        "references": "",
        **more,
    }


def people():
    return person("author", name="Astrid Författare"), person(
        "national_editor", name="Nora Redaktör"
    )


def support_url(support: Support) -> str:
    return reverse("publishing:support", kwargs={"slug": support.slug})


def edition_url(support: Support, number: str, name: str = "publishing:edition") -> str:
    major, minor = number.split(".")
    return reverse(name, kwargs={"slug": support.slug, "major": major, "minor": minor})


def changes_url(support: Support, number: str, other: str | None = None) -> str:
    url = edition_url(support, number, "publishing:changes")
    return f"{url}?mot={other}" if other is not None else url


def table_url(support: Support, number: str) -> str:
    return edition_url(support, number, "publishing:response_table")


def republish(author, editor, support: Support, changes: dict, kind="minor", summary="Ändrat."):
    """A next edition of a published support with `changes` ({body of a block: new content
    or None to remove it}), published through the real step."""
    from apps.authoring import services

    edition = next_edition(author, support, kind=kind, summary=summary)
    for block in edition.blocks.all():
        if block.body in changes:
            new = changes[block.body]
            if new is None:
                services.block_remove(actor=author, block=block, lock_version=block.lock_version)
            else:
                save(author, block, **new)
    return edition


def add(author, edition: Edition, key: str, body: str, content: dict):
    return add_block(author, section_of(edition, key), body, **content)


def publish_next(author, editor, support, changes=None, add_blocks=(), **opts) -> Support:
    edition = republish(author, editor, support, changes or {}, **opts)
    for key, body, content in add_blocks:
        add(author, edition, key, body, content)
    publish_now(edition, editor)
    return Support.objects.get(pk=support.pk)


def withdraw(editor, support: Support) -> None:
    edition = Edition.objects.get(pk=support.current_published_edition_id)
    edition_transition(
        actor=editor,
        edition=edition,
        name="withdraw",
        lock_version=edition.lock_version,
        comment="Ersätts av ett annat kunskapsstöd.",
    )


@dataclass
class Consulted:
    support: Support
    edition: Edition
    author: object
    editor: object
    comments: list


DRAFT_TEXT = "UTKAST-SYNPUNKT som aldrig skickades in"


def consulted_and_published(comments: int = 2) -> Consulted:
    """A support whose 1.0 went on remiss: two regions submitted comments, a third left a
    draft answer with a comment it never sent; the authors responded to every submitted
    comment, and 1.0 was published."""
    r = open_on_complete_edition(recipients=regions(3))
    first, second, third = regions(3)
    write_answer(r, first, comments, texts=["Ange doseringen i mg."])
    write_answer(r, second, comments, texts=["Lägg till uppföljning av kalium."])
    write_answer(r, third, 1, submit=False, texts=[DRAFT_TEXT])
    r = close(r)
    submitted = list(comments_of(r).filter(answer__submitted_at__isnull=False))
    for comment in submitted:
        response_record(
            actor=r.author,
            comment=comment,
            decision=Decision.ACCEPTED,
            motivation=f"Tillgodosedd: {comment.text}",
        )
    edition = publish_now(r.edition, r.editor)
    support = Support.objects.get(pk=edition.support_id)
    return Consulted(support, edition, r.author, r.editor, submitted)


# ---------------------------------------------------------------- reading the HTML


class Page(HTMLParser):
    """The parts of a page tests look at: elements by id and class, headings, links and
    the visible text (text inside <script>, <style> and <head> left out)."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.elements: list[dict] = []
        self.headings: list[tuple[int, str]] = []
        self._heading: list[str] | None = None
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.elements.append(element)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = []
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading).split())))
            self._heading = None
        while self.stack:
            element = self.stack.pop()
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        if any(e["tag"] in {"script", "style", "head", "title"} for e in self.stack):
            return
        for element in self.stack:
            element["text"].append(data)
        if self._heading is not None:
            self._heading.append(data)
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def by_id(self, id_: str) -> dict | None:
        return next((e for e in self.elements if e["attrs"].get("id") == id_), None)

    def with_class(self, name: str) -> list[dict]:
        return [e for e in self.elements if name in (e["attrs"].get("class") or "").split()]

    def links(self) -> list[tuple[str, str]]:
        return [
            (e["attrs"].get("href", ""), " ".join("".join(e["text"]).split()))
            for e in self.elements
            if e["tag"] == "a"
        ]


def element_text(element: dict) -> str:
    """The element's text, its pieces joined by a space (a <dt> and its <dd> are words
    apart for a reader too)."""
    return " ".join(" ".join(element["text"]).split())


def page_of(response) -> Page:
    return Page(response.content.decode())


__all__ = [
    "add",
    "changes_url",
    "consulted_and_published",
    "edition_url",
    "people",
    "publish_next",
    "published_support",
    "support_url",
    "table_url",
    "working_edition",
]

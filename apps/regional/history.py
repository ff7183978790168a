"""An addition's version history (django-simple-history) as people read it, and the diff
between two versions, word by word, of the rendered text and of the Markdown source."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.authoring.history import when, who
from apps.authoring.models import Edition
from apps.core.diff import diff_rendered_text, diff_words, render_inline, render_side_by_side

from .models import RegionalAddition

HistoricalAddition = RegionalAddition.history.model

# The fields a version row names when they changed (the text by its own diff).
SHOWN_FIELDS = ("kind", "care_level", "contact", "link", "state", "needs_review")


def addition_versions(addition: RegionalAddition) -> list:
    """Every saved version, newest first, with who saved it. One query."""
    return list(
        HistoricalAddition.objects.filter(id=addition.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def _shown(name: str, value) -> str:
    field = RegionalAddition._meta.get_field(name)
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@dataclass
class VersionRow:
    record: object
    when: str
    who: str
    edition: str
    changes: list[str]


def describe_versions(versions: list) -> list[VersionRow]:
    """One row per version: when, who, which national edition it stood against, and what
    changed against the version before it. One query (the editions' numbers)."""
    numbers = {
        pk: f"{major}.{minor}"
        for pk, major, minor in Edition.objects.filter(
            pk__in={v.written_against_edition_id for v in versions}
        ).values_list("pk", "major", "minor")
    }
    rows = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        if older is None:
            changes = [_("Skrivet")]
        else:
            changes = [
                f"{capfirst(RegionalAddition._meta.get_field(name).verbose_name)}: "
                f"{_shown(name, getattr(older, name))} → {_shown(name, getattr(version, name))}"
                for name in SHOWN_FIELDS
                if getattr(older, name) != getattr(version, name)
            ]
            if older.body != version.body:
                changes.insert(0, _("Texten ändrad"))
            if older.written_against_edition_id != version.written_against_edition_id:
                changes.append(
                    _("Står mot version %(number)s")
                    % {"number": numbers.get(version.written_against_edition_id, "")}
                )
        if version.history_change_reason:
            changes.append(version.history_change_reason)
        rows.append(
            VersionRow(
                record=version,
                when=when(version.history_date),
                who=who(version),
                edition=numbers.get(version.written_against_edition_id, ""),
                changes=changes or [_("Ingen ändring i texten")],
            )
        )
    return rows


@dataclass
class VersionPair:
    old: object
    new: object
    old_when: str
    new_when: str
    rendered_inline: str
    rendered_left: str
    rendered_right: str
    source_inline: str


def version_pair(versions: list, old_id, new_id) -> VersionPair | None:
    """The diff between two versions chosen by history id (older first whatever the order
    given), or None when either is not a version of this addition."""
    by_id = {str(v.history_id): v for v in versions}
    old, new = by_id.get(str(old_id)), by_id.get(str(new_id))
    if old is None or new is None or old is new:
        return None
    if (old.history_date, old.history_id) > (new.history_date, new.history_id):
        old, new = new, old
    rendered = diff_rendered_text(old.body, new.body)
    left, right = render_side_by_side(rendered)
    return VersionPair(
        old=old,
        new=new,
        old_when=when(old.history_date),
        new_when=when(new.history_date),
        rendered_inline=render_inline(rendered),
        rendered_left=left,
        rendered_right=right,
        source_inline=render_inline(diff_words(old.body, new.body)),
    )

"""Builders for the search tests: small supports published through the real publish step,
with one block of text whose words the test chooses (the template's other sections stay
empty, which publication allows), so that a search finds exactly what the test says."""

from apps.authoring.models import Edition, Section, Support
from tests.authoring.helpers import COMPLETE_TEXT, add_block, make_support, working_edition
from tests.publishing.helpers import publish_now


def first_section(edition: Edition) -> Section:
    return Section.objects.filter(edition=edition).order_by("position").first()


def public(author, editor, title, text="", *, level="both", **extra) -> Support:
    """A support published as 1.0 whose only block holds `text`, for care level `level`.
    `extra` goes to support_create (diagnoses, area, product_type...)."""
    support = make_support(author, title=title, **extra)
    edition = working_edition(support)
    if text:
        add_block(author, first_section(edition), text, **{**COMPLETE_TEXT, "care_level": level})
    publish_now(Edition.objects.get(pk=edition.pk), editor)
    return Support.objects.get(pk=support.pk)


def draft(author, title, text="", **extra) -> Support:
    """A support whose first edition is still a draft, with `text` in one block."""
    support = make_support(author, title=title, **extra)
    if text:
        add_block(author, first_section(working_edition(support)), text, **COMPLETE_TEXT)
    return Support.objects.get(pk=support.pk)

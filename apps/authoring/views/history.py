"""Version history, the diff between saves, restoring a save, comparing editions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..history import (
    block_versions,
    compare_editions,
    describe_records,
    describe_versions,
    edition_history,
    removed_blocks,
    version_pair,
)
from ..models import Block, Section
from ..permissions import may_edit_content
from .common import (
    _block,
    _editable_edition,
    _readable_edition,
    _readable_or_none,
    _support,
    edition_url,
)


@login_required
def block_history(request, code, major, minor, uid):
    support = _support(code)
    edition = _readable_edition(request, support, major, minor)
    # A removed block keeps its history, and its page, until it is put back.
    block = get_object_or_404(Block.all_objects.select_related("section"), edition=edition, uid=uid)
    versions = block_versions(block)
    titles = dict(edition.sections.values_list("pk", "title"))
    pair = version_pair(versions, request.GET.get("fran"), request.GET.get("till"))
    return render(
        request,
        "authoring/block_history.html",
        {
            "support": support,
            "edition": edition,
            "target_block": block,
            "rows": describe_versions(versions, titles),
            "pair": pair,
            "may_edit": may_edit_content(request.user, edition) and not block.is_removed,
        },
    )


@login_required
@require_POST
def block_restore(request, code, major, minor, uid):
    edition = _editable_edition(request, code, major, minor)
    block = _block(edition, uid)
    try:
        services.block_restore(
            actor=request.user,
            block=block,
            history_id=int(request.POST.get("history_id", 0)),
            lock_version=int(request.POST.get("lock_version", 0)),
        )
        messages.success(request, _("Den tidigare versionen är återställd som en ny version."))
    except services.EditConflict:
        messages.error(
            request,
            _(
                "Någon annan har sparat blocket under tiden. Titta på den senaste versionen "
                "och försök igen."
            ),
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Ogiltig begäran.")])))
    return redirect(edition_url(edition, "authoring:block_history", uid=block.uid))


@login_required
@require_POST
def block_reinstate(request, code, major, minor, uid):
    """Put a removed block back at its place; back to the history it was listed in."""
    edition = _editable_edition(request, code, major, minor)
    block = get_object_or_404(Block.all_objects.select_related("section"), edition=edition, uid=uid)
    back = edition_url(edition, "authoring:section_history", key=block.section.key)
    try:
        lock_version = int(request.POST.get("lock_version", 0))
        reinstated = services.block_reinstate(
            actor=request.user, block=block, lock_version=lock_version
        )
    except services.EditConflict:
        messages.error(
            request, _("Någon annan har ändrat blocket under tiden. Titta på historiken igen.")
        )
        return redirect(back)
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Ogiltig begäran.")])))
        return redirect(back)
    messages.success(request, _("Blocket är tillbaka på sin plats i avsnittet."))
    return redirect(reinstated.get_absolute_url())


@login_required
def history(request, code, major, minor, key=None):
    support = _support(code)
    edition = _readable_edition(request, support, major, minor)
    section = get_object_or_404(Section, edition=edition, key=key) if key else None
    page = Paginator(edition_history(edition, section), 50).get_page(request.GET.get("sida"))
    titles = dict(edition.sections.values_list("pk", "title"))
    return render(
        request,
        "authoring/history.html",
        {
            "support": support,
            "edition": edition,
            "section": section,
            "page": page,
            "rows": describe_records(page.object_list, titles),
            "removed": list(removed_blocks(edition, section)),
            "may_edit": may_edit_content(request.user, edition),
        },
    )


@login_required
def edition_compare(request, code, major, minor):
    support = _support(code)
    edition = _readable_edition(request, support, major, minor)
    other = support.current_published_edition
    if other is None or other.pk == edition.pk:
        other = _readable_or_none(request, edition.based_on)
    rows = compare_editions(other, edition) if other else []
    return render(
        request,
        "authoring/edition_compare.html",
        {"support": support, "edition": edition, "other": other, "rows": rows},
    )

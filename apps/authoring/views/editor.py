"""The section editor: saving, autosaving, previewing, adding, removing and moving blocks."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.diff import diff_words, render_inline, render_side_by_side
from apps.core.markdown import render_markdown

from .. import services
from ..forms import (
    AddBlockForm,
    BlockForm,
    MoveBlockForm,
    PreviewForm,
)
from ..models import Block, BlockDraft, Edition, Section, SectionPresence
from ..permissions import may_edit_content
from .common import _block, _editable_edition, edition_url

PRESENCE_WINDOW = timedelta(minutes=3)


def _section_context(request, edition: Edition, section: Section, forms=None) -> dict:
    blocks = list(section.blocks.select_related("updated_by").order_by("position"))
    drafts = {d.block_id: d for d in BlockDraft.objects.filter(block__in=blocks, user=request.user)}
    forms = forms or {}
    rows = []
    for block in blocks:
        draft = drafts.get(block.pk)
        if draft is not None and draft.base_lock_version != block.lock_version:
            draft = None  # saved over since; the conflict view handles it on save
        form = forms.get(block.pk) or BlockForm.for_block(
            block, draft=draft, editorial=edition.revises_published
        )
        rows.append({"block": block, "form": form, "draft": draft})
    others = (
        SectionPresence.objects.filter(
            section=section, last_seen__gte=timezone.now() - PRESENCE_WINDOW
        )
        .exclude(user=request.user)
        .select_related("user")
    )
    sections = list(edition.sections.order_by("position"))
    return {
        "support": edition.support,
        "edition": edition,
        "section": section,
        "sections": sections,
        "rows": rows,
        "others": others,
        "add_form": AddBlockForm(),
        "may_edit": may_edit_content(request.user, edition),
        "removed_count": Block.all_objects.removed().filter(section=section).count(),
    }


@login_required
def section_edit(request, code, major, minor, key):
    edition = _editable_edition(request, code, major, minor)
    if not edition.is_editable:
        messages.error(request, _("Versionen är inte öppen för ändringar i sin nuvarande status."))
        return redirect(edition_url(edition))
    section = get_object_or_404(Section, edition=edition, key=key)
    services.presence_touch(user=request.user, section=section)
    return render(
        request, "authoring/section_edit.html", _section_context(request, edition, section)
    )


@login_required
def section_presence(request, code, major, minor, key):
    edition = _editable_edition(request, code, major, minor)
    section = get_object_or_404(Section, edition=edition, key=key)
    services.presence_touch(user=request.user, section=section)
    others = (
        SectionPresence.objects.filter(
            section=section, last_seen__gte=timezone.now() - PRESENCE_WINDOW
        )
        .exclude(user=request.user)
        .select_related("user")
    )
    return render(request, "authoring/includes/presence.html", {"others": others})


def _section_url(edition: Edition, section: Section, block: Block | None = None) -> str:
    url = edition_url(edition, "authoring:section_edit", key=section.key)
    return f"{url}#block-{block.uid}" if block else url


@login_required
@require_POST
def block_save(request, code, major, minor, uid):
    edition = _editable_edition(request, code, major, minor)
    block = _block_even_removed(edition, uid)
    form = BlockForm.for_block(block, data=request.POST, editorial=edition.revises_published)
    if block.is_removed:
        return _saved_into_removed_block(request, edition, block, form)
    if not form.is_valid():
        context = _section_context(request, edition, block.section, forms={block.pk: form})
        return render(request, "authoring/section_edit.html", context, status=400)
    try:
        saved = services.block_save(
            actor=request.user,
            block=block,
            lock_version=form.cleaned_data["lock_version"],
            content=form.content(),
            editorial_change=form.editorial_mark(),
        )
    except services.EditConflict as conflict:
        return _conflict_response(request, edition, conflict.current, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(edition_url(edition))
    messages.success(request, _("Blocket är sparat."))
    return redirect(_section_url(edition, saved.section, saved))


def _block_even_removed(edition: Edition, uid) -> Block:
    return get_object_or_404(
        Block.all_objects.select_related("section", "removed_by"), edition=edition, uid=uid
    )


def _saved_into_removed_block(request, edition, block: Block, form: BlockForm):
    """A co-author removed the block while this person was writing in it. Their text is
    kept: shown on a conflict page, and put back with the block if they choose so."""
    if form.is_valid() and request.POST.get("reinstate") == "1":
        try:
            saved = services.block_reinstate(
                actor=request.user,
                block=block,
                lock_version=block.lock_version,
                content=form.content(),
            )
        except (services.EditConflict, ValidationError):
            messages.error(request, _("Blocket kunde inte återställas. Försök igen."))
            return redirect(_section_url(edition, block.section))
        messages.success(request, _("Blocket är återställt på sin plats med din text."))
        return redirect(_section_url(edition, saved.section, saved))
    return render(
        request,
        "authoring/removed_conflict.html",
        {"support": edition.support, "edition": edition, "target_block": block, "form": form},
        status=409,
    )


def _conflict_response(request, edition, current: Block, form: BlockForm):
    mine = form.content()
    ops = diff_words(current.body, mine["body"])
    left, right = render_side_by_side(ops)
    # Their saved version underneath, the author's text and kind on top: the form has the
    # fields of the kind the author chose.
    mark = form.editorial_mark()
    resolve = BlockForm(
        initial={
            **current.content(),
            **mine,
            "editorial_change": current.editorial_change if mark is None else mark,
            "lock_version": current.lock_version,
        },
        prefix=form.prefix,
        kind=mine["kind"],
        editorial=edition.revises_published,
    )
    return render(
        request,
        "authoring/conflict.html",
        {
            "support": edition.support,
            "edition": edition,
            "target_block": current,
            "mine": mine,
            "theirs": current.content(),
            "theirs_html": render_markdown(current.body),
            "diff_inline": render_inline(ops),
            "diff_left": left,
            "diff_right": right,
            "form": resolve,
        },
        status=409,
    )


@login_required
@require_POST
def block_autosave(request, code, major, minor, uid):
    edition = _editable_edition(request, code, major, minor)
    block = _block_even_removed(edition, uid)
    if block.is_removed:
        return HttpResponse(
            _(
                "Blocket har tagits bort av en medförfattare. Din text finns kvar i rutan: "
                "spara för att välja om blocket ska återställas med den."
            ),
            status=409,
        )
    form = BlockForm.for_block(block, data=request.POST, editorial=edition.revises_published)
    if not form.is_valid():
        return HttpResponse(
            _("Utkastet kunde inte sparas automatiskt: kontrollera fälten."), status=400
        )
    try:
        draft = services.block_autosave(
            actor=request.user,
            block=block,
            base_lock_version=form.cleaned_data["lock_version"],
            content=form.draft_content(),
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    local = timezone.localtime(draft.saved_at)
    return HttpResponse(_("Utkast sparat automatiskt %(time)s.") % {"time": f"{local:%H:%M:%S}"})


@login_required
@require_POST
def block_preview(request):
    # The editor's block fields carry a per-block prefix; htmx sends which one.
    form = PreviewForm(request.POST, prefix=request.POST.get("prefix") or None)
    if not form.is_valid():
        return HttpResponse(_("Texten kan inte förhandsgranskas."), status=400)
    return HttpResponse(render_markdown(form.cleaned_data["body"]))


@login_required
@require_POST
def block_add(request, code, major, minor, key):
    edition = _editable_edition(request, code, major, minor)
    section = get_object_or_404(Section, edition=edition, key=key)
    form = AddBlockForm(request.POST)
    if not form.is_valid():
        # As the other small forms: back to the section with the reason, not a 404.
        messages.error(request, _("Välj vilken sorts block som ska läggas till."))
        return redirect(_section_url(edition, section))
    try:
        block = services.block_add(
            actor=request.user, section=section, kind=form.cleaned_data["kind"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(edition_url(edition))
    return redirect(_section_url(edition, section, block))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def block_remove(request, code, major, minor, uid):
    """GET asks first ("Ta bort blocket …?"), so that removing works, and is safe, without
    JavaScript; POST removes. The block stays as a removed row that the section history
    can put back."""
    edition = _editable_edition(request, code, major, minor)
    block = _block(edition, uid)
    section = block.section
    if request.method != "POST":
        if not edition.is_editable:
            messages.error(
                request, _("Versionen är inte öppen för ändringar i sin nuvarande status.")
            )
            return redirect(edition_url(edition))
        return render(
            request,
            "authoring/block_remove_confirm.html",
            {
                "support": edition.support,
                "edition": edition,
                "section": section,
                "target_block": block,
                "excerpt": Truncator(" ".join(block.body.split())).chars(120),
            },
        )
    try:
        lock_version = int(request.POST.get("lock_version", 0))
        services.block_remove(actor=request.user, block=block, lock_version=lock_version)
    except services.EditConflict:
        messages.error(
            request,
            _("Någon annan har ändrat blocket. Kontrollera ändringen innan du tar bort det."),
        )
        return redirect(_section_url(edition, section, block))
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Ogiltig begäran.")])))
        return redirect(_section_url(edition, section))
    history = edition_url(edition, "authoring:section_history", key=section.key)
    messages.success(
        request,
        format_html(
            _("Blocket är borttaget. Du kan lägga tillbaka det på sin plats från {link}."),
            link=format_html(
                '<a href="{}#removed-blocks">{}</a>', history, _("historiken för avsnittet")
            ),
        ),
    )
    return redirect(_section_url(edition, section))


@login_required
@require_POST
def block_move(request, code, major, minor, uid):
    edition = _editable_edition(request, code, major, minor)
    block = _block(edition, uid)
    direction = request.POST.get("direction")
    if direction in {"up", "down"}:
        data = {
            "section": block.section_id,
            "position": max(1, block.position + (-1 if direction == "up" else 1)),
        }
    else:
        data = request.POST
    form = MoveBlockForm(data, sections=edition.sections.all())
    if not form.is_valid():
        messages.error(request, _("Välj ett avsnitt och en plats att flytta blocket till."))
        return redirect(_section_url(edition, block.section, block))
    try:
        moved = services.block_move(actor=request.user, block=block, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_section_url(edition, block.section, block))
    return redirect(_section_url(edition, moved.section, moved))

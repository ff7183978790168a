"""The regional editor's pages (signed in), under /regionalt/. Thin: the services decide and
check, the selectors read. An addition the user may not read is a 404, as a guessed id is;
one they read but may not change answers 403 to a change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Organisation, OrganisationKind
from apps.authoring.models import Edition, SnapshotBlock, SnapshotSection, Support
from apps.authoring.snapshots import snapshot_sections
from apps.core.diff import diff_words, html_to_text, render_inline, render_side_by_side
from apps.core.forms import CONFLICT_STATUS, apply_validation_error, form_status

from . import services
from .forms import AdditionForm, VersionForm
from .history import addition_versions, describe_versions, version_pair
from .models import AdditionState, RegionalAddition
from .permissions import (
    edited_regions,
    may_change_addition,
    may_read_region,
    may_use_overview,
    reads_every_region,
    require_readable,
    require_region_writer,
    require_writable,
)
from .selectors import (
    overview_additions,
    published_supports,
    region_additions_on,
    section_titles,
)

# ---------------------------------------------------------------- lookups


def _addition(request, uid) -> RegionalAddition:
    addition = get_object_or_404(
        RegionalAddition.objects.select_related(
            "region", "support", "written_against", "written_against_edition", "updated_by"
        ),
        uid=uid,
    )
    require_readable(request.user, addition)
    return addition


def _region(request, code, *, write: bool = True) -> Organisation:
    region = Organisation.objects.filter(code=code, kind=OrganisationKind.REGION).first()
    if region is None:
        raise Http404
    if write:
        require_region_writer(request.user, region)
    elif not may_read_region(request.user, region):
        raise Http404
    return region


def _published(code) -> tuple[Support, object]:
    support = get_object_or_404(
        Support.objects.select_related("current_published_edition"), code=code
    )
    snapshot = services.published_snapshot(support)
    if snapshot is None:
        raise Http404
    return support, snapshot


def _section_title(addition: RegionalAddition) -> str:
    titles = section_titles([addition])
    return titles.get((addition.written_against_edition_id, addition.section_key), "")


# ---------------------------------------------------------------- the overview


@login_required
def overview(request):
    """Mina regionala tillägg: my regions' additions, stale ones first with the flag's age,
    then by state."""
    if not may_use_overview(request.user):
        raise Http404
    regions = edited_regions(request.user)
    every = reads_every_region(request.user) and not regions
    additions = overview_additions(None if every else regions)
    titles = section_titles(additions)
    for addition in additions:
        addition.section_title = titles.get(
            (addition.written_against_edition_id, addition.section_key), addition.section_key
        )
    groups = [
        (
            "review",
            _("Behöver granskas"),
            [a for a in additions if a.needs_review],
        ),
        (
            "draft",
            _("Utkast"),
            [a for a in additions if a.state == AdditionState.DRAFT and not a.needs_review],
        ),
        (
            "published",
            _("Publicerade"),
            [a for a in additions if a.state == AdditionState.PUBLISHED and not a.needs_review],
        ),
        ("archived", _("Arkiverade"), [a for a in additions if a.state == AdditionState.ARCHIVED]),
    ]
    return render(
        request,
        "regional/overview.html",
        {"regions": regions, "every_region": every, "groups": groups, "count": len(additions)},
    )


@login_required
def choose_support(request, region):
    """Step one of a new addition: which published support."""
    region = _region(request, region)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(published_supports(query), 25).get_page(request.GET.get("sida"))
    return render(
        request,
        "regional/choose_support.html",
        {
            "region": region,
            "q": query,
            "page": page,
            "query": f"q={query}" if query else "",
        },
    )


@login_required
def choose_place(request, region, code):
    """Step two: the published national text section by section, with a way to add at every
    block and at the end of every section; the region's own additions at their places."""
    region = _region(request, region)
    support, snapshot = _published(code)
    sections = snapshot_sections(snapshot)
    mine = region_additions_on(support, region)
    at_block, at_end = {}, {}
    for addition in mine:
        if addition.block_uid is None:
            at_end.setdefault(addition.section_key, []).append(addition)
        else:
            at_block.setdefault(addition.block_uid, []).append(addition)
    for section in sections:
        section.additions_at_end = at_end.get(section.key, [])
        for block in section.blocks.all():
            block.additions = at_block.get(block.uid, [])
    return render(
        request,
        "regional/choose_place.html",
        {
            "region": region,
            "support": support,
            "edition": support.current_published_edition,
            "sections": sections,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def addition_create(request, region, code, key, block_uid=None):
    """Step three: the addition's form at the chosen place."""
    region = _region(request, region)
    support, snapshot = _published(code)
    section = get_object_or_404(SnapshotSection, snapshot=snapshot, key=key)
    block = None
    if block_uid is not None:
        block = get_object_or_404(SnapshotBlock, snapshot=snapshot, uid=block_uid, section=section)
    form = AdditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            addition = services.addition_create(
                actor=request.user,
                region=region,
                support=support,
                section_key=section.key,
                block_uid=block.uid if block is not None else None,
                **form.values(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Tillägget är sparat som utkast. Publicera det när det är klart.")
            )
            return redirect(addition.get_absolute_url())
    return render(
        request,
        "regional/addition_form.html",
        {
            "form": form,
            "region": region,
            "support": support,
            "edition": support.current_published_edition,
            "section": section,
            # Not "block": inside {% block %} that name is Django's own.
            "national_block": block,
            "creating": True,
        },
        status=form_status(form),
    )


# ---------------------------------------------------------------- one addition


@login_required
def addition_detail(request, uid):
    addition = _addition(request, uid)
    versions = addition_versions(addition)
    pair = version_pair(versions, request.GET.get("fran"), request.GET.get("till"))
    return render(
        request,
        "regional/addition_detail.html",
        {
            "addition": addition,
            "support": addition.support,
            "section_title": _section_title(addition),
            "national_block": addition.written_against,
            "rows": describe_versions(versions),
            "pair": pair,
            "may_change": may_change_addition(request.user, addition),
            "version_form": VersionForm(initial={"lock_version": addition.lock_version}),
        },
    )


def _confirm_for(addition: RegionalAddition) -> str:
    if not addition.needs_review:
        return ""
    edition = Edition.objects.filter(pk=addition.support.current_published_edition_id).first()
    return edition.number if edition is not None else ""


@login_required
@require_http_methods(["GET", "POST"])
def addition_edit(request, uid):
    addition = _addition(request, uid)
    require_writable(request.user, addition)
    if addition.is_archived:
        messages.error(request, _("Tillägget är arkiverat och kan inte ändras."))
        return redirect(addition.get_absolute_url())
    confirm_for = _confirm_for(addition)
    initial = {
        "kind": addition.kind,
        "body": addition.body,
        "care_level": addition.care_level,
        "contact": addition.contact,
        "link": addition.link,
        "lock_version": addition.lock_version,
    }
    form = AdditionForm(request.POST or None, initial=initial, confirm_for=confirm_for)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.addition_save(
                actor=request.user,
                addition=addition,
                lock_version=form.cleaned_data["lock_version"] or 0,
                confirm=bool(form.cleaned_data.get("confirm")),
                **form.values(),
            )
        except services.AdditionConflict as conflict:
            return _edit_conflict(request, conflict.current, form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Tillägget är sparat."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "regional/addition_form.html",
        {
            "form": form,
            "addition": addition,
            "region": addition.region,
            "support": addition.support,
            "section_title": _section_title(addition),
            "national_block": addition.written_against,
            "creating": False,
        },
        status=form_status(form),
    )


def _edit_conflict(request, current: RegionalAddition, form: AdditionForm):
    """Someone saved the addition after this writer opened it: their saved text, the diff,
    and the writer's own text kept in a form on top of the new version."""
    mine = form.values()
    ops = diff_words(current.body, mine["body"])
    left, right = render_side_by_side(ops)
    resolve = AdditionForm(
        initial={**mine, "lock_version": current.lock_version},
        confirm_for=_confirm_for(current),
    )
    return render(
        request,
        "regional/conflict.html",
        {
            "addition": current,
            "support": current.support,
            "form": resolve,
            "diff_inline": render_inline(ops),
            "diff_left": left,
            "diff_right": right,
        },
        status=CONFLICT_STATUS,
    )


def _stale_button(request, addition: RegionalAddition):
    return render(
        request,
        "regional/conflict.html",
        {"addition": addition, "support": addition.support, "form": None},
        status=CONFLICT_STATUS,
    )


def _button(request, uid, action, done: str):
    """A POST button of the addition's page (publish, confirm): the service, then back to
    the page with what happened, or with why not."""
    addition = _addition(request, uid)
    require_writable(request.user, addition)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ladda om sidan och försök igen."))
        return redirect(addition.get_absolute_url())
    try:
        action(
            actor=request.user, addition=addition, lock_version=form.cleaned_data["lock_version"]
        )
    except services.AdditionConflict as conflict:
        return _stale_button(request, conflict.current)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(addition.get_absolute_url())
    messages.success(request, done)
    return redirect(addition.get_absolute_url())


@login_required
@require_POST
def addition_publish(request, uid):
    return _button(
        request,
        uid,
        services.addition_publish,
        _("Tillägget är publicerat. Läsare som väljer regionen ser det nu."),
    )


@login_required
@require_POST
def addition_confirm(request, uid):
    return _button(
        request,
        uid,
        services.addition_confirm,
        _("Tillägget är bekräftat för den nya nationella versionen."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def addition_archive(request, uid):
    """Archiving asks first, on a page of its own: no script needed, nothing archived by a
    stray click."""
    addition = _addition(request, uid)
    require_writable(request.user, addition)
    if addition.is_archived:
        messages.info(request, _("Tillägget är redan arkiverat."))
        return redirect(addition.get_absolute_url())
    if request.method == "POST":
        return _button(
            request,
            uid,
            services.addition_archive,
            _("Tillägget är arkiverat. Läsare ser det inte längre."),
        )
    return render(
        request,
        "regional/addition_archive.html",
        {
            "addition": addition,
            "support": addition.support,
            "form": VersionForm(initial={"lock_version": addition.lock_version}),
        },
    )


# ---------------------------------------------------------------- the review


def _section_html(snapshot_id, key) -> tuple[str, str] | None:
    """(title, the section's blocks' HTML) of one section of a snapshot, or None."""
    section = (
        SnapshotSection.objects.filter(snapshot_id=snapshot_id, key=key)
        .prefetch_related("blocks")
        .first()
    )
    if section is None:
        return None
    html = "\n".join(block.html for block in sorted(section.blocks.all(), key=lambda b: b.position))
    return section.title, html


@login_required
def addition_review(request, uid):
    """Three texts side by side: the national text the addition was written against, the new
    national text (with the diff between them), and the addition; then confirm, edit or
    archive."""
    addition = _addition(request, uid)
    support = addition.support
    new_edition = support.current_published_edition
    snapshot = services.published_snapshot(support)
    old_html = new_html = ""
    old_title = new_title = ""
    if addition.block_uid is not None:
        if addition.written_against is not None:
            old_html = addition.written_against.html
            old_title = _section_title(addition)
        new_block = (
            SnapshotBlock.objects.filter(snapshot=snapshot, uid=addition.block_uid)
            .select_related("section")
            .first()
            if snapshot is not None
            else None
        )
        if new_block is not None:
            new_html, new_title = new_block.html, new_block.section.title
    else:
        old_snapshot = services.published_snapshot_of(addition.written_against_edition)
        old = _section_html(old_snapshot.pk, addition.section_key) if old_snapshot else None
        new = _section_html(snapshot.pk, addition.section_key) if snapshot else None
        if old:
            old_title, old_html = old
        if new:
            new_title, new_html = new
    if new_html or new_title:
        section_remains = True
    else:
        section_remains = snapshot is not None and (
            SnapshotSection.objects.filter(snapshot=snapshot, key=addition.section_key).exists()
        )
    ops = diff_words(html_to_text(old_html), html_to_text(new_html))
    return render(
        request,
        "regional/addition_review.html",
        {
            "addition": addition,
            "support": support,
            "old_edition": addition.written_against_edition,
            "new_edition": new_edition,
            "old_html": old_html,
            "new_html": new_html,
            "old_title": old_title,
            "new_title": new_title,
            "new_missing": not new_html and not new_title,
            "section_remains": section_remains,
            "diff_inline": render_inline(ops),
            "may_change": may_change_addition(request.user, addition),
            "version_form": VersionForm(initial={"lock_version": addition.lock_version}),
        },
    )

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.diff import diff_words, render_inline, render_side_by_side
from apps.core.forms import apply_validation_error
from apps.core.markdown import render_markdown

from . import icd10, selectors, services, workflow
from .completeness import check_edition
from .forms import (
    AddBlockForm,
    BlockForm,
    MoveBlockForm,
    NewEditionForm,
    OverviewFilterForm,
    PreviewForm,
    SupportForm,
    TemplateSectionAddForm,
    TemplateSectionForm,
)
from .history import block_versions, compare_editions, edition_history, version_pair
from .models import Block, BlockDraft, Edition, ProductType, Section, SectionPresence, Support
from .permissions import (
    creatable_programme_areas,
    may_edit_content,
    may_edit_support,
    may_edit_templates,
)
from .workflow_forms import PublishForm, TransitionForm

PRESENCE_WINDOW = timedelta(minutes=3)


def _support(code) -> Support:
    return get_object_or_404(
        Support.objects.select_related("product_type", "programme_area"), code=code
    )


def _edition(support: Support, major: int, minor: int) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("support"), support=support, major=major, minor=minor
    )


def _editable_edition(request, code, major, minor) -> Edition:
    edition = _edition(_support(code), major, minor)
    if not may_edit_support(request.user, edition.support):
        raise PermissionDenied
    return edition


def _block(edition: Edition, uid) -> Block:
    return get_object_or_404(Block.objects.select_related("section"), edition=edition, uid=uid)


def edition_url(edition: Edition, name="authoring:edition_detail", **extra) -> str:
    kwargs = {"code": edition.support.code, "major": edition.major, "minor": edition.minor}
    return reverse(name, kwargs={**kwargs, **extra})


# ---------------------------------------------------------------- supports


@login_required
def support_list(request):
    form = OverviewFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"].strip(),
            "programme_area": data["npo"],
            "product_type": data["product_type"],
            "state": data["state"],
            "mine": data["mine"],
        }
    page = Paginator(selectors.supports_overview(request.user, **filters), 50).get_page(
        request.GET.get("sida")
    )
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "authoring/support_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_create": creatable_programme_areas(request.user).exists(),
        },
    )


@login_required
def support_create(request):
    areas = creatable_programme_areas(request.user)
    if not areas.exists():
        raise PermissionDenied
    form = SupportForm(request.POST or None, programme_areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            support = services.support_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{support.title} ({support.code}) är skapat. Börja skriva!")
            return redirect(edition_url(support.working_edition))
    return render(request, "authoring/support_form.html", {"form": form, "creating": True})


@login_required
def support_detail(request, code):
    support = _support(code)
    editions = support.editions.select_related("created_by", "updated_by")
    return render(
        request,
        "authoring/support_detail.html",
        {
            "support": support,
            "editions": editions,
            "related": support.related_supports.select_related("product_type"),
            "diagnoses": support.diagnoses.all(),
            "may_edit": may_edit_support(request.user, support),
            "new_edition_form": NewEditionForm() if support.current_published_edition else None,
        },
    )


@login_required
def support_edit(request, code):
    support = _support(code)
    if not may_edit_support(request.user, support):
        raise PermissionDenied
    form = SupportForm(
        request.POST or None,
        editing=support,
        initial={
            "title": support.title,
            "diagnoses": list(support.diagnoses.values_list("code", flat=True)),
            "target_professions": support.target_professions,
            "related_supports": support.related_supports.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.support_update(actor=request.user, support=support, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Uppgifterna är sparade.")
            return redirect("authoring:support_detail", code=support.code)
    return render(
        request,
        "authoring/support_form.html",
        {"form": form, "support": support, "creating": False},
    )


@login_required
@require_POST
def edition_start(request, code):
    support = _support(code)
    if not may_edit_support(request.user, support):
        raise PermissionDenied
    form = NewEditionForm(request.POST)
    if form.is_valid():
        try:
            edition = services.edition_start_new(
                actor=request.user, support=support, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Version {edition.number} är påbörjad.")
            return redirect(edition_url(edition))
    else:
        messages.error(request, "Välj typ av version och beskriv vad som ska ändras.")
    return redirect("authoring:support_detail", code=support.code)


@login_required
def icd10_search(request):
    results = icd10.search(request.GET.get("q", ""))
    return render(request, "authoring/includes/icd10_results.html", {"results": results})


# ---------------------------------------------------------------- editions and the editor


@login_required
def edition_detail(request, code, major, minor):
    support = _support(code)
    edition = _edition(support, major, minor)
    edition = selectors.edition_with_content(edition.pk)
    problems = check_edition(edition) if edition.is_editable else []
    return render(
        request,
        "authoring/edition_detail.html",
        {
            "support": support,
            "edition": edition,
            "problems": problems,
            "may_edit": may_edit_content(request.user, edition),
            "timeline": edition.transitions.select_related("actor"),
            "actions": workflow.available_actions(request.user, edition),
            "diagram": workflow.diagram(),
        },
    )


@login_required
def edition_step(request, code, major, minor, name):
    """One workflow step: GET shows its form and any reasons it is refused, POST takes it."""
    support = _support(code)
    edition = _edition(support, major, minor)
    transition = workflow.TRANSITIONS_BY_NAME.get(name)
    if transition is None:
        raise Http404
    needs_reason = transition.needs_reason(edition)
    extra_class = PublishForm if name == "publish" else workflow.form_for(name)
    data = request.POST if request.method == "POST" else None
    form = TransitionForm(
        data, reason_required=needs_reason, initial={"lock_version": edition.lock_version}
    )
    extra = extra_class(data) if extra_class else None
    reasons = workflow.refusal_reasons(request.user, edition, transition, {"_check_comment": False})
    status = 200
    if request.method == "POST":
        if not workflow.holds_actor_role(request.user, edition, transition):
            raise PermissionDenied
        if form.is_valid() and (extra is None or extra.is_valid()):
            try:
                _take_step(request, edition, transition, form, extra)
            except workflow.TransitionConflict as exc:
                messages.error(request, str(exc.args[0]))
                status = 409
            except workflow.TransitionRefused as exc:
                reasons = exc.reasons
                status = 400
            except ValidationError as exc:
                apply_validation_error(extra or form, exc)
                status = 400
            else:
                return redirect(edition_url(edition))
        else:
            status = 400
    return render(
        request,
        "authoring/edition_step.html",
        {
            "support": support,
            "edition": edition,
            "transition": transition,
            "form": form,
            "extra": extra,
            "reasons": reasons,
        },
        status=status,
    )


def _take_step(request, edition, transition, form, extra) -> None:
    comment = form.cleaned_data["comment"].strip()
    lock_version = form.cleaned_data["lock_version"]
    if transition.name == "publish" and extra.cleaned_data["when"] == "later":
        workflow.edition_schedule_publication(
            actor=request.user,
            edition=edition,
            lock_version=lock_version,
            publish_at=extra.cleaned_data["publish_at"],
            next_review_date=extra.cleaned_data["next_review_date"],
        )
        messages.success(request, "Publiceringen är planerad.")
        return
    data = extra.transition_data() if extra is not None else {}
    moved = workflow.edition_transition(
        actor=request.user,
        edition=edition,
        name=transition.name,
        lock_version=lock_version,
        comment=comment,
        data=data,
    )
    messages.success(request, f"Klart: versionen har nu status ”{moved.get_state_display()}”.")


def _section_context(request, edition: Edition, section: Section, forms=None) -> dict:
    blocks = list(section.blocks.select_related("updated_by").order_by("position"))
    drafts = {d.block_id: d for d in BlockDraft.objects.filter(block__in=blocks, user=request.user)}
    forms = forms or {}
    rows = []
    for block in blocks:
        draft = drafts.get(block.pk)
        if draft is not None and draft.base_lock_version != block.lock_version:
            draft = None  # saved over since; the conflict view handles it on save
        form = forms.get(block.pk) or BlockForm.for_block(block, draft=draft)
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
    }


@login_required
def section_edit(request, code, major, minor, key):
    edition = _editable_edition(request, code, major, minor)
    if not edition.is_editable:
        messages.error(request, "Versionen är inte öppen för ändringar i sin nuvarande status.")
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
    block = _block(edition, uid)
    form = BlockForm.for_block(block, data=request.POST)
    if not form.is_valid():
        context = _section_context(request, edition, block.section, forms={block.pk: form})
        return render(request, "authoring/section_edit.html", context, status=400)
    try:
        saved = services.block_save(
            actor=request.user,
            block=block,
            lock_version=form.cleaned_data["lock_version"],
            content=form.content(),
        )
    except services.EditConflict as conflict:
        return _conflict_response(request, edition, conflict.current, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(edition_url(edition))
    messages.success(request, "Blocket är sparat.")
    return redirect(_section_url(edition, saved.section, saved))


def _conflict_response(request, edition, current: Block, form: BlockForm):
    mine = form.content()
    ops = diff_words(current.body, mine["body"])
    left, right = render_side_by_side(ops)
    resolve = BlockForm.for_block(current)
    resolve.initial.update(mine)
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
    block = _block(edition, uid)
    form = BlockForm.for_block(block, data=request.POST)
    if not form.is_valid():
        return HttpResponse(
            "Utkastet kunde inte sparas automatiskt: kontrollera fälten.", status=400
        )
    try:
        draft = services.block_autosave(
            actor=request.user,
            block=block,
            base_lock_version=form.cleaned_data["lock_version"],
            content=form.content(),
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    local = timezone.localtime(draft.saved_at)
    return HttpResponse(f"Utkast sparat automatiskt {local:%H:%M:%S}.")


@login_required
@require_POST
def block_preview(request):
    # The editor's block fields carry a per-block prefix; htmx sends which one.
    form = PreviewForm(request.POST, prefix=request.POST.get("prefix") or None)
    if not form.is_valid():
        return HttpResponse("Texten kan inte förhandsgranskas.", status=400)
    return HttpResponse(render_markdown(form.cleaned_data["body"]))


@login_required
@require_POST
def block_add(request, code, major, minor, key):
    edition = _editable_edition(request, code, major, minor)
    section = get_object_or_404(Section, edition=edition, key=key)
    form = AddBlockForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        block = services.block_add(
            actor=request.user, section=section, kind=form.cleaned_data["kind"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(edition_url(edition))
    return redirect(_section_url(edition, section, block))


@login_required
@require_POST
def block_delete(request, code, major, minor, uid):
    edition = _editable_edition(request, code, major, minor)
    block = _block(edition, uid)
    section = block.section
    try:
        services.block_delete(
            actor=request.user, block=block, lock_version=int(request.POST.get("lock_version", 0))
        )
        messages.success(request, "Blocket är borttaget. Det finns kvar i historiken.")
    except services.EditConflict:
        messages.error(
            request, "Någon annan har ändrat blocket. Kontrollera ändringen innan du tar bort det."
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", ["Ogiltig begäran."])))
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
        messages.error(request, "Välj ett avsnitt och en plats att flytta blocket till.")
        return redirect(_section_url(edition, block.section, block))
    try:
        moved = services.block_move(actor=request.user, block=block, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_section_url(edition, block.section, block))
    return redirect(_section_url(edition, moved.section, moved))


# ---------------------------------------------------------------- history, diff, restore


@login_required
def block_history(request, code, major, minor, uid):
    support = _support(code)
    edition = _edition(support, major, minor)
    block = _block(edition, uid)
    versions = block_versions(block)
    pair = version_pair(versions, request.GET.get("fran"), request.GET.get("till"))
    return render(
        request,
        "authoring/block_history.html",
        {
            "support": support,
            "edition": edition,
            "target_block": block,
            "versions": versions,
            "pair": pair,
            "may_edit": may_edit_content(request.user, edition),
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
        messages.success(request, "Den tidigare versionen är återställd som en ny version.")
    except services.EditConflict:
        messages.error(
            request,
            "Någon annan har sparat blocket under tiden. Titta på den senaste versionen och försök igen.",
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", ["Ogiltig begäran."])))
    return redirect(edition_url(edition, "authoring:block_history", uid=block.uid))


@login_required
def history(request, code, major, minor, key=None):
    support = _support(code)
    edition = _edition(support, major, minor)
    section = get_object_or_404(Section, edition=edition, key=key) if key else None
    page = Paginator(edition_history(edition, section), 50).get_page(request.GET.get("sida"))
    # Rows of deleted blocks stay in the history but have no block page to link to.
    live_uids = set(edition.blocks.values_list("uid", flat=True))
    return render(
        request,
        "authoring/history.html",
        {
            "support": support,
            "edition": edition,
            "section": section,
            "page": page,
            "live_uids": live_uids,
        },
    )


@login_required
def edition_compare(request, code, major, minor):
    support = _support(code)
    edition = _edition(support, major, minor)
    other = support.current_published_edition
    if other is None or other.pk == edition.pk:
        other = edition.based_on
    rows = compare_editions(other, edition) if other else []
    return render(
        request,
        "authoring/edition_compare.html",
        {"support": support, "edition": edition, "other": other, "rows": rows},
    )


# ---------------------------------------------------------------- templates


@login_required
def template_list(request):
    product_types = ProductType.objects.prefetch_related("template_sections")
    return render(
        request,
        "authoring/template_list.html",
        {"product_types": product_types, "may_edit": may_edit_templates(request.user)},
    )


@login_required
def template_section_edit(request, code, key):
    if not may_edit_templates(request.user):
        raise PermissionDenied
    product_type = get_object_or_404(ProductType, code=code)
    section = get_object_or_404(product_type.template_sections, key=key)
    form = TemplateSectionForm(
        request.POST or None,
        initial={
            "title": section.title,
            "guidance": section.guidance,
            "required": section.required,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.template_section_update(
            actor=request.user, template_section=section, **form.cleaned_data
        )
        messages.success(request, "Mallen är sparad. Befintliga versioner behåller sina avsnitt.")
        return redirect("authoring:template_list")
    return render(
        request,
        "authoring/template_section_form.html",
        {"form": form, "product_type": product_type, "section": section},
    )


@login_required
@require_POST
def template_section_move(request, code, key):
    if not may_edit_templates(request.user):
        raise PermissionDenied
    product_type = get_object_or_404(ProductType, code=code)
    section = get_object_or_404(product_type.template_sections, key=key)
    try:
        services.template_section_move(
            actor=request.user,
            template_section=section,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('authoring:template_list')}#pt-{product_type.code}")


@login_required
def template_section_add(request, code):
    if not may_edit_templates(request.user):
        raise PermissionDenied
    product_type = get_object_or_404(ProductType, code=code)
    form = TemplateSectionAddForm(request.POST or None, initial={"required": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.template_section_add(
                actor=request.user, product_type=product_type, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Avsnittet är tillagt i mallen.")
            return redirect("authoring:template_list")
    return render(
        request,
        "authoring/template_section_form.html",
        {"form": form, "product_type": product_type, "section": None},
    )

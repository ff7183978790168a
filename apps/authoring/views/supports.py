"""The support overview, creating and editing a support's metadata, starting a new edition."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import apply_validation_error, form_status

from .. import icd10, selectors, services
from ..forms import (
    NewEditionForm,
    OverviewFilterForm,
    SupportForm,
)
from ..permissions import (
    creatable_programme_areas,
    may_edit_support,
    readable_editions,
)
from .common import _support, edition_url


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
    rows = selectors.overview_rows(page.object_list)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "authoring/support_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_create": creatable_programme_areas(request.user).exists(),
        },
        status=form_status(form),
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
    return render(
        request,
        "authoring/support_form.html",
        {"form": form, "creating": True},
        status=form_status(form),
    )


@login_required
def support_detail(request, code):
    support = _support(code)
    editions = readable_editions(request.user).filter(support=support)
    editions = editions.select_related("created_by", "updated_by").order_by("-major", "-minor")
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
        status=form_status(form),
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

"""The product types' templates, kept by the national editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.forms import apply_validation_error, form_status

from .. import services
from ..forms import (
    TemplateSectionAddForm,
    TemplateSectionForm,
)
from ..models import ProductType
from ..permissions import may_edit_templates


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
        status=form_status(form),
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
        status=form_status(form),
    )

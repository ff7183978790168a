"""Remiss views: the rounds (register, queue, round page, extensions, the impact statement).

A round one may not read (the edition is not for this user, or the round has not opened for
this recipient yet) is a 404, like a guessed number; a page one may see but not act on is a
403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.forms import apply_validation_error, form_status
from apps.core.uploads import document_response

from .. import selectors, services
from ..forms import ExtensionForm
from ..models import Consultation, Recipient
from ..permissions import (
    may_manage_rounds,
    may_read_register,
    may_read_round,
    may_read_submitted_answers,
    may_see_queue,
)


def _readable_round(request, pk) -> Consultation:
    try:
        consultation = selectors.round_for_page(pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    if not may_read_round(request.user, consultation):
        raise Http404
    return consultation


@login_required
@require_GET
def round_detail(request, pk):
    consultation = _readable_round(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "remiss/round_detail.html",
        {
            "consultation": consultation,
            "edition": consultation.edition,
            "support": consultation.edition.support,
            "timing": selectors.round_timing(consultation, today),
            "overview": selectors.recipient_overview(consultation, today),
            "may_manage": may_manage_rounds(request.user) and consultation.closed_at is None,
            "table_url": (
                _table_url(consultation)
                if may_read_submitted_answers(request.user, consultation)
                else ""
            ),
            "today": today,
        },
    )


@login_required
@require_GET
def impact_statement(request, pk):
    """The national impact statement that went out with the round, as a download."""
    consultation = _readable_round(request, pk)
    if not consultation.impact_statement:
        raise Http404
    return document_response(
        consultation.impact_statement,
        consultation.impact_statement_name or _("konsekvensbeskrivning.pdf"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recipient_extend(request, pk, recipient_pk):
    consultation = _readable_round(request, pk)
    recipient = get_object_or_404(
        Recipient.objects.select_related("organisation"),
        pk=recipient_pk,
        consultation=consultation,
    )
    recipient.consultation = consultation
    if not may_manage_rounds(request.user):
        raise PermissionDenied
    form = ExtensionForm(
        request.POST if request.method == "POST" else None,
        initial={"until": recipient.extended_until, "reason": recipient.extension_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recipient_extend(
                actor=request.user,
                recipient=recipient,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(organisation)s har nu till och med %(date)s på sig att svara.")
                % {
                    "organisation": recipient.organisation.name,
                    "date": services.day_in_swedish(form.cleaned_data["until"]),
                },
            )
            return redirect("remiss:round", pk=consultation.pk)
    return render(
        request,
        "remiss/round_extend.html",
        {
            "consultation": consultation,
            "recipient": recipient,
            "form": form,
            "status_label": selectors.status_label(selectors.recipient_status(recipient)),
        },
        status=form_status(form),
    )


@login_required
@require_GET
def queue(request):
    if not may_see_queue(request.user):
        raise PermissionDenied
    return render(
        request,
        "remiss/queue.html",
        {**selectors.queue(), "may_open": may_manage_rounds(request.user)},
    )


def _table_url(consultation) -> str:
    """The round's response table (remissammanställning), once the page exists."""
    try:
        return reverse("remiss:table", args=[consultation.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def register(request):
    if not may_read_register(request.user):
        raise PermissionDenied
    rounds = list(selectors.register_rounds(request.user))
    today = timezone.localdate()
    for consultation in rounds:
        consultation.timing = selectors.round_timing(consultation, today)
        consultation.rate = selectors.answer_rate(consultation)
        consultation.table_url = _table_url(consultation)
    return render(
        request,
        "remiss/register.html",
        {"rounds": rounds, "may_see_queue": may_see_queue(request.user)},
    )

"""Remiss views: the comments on the text that went out, the authors' responses, and the
response table (remissammanställning) with its exports and print view.

Who may see a round's submitted answers sees all of this (`may_read_responses`); for
everyone else the round does not exist here (404). Responses are written by the owning NPO's
authors while the edition is in revision: others who may read get 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.forms import CONFLICT_STATUS, apply_validation_error, form_status

from .. import exports
from ..models import Comment, Consultation, Recipient
from ..permissions import may_read_responses, may_respond
from ..response_forms import CommentFilterForm, ResponseForm
from ..responses import (
    ResponseConflict,
    applicable_blocks,
    block_change,
    consultation_for_reading,
    next_missing,
    quoted_block,
    read_round,
    response_record,
)

PRINT_PARAMETER = "utskrift"


def _readable_round(request, pk: int) -> Consultation:
    try:
        consultation = consultation_for_reading(pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    if not may_read_responses(request.user, consultation):
        raise Http404
    return consultation


def _filtered_reading(request, consultation: Consultation):
    answered = (
        Recipient.objects.filter(consultation=consultation, answer__submitted_at__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    form = CommentFilterForm(request.GET or None, recipients=answered)
    reading = read_round(consultation, form.filters())
    query = request.GET.copy()
    query.pop(PRINT_PARAMETER, None)
    return form, reading, query.urlencode()


def _context(request, consultation, form, reading, query) -> dict:
    edition = consultation.edition
    return {
        "consultation": consultation,
        "edition": edition,
        "support": edition.support,
        "form": form,
        "reading": reading,
        "query": query,
        "may_respond": may_respond(request.user, consultation),
        "first_missing": next((c for c in reading.comments if c.response is None), None),
    }


@login_required
@require_GET
def comments(request, pk: int):
    consultation = _readable_round(request, pk)
    form, reading, query = _filtered_reading(request, consultation)
    return render(
        request, "remiss/comments.html", _context(request, consultation, form, reading, query)
    )


@login_required
@require_GET
def table(request, pk: int):
    if request.GET.get(PRINT_PARAMETER):
        return table_print(request, pk)
    consultation = _readable_round(request, pk)
    form, reading, query = _filtered_reading(request, consultation)
    return render(
        request, "remiss/table.html", _context(request, consultation, form, reading, query)
    )


@login_required
@require_GET
def table_print(request, pk: int):
    consultation = _readable_round(request, pk)
    form, reading, query = _filtered_reading(request, consultation)
    return render(
        request, "remiss/table_print.html", _context(request, consultation, form, reading, query)
    )


def _download_name(consultation: Consultation, suffix: str) -> str:
    edition = consultation.edition
    return f"remissammanstallning-{edition.support.code}-{edition.number}.{suffix}"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def table_xlsx(request, pk: int):
    consultation = _readable_round(request, pk)
    _form, reading, _query = _filtered_reading(request, consultation)
    content = exports.to_xlsx(
        exports.columns(),
        exports.rows(reading),
        f"{consultation.edition.support.code} {consultation.edition.number}",
    )
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _download_name(consultation, "xlsx"),
    )


@login_required
@require_GET
def table_csv(request, pk: int):
    consultation = _readable_round(request, pk)
    _form, reading, _query = _filtered_reading(request, consultation)
    content = exports.to_csv(exports.columns(), exports.rows(reading))
    return _download(content, "text/csv; charset=utf-8", _download_name(consultation, "csv"))


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request, pk: int, comment_pk: int):
    consultation = _readable_round(request, pk)
    # A comment in a draft answer is not there for anyone on this side: 404, as a guess.
    comment = get_object_or_404(
        Comment.objects.select_related(
            "answer",
            "answer__recipient",
            "answer__recipient__organisation",
            "answer__recipient__consultation",
            "snapshot_block",
            "snapshot_block__section",
            "response",
        ),
        pk=comment_pk,
        answer__recipient__consultation=consultation,
        answer__submitted_at__isnull=False,
    )
    comment.answer.recipient.consultation = consultation
    if not may_respond(request.user, consultation):
        raise PermissionDenied
    current = getattr(comment, "response", None)
    blocks = applicable_blocks(consultation.edition)
    conflict = None
    if request.method == "POST":
        form = ResponseForm(request.POST, blocks=blocks)
        if form.is_valid():
            data = form.cleaned_data
            try:
                response_record(
                    actor=request.user,
                    comment=comment,
                    decision=data["decision"],
                    motivation=data["motivation"],
                    applied_block_uid=data["applied_block_uid"] or None,
                    lock_version=data["lock_version"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except ResponseConflict as exc:
                conflict = exc.current
            else:
                following = next_missing(consultation) if "next" in request.POST else None
                if following is not None:
                    messages.success(
                        request,
                        _("Bemötandet är sparat. Här är nästa synpunkt som saknar bemötande."),
                    )
                    return redirect("remiss:response", pk=consultation.pk, comment_pk=following)
                messages.success(request, _("Bemötandet är sparat."))
                url = reverse("remiss:comments", kwargs={"pk": consultation.pk})
                return redirect(f"{url}#synpunkt-{comment.pk}")
    else:
        initial = {}
        if current is not None:
            initial = {
                "decision": current.decision,
                "motivation": current.motivation,
                "applied_block_uid": str(current.applied_block_uid or ""),
                "lock_version": current.lock_version,
            }
        form = ResponseForm(initial=initial, blocks=blocks)
    if conflict is not None:
        # Keep what the user wrote; saving again from here replaces what the other saved.
        data = request.POST.copy()
        data["lock_version"] = str(conflict.lock_version)
        form = ResponseForm(data, blocks=blocks)
        form.is_valid()
    status = CONFLICT_STATUS if conflict is not None else form_status(form)
    block_html, quote_html = quoted_block(comment.snapshot_block, comment)
    return render(
        request,
        "remiss/response_form.html",
        {
            "consultation": consultation,
            "edition": consultation.edition,
            "support": consultation.edition.support,
            "comment": comment,
            "snapshot_block": comment.snapshot_block,
            "block_html": block_html,
            "quote_html": quote_html,
            "current": current,
            "conflict": conflict,
            "block_change": block_change(comment, consultation),
            "form": form,
        },
        status=status,
    )

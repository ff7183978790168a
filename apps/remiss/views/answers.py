"""Remiss views: a recipient's answer. Every view finds the answer through `_answer_of`, so
that who may see it is decided in one place: an answer one may not see is a 404, exactly as a
guessed round, organisation or comment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.authoring.models import SnapshotBlock, SnapshotSection
from apps.core.diff import diff_words, render_inline
from apps.core.forms import CONFLICT_STATUS, FORM_ERRORS_STATUS, apply_validation_error
from apps.core.uploads import document_response

from .. import answers as services
from ..answer_forms import AnswerForm, CommentForm, DeclineForm, VersionForm
from ..models import Answer, Comment, Recipient
from ..permissions import (
    may_change_comment,
    may_coordinate_answer,
    may_read_answer,
    may_write_answer,
)


def _answer_of(request, round_pk, organisation_pk) -> tuple[Recipient, Answer | None]:
    recipient = (
        Recipient.objects.select_related(
            "organisation",
            "consultation",
            "consultation__snapshot",
            "consultation__edition",
            "consultation__edition__support",
            "consultation__edition__support__programme_area",
            "answer",
            "answer__submitted_by",
            "answer__updated_by",
        )
        .filter(consultation_id=round_pk, organisation_id=organisation_pk)
        .first()
    )
    if recipient is None:
        raise Http404
    try:
        answer = recipient.answer
    except Answer.DoesNotExist:
        answer = None
    if not may_read_answer(request.user, recipient, answer):
        raise Http404
    return recipient, answer


def _writable(request, recipient, answer, *, coordinator=False) -> None:
    """A reader who may not act gets 403 with the reason; so does everyone once the answer
    is closed."""
    if not may_write_answer(request.user, recipient):
        raise PermissionDenied(_("Bara remissinstansens samordnare och granskare skriver svaret."))
    if coordinator and not may_coordinate_answer(request.user, recipient):
        raise PermissionDenied(
            _("Bara remissamordnaren kan skicka in svaret eller avstå från att svara.")
        )
    reason = services.closed_reason(recipient, answer)
    if reason:
        raise services.AnswerClosed(reason)


def _refused(request, recipient, answer, exc: PermissionDenied):
    return render(
        request,
        "remiss/answer_refused.html",
        {**_header(recipient, answer), "reason": str(exc)},
        status=403,
    )


def _header(recipient, answer) -> dict:
    consultation = recipient.consultation
    today = timezone.localdate()
    return {
        "recipient": recipient,
        "consultation": consultation,
        "edition": consultation.edition,
        "support": consultation.edition.support,
        "organisation": recipient.organisation,
        "answer": answer,
        "closes_on": recipient.closes_on,
        "days_left": (recipient.closes_on - today).days,
        "answer_url": services.answer_url(recipient),
    }


def _lock_version(answer) -> int:
    return answer.lock_version if answer is not None else services.FIRST_VERSION


def _page(request, recipient, answer, *, answer_form=None, comment_form=None, status=200):
    """The answer page: the text that went out, section by section, the comments at their
    blocks, and the answer form. A fixed number of queries however many comments."""
    user = request.user
    consultation = recipient.consultation
    closed = services.closed_reason(recipient, answer)
    may_edit = may_write_answer(user, recipient) and not closed
    coordinator = may_coordinate_answer(user, recipient)
    sections, blocks = [], []
    if consultation.snapshot_id:
        sections = list(SnapshotSection.objects.filter(snapshot_id=consultation.snapshot_id))
        blocks = list(SnapshotBlock.objects.filter(snapshot_id=consultation.snapshot_id))
    comments = (
        list(Comment.objects.filter(answer=answer).select_related("author"))
        if answer is not None
        else []
    )
    by_block: dict[int, list] = {}
    for comment in comments:
        by_block.setdefault(comment.snapshot_block_id, []).append(
            {
                "comment": comment,
                "may_change": may_edit and may_change_comment(user, comment, recipient),
            }
        )
    by_section: dict[int, list] = {}
    for block in blocks:
        form = None
        if may_edit:
            if comment_form is not None and comment_form.snapshot_block.pk == block.pk:
                form = comment_form
            else:
                form = CommentForm(snapshot_block=block, auto_id=f"id_block{block.pk}_%s")
        by_section.setdefault(block.section_id, []).append(
            {
                "block": block,
                "comments": by_block.get(block.pk, []),
                "form": form,
                "open": form is comment_form and form is not None,
            }
        )
    rows = [{"section": s, "blocks": by_section.get(s.pk, [])} for s in sections]
    if may_edit and answer_form is None:
        answer_form = AnswerForm.for_answer(answer, lock_version=_lock_version(answer))
    context = {
        **_header(recipient, answer),
        "rows": rows,
        "comment_count": len(comments),
        "answer_form": answer_form if may_edit else None,
        "may_edit": may_edit,
        "may_coordinate": coordinator and not closed,
        "closed_reason": closed,
        "submit_problems": services.submit_problems(recipient, answer, timezone.localdate())
        if may_edit
        else [],
    }
    return render(request, "remiss/answer.html", context, status=status)


@login_required
@require_GET
def answer_page(request, round_pk, organisation_pk):
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    return _page(request, recipient, answer)


@login_required
@require_POST
def answer_save(request, round_pk, organisation_pk):
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    try:
        _writable(request, recipient, answer)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, recipient, answer, answer_form=form, status=FORM_ERRORS_STATUS)
    try:
        services.answer_save(
            actor=request.user,
            recipient=recipient,
            lock_version=form.cleaned_data["lock_version"],
            **form.values(),
        )
    except services.AnswerConflict as conflict:
        return _answer_conflict(request, recipient, conflict.current, form)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _page(request, recipient, answer, answer_form=form, status=FORM_ERRORS_STATUS)
    messages.success(request, _("Svaret är sparat."))
    return redirect(services.answer_url(recipient) + "#svar")


def _answer_conflict(request, recipient, current: Answer, form: AnswerForm):
    """Someone saved first: their version beside mine, my text kept in the form, which now
    carries their version so that saving mine replaces theirs knowingly."""
    mine = {name: form.cleaned_data.get(name, "") for name in AnswerForm.base_fields}
    resolve = AnswerForm.for_answer(current, lock_version=_lock_version(current))
    resolve.initial.update(
        {
            name: mine[name]
            for name in (
                "position",
                "position_motivation",
                "ambition",
                "ambition_motivation",
                "general_comment",
            )
        }
    )
    diffs = [
        (AnswerForm.base_fields[name].label, render_inline(diff_words(theirs, mine[name] or "")))
        for name in ("position_motivation", "ambition_motivation", "general_comment")
        if (theirs := getattr(current, name)) != (mine[name] or "").strip()
    ]
    return render(
        request,
        "remiss/answer_conflict.html",
        {
            **_header(recipient, current),
            "theirs": current,
            "diffs": diffs,
            "form": resolve,
            "file_lost": bool(form.cleaned_data.get("impact_statement")),
        },
        status=CONFLICT_STATUS,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_submit(request, round_pk, organisation_pk):
    """GET asks first, listing what is missing; POST submits."""
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    try:
        _writable(request, recipient, answer, coordinator=True)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    today = timezone.localdate()
    context = {
        **_header(recipient, answer),
        "form": VersionForm(initial={"lock_version": _lock_version(answer)}),
        "problems": services.submit_problems(recipient, answer, today),
        "comment_count": answer.comments.count() if answer is not None else 0,
    }
    if request.method != "POST":
        return render(request, "remiss/answer_submit.html", context)
    form = VersionForm(request.POST)
    if not form.is_valid() or answer is None:
        context["problems"] = context["problems"] or [_("Ladda om sidan och försök igen.")]
        return render(request, "remiss/answer_submit.html", context, status=FORM_ERRORS_STATUS)
    try:
        services.answer_submit(
            actor=request.user, answer=answer, lock_version=form.cleaned_data["lock_version"]
        )
    except services.AnswerConflict as conflict:
        context.update(_header(recipient, conflict.current))
        context["form"] = VersionForm(initial={"lock_version": _lock_version(conflict.current)})
        context["conflict"] = True
        context["problems"] = services.submit_problems(recipient, conflict.current, today)
        return render(request, "remiss/answer_submit.html", context, status=CONFLICT_STATUS)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    except ValidationError as exc:
        context["problems"] = exc.messages
        return render(request, "remiss/answer_submit.html", context, status=FORM_ERRORS_STATUS)
    messages.success(
        request,
        _("Svaret från %(organisation)s är inskickat. Tack!")
        % {"organisation": recipient.organisation.name},
    )
    return redirect(services.answer_url(recipient))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_decline(request, round_pk, organisation_pk):
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    try:
        _writable(request, recipient, answer, coordinator=True)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_decline(
                    actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"]
                )
            except PermissionDenied as exc:
                return _refused(request, recipient, answer, exc)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(organisation)s avstår från att svara på remissen.")
                    % {"organisation": recipient.organisation.name},
                )
                return redirect(services.answer_url(recipient))
        status = FORM_ERRORS_STATUS
    return render(
        request,
        "remiss/answer_decline.html",
        {**_header(recipient, answer), "form": form},
        status=status,
    )


@login_required
@require_GET
def answer_impact_statement(request, round_pk, organisation_pk):
    """The organisation's own impact statement, for those who may read the answer only."""
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    if answer is None or not answer.impact_statement:
        raise Http404
    return document_response(answer.impact_statement, answer.impact_statement_name)


# ---------------------------------------------------------------- comments


def _comment_of(recipient, answer, comment_pk) -> Comment:
    if answer is None:
        raise Http404
    return get_object_or_404(
        Comment.objects.select_related("snapshot_block", "author"), pk=comment_pk, answer=answer
    )


def _removed_comment(answer, comment_pk) -> Comment | None:
    """A comment of this answer that someone removed while another was editing it: its last
    version from the history, so that the late writer's text is not lost."""
    if answer is None:
        return None
    record = (
        Comment.history.filter(id=comment_pk, answer_id=answer.pk, history_type="-")
        .select_related("snapshot_block")
        .first()
    )
    return record.instance if record is not None else None


def _comment_url(recipient, comment_or_block_uid) -> str:
    uid = getattr(comment_or_block_uid, "block_uid", comment_or_block_uid)
    return f"{services.answer_url(recipient)}#block-{uid}"


@login_required
@require_POST
def comment_add(request, round_pk, organisation_pk, block_uid):
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    block = get_object_or_404(
        SnapshotBlock,
        snapshot_id=recipient.consultation.snapshot_id or -1,
        uid=block_uid,
    )
    try:
        _writable(request, recipient, answer)
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    form = CommentForm(request.POST, snapshot_block=block, auto_id=f"id_block{block.pk}_%s")
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user, recipient=recipient, snapshot_block=block, **form.values()
            )
        except PermissionDenied as exc:
            return _refused(request, recipient, answer, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Synpunkten är sparad."))
            return redirect(_comment_url(recipient, block.uid))
    return _page(request, recipient, answer, comment_form=form, status=FORM_ERRORS_STATUS)


def _comment_context(recipient, answer, comment, form) -> dict:
    return {
        **_header(recipient, answer),
        "comment": comment,
        # Not "block": inside {% block %} the template context's `block` is Django's own.
        "target_block": comment.snapshot_block,
        "form": form,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request, round_pk, organisation_pk, comment_pk):
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    removed = _removed_comment(answer, comment_pk) if request.method == "POST" else None
    if removed is not None and not Comment.objects.filter(pk=comment_pk).exists():
        try:
            _writable(request, recipient, answer)
        except PermissionDenied as exc:
            return _refused(request, recipient, answer, exc)
        form = CommentForm(request.POST, snapshot_block=removed.snapshot_block)
        return _comment_conflict(request, recipient, answer, removed, None, form)
    comment = _comment_of(recipient, answer, comment_pk)
    try:
        _writable(request, recipient, answer)
        if not may_change_comment(request.user, comment, recipient):
            raise PermissionDenied(
                _("Du kan ändra och ta bort dina egna synpunkter; remissamordnaren alla.")
            )
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    if request.method != "POST":
        form = CommentForm.for_comment(comment)
        return render(
            request,
            "remiss/answer_comment_edit.html",
            _comment_context(recipient, answer, comment, form),
        )
    form = CommentForm(request.POST, snapshot_block=comment.snapshot_block)
    if form.is_valid() and form.cleaned_data["lock_version"] is not None:
        try:
            services.comment_change(
                actor=request.user,
                comment=comment,
                lock_version=form.cleaned_data["lock_version"],
                **form.values(),
            )
        except services.CommentConflict as conflict:
            return _comment_conflict(request, recipient, answer, comment, conflict.current, form)
        except PermissionDenied as exc:
            return _refused(request, recipient, answer, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Synpunkten är ändrad."))
            return redirect(_comment_url(recipient, comment))
    elif form.is_valid():
        form.add_error(None, _("Sidan är för gammal. Ladda om den och försök igen."))
    return render(
        request,
        "remiss/answer_comment_edit.html",
        _comment_context(recipient, answer, comment, form),
        status=FORM_ERRORS_STATUS,
    )


def _comment_conflict(request, recipient, answer, comment, current, form, *, removing=False):
    """Someone changed (or removed) the comment first. Their version beside mine; my text
    kept in a form that now carries their version, or, if removed, that adds it anew."""
    mine = form.mine() if form is not None else None
    resolve = None
    if current is not None:
        resolve = CommentForm.for_comment(current)
        if mine is not None:
            resolve.initial.update({k: v for k, v in mine.items()})
            resolve.initial["quote_start"] = None
    elif mine is not None:
        resolve = CommentForm(
            initial={**mine, "lock_version": None}, snapshot_block=comment.snapshot_block
        )
    return render(
        request,
        "remiss/answer_comment_conflict.html",
        {
            **_comment_context(recipient, answer, comment, resolve),
            "theirs": current,
            "removing": removing,
            "remove_form": VersionForm(initial={"lock_version": current.lock_version})
            if removing and current is not None
            else None,
        },
        status=CONFLICT_STATUS,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_remove(request, round_pk, organisation_pk, comment_pk):
    """GET asks first (works without JavaScript); POST removes."""
    recipient, answer = _answer_of(request, round_pk, organisation_pk)
    removed = _removed_comment(answer, comment_pk) if request.method == "POST" else None
    if removed is not None and not Comment.objects.filter(pk=comment_pk).exists():
        return _comment_conflict(request, recipient, answer, removed, None, None, removing=True)
    comment = _comment_of(recipient, answer, comment_pk)
    try:
        _writable(request, recipient, answer)
        if not may_change_comment(request.user, comment, recipient):
            raise PermissionDenied(
                _("Du kan ändra och ta bort dina egna synpunkter; remissamordnaren alla.")
            )
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    context = {
        **_comment_context(recipient, answer, comment, None),
        "remove_form": VersionForm(initial={"lock_version": comment.lock_version}),
    }
    if request.method != "POST":
        return render(request, "remiss/answer_comment_remove.html", context)
    form = VersionForm(request.POST)
    if not form.is_valid():
        context["remove_form"] = form
        return render(
            request, "remiss/answer_comment_remove.html", context, status=FORM_ERRORS_STATUS
        )
    try:
        services.comment_remove(
            actor=request.user, comment=comment, lock_version=form.cleaned_data["lock_version"]
        )
    except services.CommentConflict as conflict:
        return _comment_conflict(
            request, recipient, answer, comment, conflict.current, None, removing=True
        )
    except PermissionDenied as exc:
        return _refused(request, recipient, answer, exc)
    messages.success(request, _("Synpunkten är borttagen."))
    return redirect(_comment_url(recipient, comment))

"""An edition's page and its workflow steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import apply_validation_error

from .. import selectors, workflow
from ..completeness import check_edition
from ..panels import edition_panels
from ..permissions import may_edit_content
from ..workflow_forms import TransitionForm
from .common import _readable_edition, _support, edition_url


@login_required
def edition_detail(request, code, major, minor):
    support = _support(code)
    edition = _readable_edition(request, support, major, minor)
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
            "actions": workflow.available_actions(request.user, edition, problems=problems),
            "diagram": workflow.diagram(),
            "panels": edition_panels(request, edition),
        },
    )


@login_required
def edition_step(request, code, major, minor, name):
    """One workflow step: GET shows its form and any reasons it is refused, POST takes it."""
    support = _support(code)
    edition = _readable_edition(request, support, major, minor)
    transition = workflow.TRANSITIONS_BY_NAME.get(name)
    if transition is None:
        raise Http404
    needs_reason = transition.needs_reason(edition)
    extra_class = workflow.form_for(name)
    data = request.POST if request.method == "POST" else None
    form = TransitionForm(
        data, reason_required=needs_reason, initial={"lock_version": edition.lock_version}
    )
    files = request.FILES if request.method == "POST" else None
    extra = extra_class(data, files) if extra_class else None
    reasons = workflow.refusal_reasons(request.user, edition, transition, check_reason=False)
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
    # A form that plans the step for later (the publication) schedules it instead.
    planned_for = extra.planned_for() if hasattr(extra, "planned_for") else None
    if planned_for is not None:
        workflow.edition_schedule_publication(
            actor=request.user,
            edition=edition,
            lock_version=lock_version,
            publish_at=planned_for,
            next_review_date=extra.cleaned_data.get("next_review_date"),
        )
        messages.success(request, _("Publiceringen är planerad."))
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
    messages.success(
        request,
        _("Klart: versionen har nu status ”%(state)s”.") % {"state": moved.get_state_display()},
    )

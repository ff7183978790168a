"""The workflow of an edition, as data: the states (workflow_states.py), one table of
transitions, whose turn it is in each state, and one function, `edition_transition()`, that
every caller goes through.

The edition page draws its diagram from the same table, so what people see cannot drift from
what the code enforces. Everything a step does besides moving the state is a registered
effect, and everything that may refuse it besides the table is a registered guard: this app
registers its own (approval date, publication, withdrawal) in AuthoringConfig.ready() exactly
as the remiss app registers opening and closing a consultation."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from apps.accounts.permissions import has_role
from apps.accounts.selectors import users_with_role
from apps.core import audit
from apps.core.notifications import notify

from .completeness import check_edition
from .models import Block, Edition, EditionKind, EditionTransition, Support
from .workflow_states import EDITABLE_STATES
from .workflow_states import EditionState as S

AUTHOR, NPO_CHAIR, NATIONAL_EDITOR = "author", "npo_chair", "national_editor"

RECIPIENTS = "recipients"
ROLE_LABELS = {
    RECIPIENTS: _l("remissinstanserna"),
    AUTHOR: _l("skribent i programområdet"),
    NPO_CHAIR: _l("ordförande i programområdet"),
    NATIONAL_EDITOR: _l("nationell redaktör"),
}

# Leaving the authors' hands: the content must pass the completeness check first.
BACK_TO_AUTHORS = "back_to_authors"  # target: revision after a consultation, draft before


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str  # a state, or BACK_TO_AUTHORS
    actors: tuple[str, ...]
    reason_required: bool = False
    # Four eyes: whoever took that transition (the latest time) may not take this one.
    four_eyes_after: str | None = None
    checks_completeness: bool = False
    minor_only_from: frozenset = field(default_factory=frozenset)
    # Who else hears of the step besides whoever acts next (who always does): the
    # support's authors (AUTHOR) and the NPO's chairs (NPO_CHAIR).
    notify: tuple[str, ...] = ()
    # What happened, as the notification's title says it: "%(actor)s har skickat
    # %(edition)s till intern granskning". When the system takes the step (a periodic job),
    # `system_announcement` says it without a person.
    announcement: str = ""
    system_announcement: str = ""
    help: str = ""

    def needs_reason(self, edition) -> bool:
        """A reason is asked where the table says so, and when a minor edition skips the
        remiss (the record must say why none was needed)."""
        return self.reason_required or edition.state in self.minor_only_from

    def targets(self) -> tuple[str, ...]:
        return (S.DRAFT, S.REVISION) if self.target == BACK_TO_AUTHORS else (self.target,)

    @property
    def is_return(self) -> bool:
        """Sent back to the authors with a reason they must act on."""
        return self.reason_required and set(self.targets()) <= EDITABLE_STATES


_SENT_BACK = _l("%(actor)s har skickat tillbaka %(edition)s för ändringar")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit_for_review",
        _l("Skicka till intern granskning"),
        frozenset({S.DRAFT}),
        S.INTERNAL_REVIEW,
        (AUTHOR,),
        checks_completeness=True,
        announcement=_l("%(actor)s har skickat %(edition)s till intern granskning"),
        help=_l("Ordföranden i programområdet granskar texten innan den går på remiss."),
    ),
    Transition(
        "approve_for_consultation",
        _l("Godkänn för remiss"),
        frozenset({S.INTERNAL_REVIEW}),
        S.READY_FOR_CONSULTATION,
        (NPO_CHAIR,),
        four_eyes_after="submit_for_review",
        notify=(AUTHOR,),
        announcement=_l("%(actor)s har godkänt %(edition)s för remiss"),
    ),
    Transition(
        "return_from_internal_review",
        _l("Skicka tillbaka för ändringar"),
        frozenset({S.INTERNAL_REVIEW}),
        S.DRAFT,
        (NPO_CHAIR,),
        reason_required=True,
        announcement=_SENT_BACK,
    ),
    Transition(
        "return_before_consultation",
        _l("Skicka tillbaka för ändringar"),
        frozenset({S.READY_FOR_CONSULTATION}),
        S.DRAFT,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=(NPO_CHAIR,),
        announcement=_SENT_BACK,
    ),
    Transition(
        "open_consultation",
        _l("Skicka på remiss"),
        frozenset({S.READY_FOR_CONSULTATION}),
        S.IN_CONSULTATION,
        (NATIONAL_EDITOR,),
        notify=(AUTHOR, NPO_CHAIR),
        announcement=_l("%(actor)s har skickat %(edition)s på remiss"),
        help=_l("Välj remiss eller synpunktsinhämtning, mottagare och sista svarsdag."),
    ),
    Transition(
        "close_consultation",
        _l("Stäng remissen"),
        frozenset({S.IN_CONSULTATION}),
        S.REVISION,
        (NATIONAL_EDITOR,),
        notify=(NPO_CHAIR,),
        announcement=_l("%(actor)s har stängt remissen av %(edition)s"),
        system_announcement=_l("Remissen av %(edition)s har stängts efter sista svarsdag"),
        help=_l("Stängs också automatiskt efter sista svarsdag."),
    ),
    Transition(
        "submit_for_approval",
        _l("Skicka för NPO-godkännande"),
        frozenset({S.REVISION, S.DRAFT}),
        S.AWAITING_NPO_APPROVAL,
        (AUTHOR,),
        checks_completeness=True,
        minor_only_from=frozenset({S.DRAFT}),
        announcement=_l("%(actor)s har skickat %(edition)s för NPO-godkännande"),
        help=_l(
            "Från utkast bara för en delversion, med motivering till varför remiss inte behövs."
        ),
    ),
    Transition(
        "npo_approve",
        _l("Godkänn medicinskt (NPO)"),
        frozenset({S.AWAITING_NPO_APPROVAL}),
        S.EDITORIAL_REVIEW,
        (NPO_CHAIR,),
        four_eyes_after="submit_for_approval",
        notify=(AUTHOR,),
        announcement=_l("%(actor)s har godkänt %(edition)s medicinskt"),
    ),
    Transition(
        "return_from_npo_approval",
        _l("Skicka tillbaka för ändringar"),
        frozenset({S.AWAITING_NPO_APPROVAL}),
        BACK_TO_AUTHORS,
        (NPO_CHAIR,),
        reason_required=True,
        announcement=_SENT_BACK,
    ),
    Transition(
        "editorial_approve",
        _l("Godkänn redaktionellt"),
        frozenset({S.EDITORIAL_REVIEW}),
        S.APPROVED,
        (NATIONAL_EDITOR,),
        four_eyes_after="npo_approve",
        notify=(AUTHOR, NPO_CHAIR),
        announcement=_l("%(actor)s har godkänt %(edition)s redaktionellt"),
    ),
    Transition(
        "return_from_editorial_review",
        _l("Skicka tillbaka för ändringar"),
        frozenset({S.EDITORIAL_REVIEW, S.APPROVED}),
        BACK_TO_AUTHORS,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=(NPO_CHAIR,),
        announcement=_SENT_BACK,
    ),
    Transition(
        "publish",
        _l("Publicera"),
        frozenset({S.APPROVED}),
        S.PUBLISHED,
        (NATIONAL_EDITOR,),
        notify=(AUTHOR, NPO_CHAIR),
        announcement=_l("%(actor)s har publicerat %(edition)s"),
        system_announcement=_l("%(edition)s har publicerats enligt planen"),
        help=_l("Nu eller vid en vald tidpunkt. Den tidigare publicerade versionen ersätts."),
    ),
    Transition(
        "withdraw",
        _l("Avpublicera"),
        frozenset({S.PUBLISHED}),
        S.WITHDRAWN,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=(AUTHOR, NPO_CHAIR),
        announcement=_l("%(actor)s har avpublicerat %(edition)s"),
    ),
    Transition(
        "abandon",
        _l("Avbryt versionen"),
        frozenset(
            {
                S.DRAFT,
                S.INTERNAL_REVIEW,
                S.READY_FOR_CONSULTATION,
                S.IN_CONSULTATION,
                S.REVISION,
                S.AWAITING_NPO_APPROVAL,
                S.EDITORIAL_REVIEW,
                S.APPROVED,
            }
        ),
        S.ABANDONED,
        (AUTHOR, NATIONAL_EDITOR),
        reason_required=True,
        notify=(AUTHOR, NPO_CHAIR),
        announcement=_l("%(actor)s har avbrutit arbetet med %(edition)s"),
    ),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}

# The steps the periodic jobs take for the system (actor None).
SYSTEM_TRANSITIONS = frozenset({"close_consultation", "publish"})


@dataclass(frozen=True)
class Turn:
    """Whose turn it is while an edition is in a state, and what they are asked to do."""

    actor: str
    task: str  # the line in Mina uppgifter
    expectation: str  # to the one whose turn it is, in a notification
    meanwhile: str  # to everyone else told of the step


TURNS: dict[str, Turn] = {
    S.DRAFT: Turn(
        AUTHOR,
        _l("Skriv klart och skicka vidare"),
        _l("Skriv klart texten och skicka den till intern granskning."),
        _l("Nu arbetar skribenterna med texten."),
    ),
    S.INTERNAL_REVIEW: Turn(
        NPO_CHAIR,
        _l("Granska och godkänn för remiss"),
        _l(
            "Granska texten och godkänn den för remiss eller skicka tillbaka den med en motivering."
        ),
        _l("Nu granskar ordföranden i programområdet texten."),
    ),
    S.READY_FOR_CONSULTATION: Turn(
        NATIONAL_EDITOR,
        _l("Skicka på remiss"),
        _l("Välj mottagare och sista svarsdag och skicka versionen på remiss."),
        _l("Nu förbereder en nationell redaktör remissen."),
    ),
    S.IN_CONSULTATION: Turn(
        RECIPIENTS,
        _l("Svara på remissen"),
        _l("Samla synpunkterna och skicka in svaret senast sista svarsdag."),
        _l(
            "Nu läser remissinstanserna texten. När remissen har stängts bearbetar skribenterna den."
        ),
    ),
    S.REVISION: Turn(
        AUTHOR,
        _l("Bearbeta efter remissen och skicka för godkännande"),
        _l("Gå igenom remissvaren, bearbeta texten och skicka den för NPO-godkännande."),
        _l("Nu bearbetar skribenterna texten efter remissen."),
    ),
    S.AWAITING_NPO_APPROVAL: Turn(
        NPO_CHAIR,
        _l("Godkänn medicinskt"),
        _l(
            "Granska texten och godkänn den medicinskt eller skicka tillbaka den med en motivering."
        ),
        _l("Nu väntar versionen på medicinskt godkännande av ordföranden i programområdet."),
    ),
    S.EDITORIAL_REVIEW: Turn(
        NATIONAL_EDITOR,
        _l("Granska redaktionellt"),
        _l(
            "Granska texten redaktionellt och godkänn den för publicering eller skicka tillbaka "
            "den med en motivering."
        ),
        _l("Nu granskar en nationell redaktör texten redaktionellt."),
    ),
    S.APPROVED: Turn(
        NATIONAL_EDITOR,
        _l("Publicera"),
        _l("Publicera versionen nu eller välj när den ska publiceras."),
        _l("Nu väntar versionen på att en nationell redaktör publicerar den."),
    ),
}
# Who acts next in each state, for the diagram and the notifications.
NEXT_ACTOR = {state: turn.actor for state, turn in TURNS.items()}
# Where no one acts any more: what the step meant, for those told of it.
OUTCOMES = {
    S.PUBLISHED: _l("Versionen är nu den som läsarna ser."),
    S.SUPERSEDED: _l("En nyare version har ersatt den."),
    S.WITHDRAWN: _l("Läsarna ser inte längre versionen."),
    S.ABANDONED: _l("Versionen kommer inte att publiceras."),
}
# A returned edition: the authors' task and notification carry the reason.
RETURNED_TASK = _l("Ändra efter motiveringen och skicka vidare: ”%(reason)s”")
RETURNED_EXPECTATION = _l("Ändra texten efter motiveringen och skicka den vidare igen.")


def task_of(state: str, *, returned_because: str = "") -> str:
    """What the one whose turn it is should do, as Mina uppgifter says it."""
    if returned_because:
        return str(RETURNED_TASK % {"reason": returned_because})
    return str(TURNS[state].task)


class TransitionRefused(Exception):
    """The transition is not allowed now; `reasons` say why, in Swedish."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = reasons


class TransitionConflict(Exception):
    """The edition changed since the caller's page was drawn (stale lock_version)."""


def diagram() -> list[dict]:
    """The process as the edition page draws it: every state with the transitions that leave
    it, straight from TRANSITIONS (a test checks the drawing against the table)."""
    return [
        {
            "state": state.value,
            "label": state.label,
            "next_actor": ROLE_LABELS.get(NEXT_ACTOR.get(state), ""),
            "editable": state in EDITABLE_STATES,
            "outgoing": [
                {"transition": t, "targets": [S(target) for target in t.targets()]}
                for t in TRANSITIONS
                if state in t.sources
            ],
        }
        for state in S
    ]


# ---------------------------------------------------------------- registries

# guard(*, edition, transition, actor, data) -> reasons to refuse, in Swedish (empty: no
# objection). Asked when the edition page draws its buttons (data is then empty) and again
# under the row lock when the step is taken.
Guard = Callable[..., list[str]]
# effect(*, edition, actor, data, record) runs inside the step's transaction, after the step
# is recorded (`record`) and before the edition is saved: it changes the edition in memory
# and the one save afterwards keeps every field it changed. If it raises, the whole step is
# rolled back.
Effect = Callable[..., object]
_GUARDS: dict[str, list[Guard]] = {}
_EFFECTS: dict[str, list[Effect]] = {}
_FORMS: dict[str, type] = {}


def _known(transition_name: str) -> None:
    if transition_name not in TRANSITIONS_BY_NAME:
        raise ValueError(f"no transition named {transition_name!r}")


def register_guard(transition_name: str, guard: Guard) -> None:
    _known(transition_name)
    _GUARDS.setdefault(transition_name, []).append(guard)


def register_effect(transition_name: str, effect: Effect) -> None:
    """Effects run in the order they were registered: the authoring app's own first."""
    _known(transition_name)
    _EFFECTS.setdefault(transition_name, []).append(effect)


def register_form(transition_name: str, form_class: type) -> None:
    """The form of extra fields a transition needs (recipients and closing date, say). Its
    `transition_data()` gives the step's `data`; a form may also offer `planned_for()`, a
    time in the future at which the step is to be taken instead of now."""
    _known(transition_name)
    _FORMS[transition_name] = form_class


def guards_for(transition_name: str) -> tuple[Guard, ...]:
    return tuple(_GUARDS.get(transition_name, ()))


def effects_for(transition_name: str) -> tuple[Effect, ...]:
    return tuple(_EFFECTS.get(transition_name, ()))


def form_for(transition_name: str):
    return _FORMS.get(transition_name)


@contextmanager
def registered_guard(transition_name: str, guard: Guard) -> Iterator[Guard]:
    """A guard for the length of a `with` block (tests, a maintenance script)."""
    register_guard(transition_name, guard)
    try:
        yield guard
    finally:
        _GUARDS[transition_name].remove(guard)


@contextmanager
def registered_effect(transition_name: str, effect: Effect) -> Iterator[Effect]:
    """An effect for the length of a `with` block, run after the registered ones."""
    register_effect(transition_name, effect)
    try:
        yield effect
    finally:
        _EFFECTS[transition_name].remove(effect)


# ---------------------------------------------------------------- checking


def _actor_roles(transition: Transition) -> str:
    return " eller ".join(str(ROLE_LABELS[r]) for r in transition.actors)


def holds_actor_role(user, edition: Edition, transition: Transition) -> bool:
    if user is None:  # the periodic command acts for the system
        return transition.name in SYSTEM_TRANSITIONS
    for role in transition.actors:
        scope = None if role == NATIONAL_EDITOR else edition.support.programme_area
        if has_role(user, role, scope):
            return True
    return False


def _latest_actor_id(edition: Edition, transition_name: str):
    return (
        EditionTransition.objects.filter(edition=edition, name=transition_name)
        .order_by("-created_at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )


def refusal_reasons(
    user,
    edition: Edition,
    transition: Transition,
    data: dict | None = None,
    *,
    check_reason: bool = True,
    problems: list | None = None,
) -> list[str]:
    """Every reason this user may not take this transition now; empty when allowed.

    `check_reason=False` leaves out the missing reason, for pages drawn before anyone could
    type one. `problems` is the completeness check's result when the caller already has it
    (the edition page shows it anyway), so that it is not run twice. The registered guards
    are always asked, once the table's own rules let the step through."""
    data = data or {}
    reasons = []
    if edition.state not in transition.sources:
        reasons.append(
            _("Versionen har status ”%(state)s”; det här steget görs från %(sources)s.")
            % {
                "state": edition.get_state_display(),
                "sources": ", ".join(f"”{S(s).label}”" for s in sorted(transition.sources)),
            }
        )
    if not holds_actor_role(user, edition, transition):
        reasons.append(_("Steget görs av %(roles)s.") % {"roles": _actor_roles(transition)})
    if edition.state in transition.minor_only_from and edition.kind != EditionKind.MINOR:
        reasons.append(
            _("En huvudversion måste gå på remiss; bara en delversion kan skickas direkt.")
        )
    if (
        transition.four_eyes_after
        and user is not None
        and _latest_actor_id(edition, transition.four_eyes_after) == user.pk
    ):
        reasons.append(
            _(
                "Fyra ögon: du skickade själv versionen till det här steget och kan inte godkänna det."
            )
        )
    if (
        check_reason
        and transition.needs_reason(edition)
        and not (data.get("comment") or "").strip()
    ):
        reasons.append(_("Ange en motivering."))
    if reasons:
        return reasons
    if transition.checks_completeness:
        if problems is None:
            problems = check_edition(edition)
        if problems:
            reasons.append(
                _("Kontrollen inför inskick har %(count)s punkter som inte är uppfyllda.")
                % {"count": len(problems)}
            )
    for guard in guards_for(transition.name):
        reasons.extend(guard(edition=edition, transition=transition, actor=user, data=data))
    return reasons


def available_actions(
    user, edition: Edition, *, problems: list | None = None
) -> list[tuple[Transition, list[str]]]:
    """The transitions from the edition's state, each with its reasons to refuse (if any),
    for the edition page: what this user may do now, and why not otherwise. The registered
    guards are asked too, so that a step they refuse is greyed with their reasons."""
    return [
        (t, refusal_reasons(user, edition, t, check_reason=False, problems=problems))
        for t in TRANSITIONS
        if edition.state in t.sources
    ]


# ---------------------------------------------------------------- the one function


def _target_state(edition: Edition, transition: Transition) -> str:
    if transition.target != BACK_TO_AUTHORS:
        return transition.target
    consulted = EditionTransition.objects.filter(
        edition=edition, to_state=S.IN_CONSULTATION
    ).exists()
    return S.REVISION if consulted else S.DRAFT


def _field_values(edition: Edition) -> dict[str, object]:
    return {f.name: getattr(edition, f.attname) for f in Edition._meta.concrete_fields}


def edition_transition(
    *,
    actor,
    edition: Edition,
    name: str,
    lock_version: int,
    comment: str = "",
    data: dict | None = None,
) -> Edition:
    """Move an edition along one row of the table. Permission, four eyes and guards are
    checked under a row lock; the state change, the transition record, the effects, the
    audit entry and the notifications commit together or not at all.

    The edition is saved once, after the effects: the database freezes a published edition
    from the moment it is saved as published, and allows one published edition per support
    (so the edition it replaces is superseded by an effect first)."""
    try:
        transition = TRANSITIONS_BY_NAME[name]
    except KeyError as exc:
        raise ValidationError(_("Okänt steg i arbetsflödet.")) from exc
    data = {**(data or {}), "comment": comment}
    if actor is not None and not holds_actor_role(actor, edition, transition):
        raise PermissionDenied(_("Steget görs av %(roles)s.") % {"roles": _actor_roles(transition)})
    with transaction.atomic():
        locked = (
            Edition.objects.select_for_update()
            .select_related("support", "support__programme_area")
            .get(pk=edition.pk)
        )
        if locked.lock_version != lock_version:
            raise TransitionConflict(
                _("Versionen har ändrats sedan sidan visades. Ladda om och försök igen.")
            )
        reasons = refusal_reasons(actor, locked, transition, data)
        if reasons:
            raise TransitionRefused(reasons)
        from_state = locked.state
        to_state = _target_state(locked, transition)
        record = EditionTransition.objects.create(
            edition=locked,
            name=name,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            comment=comment,
            data={k: v for k, v in data.items() if k != "comment" and _jsonable(v)},
        )
        before = _field_values(locked)
        locked.state = to_state
        locked.state_changed_at = record.created_at
        locked.lock_version += 1
        for effect in effects_for(name):
            effect(edition=locked, actor=actor, data=data, record=record)
        after = _field_values(locked)
        locked.save(update_fields=[f for f, value in after.items() if value != before[f]])
        audit.record(
            actor=actor,
            action=f"edition.{name}",
            obj=locked,
            scope=locked.support.programme_area.name,
            details={
                "from": str(S(from_state).label),
                "to": str(S(to_state).label),
                **({"comment": comment} if comment else {}),
            },
        )
        _notify(locked, transition, record)
    return locked


def _jsonable(value) -> bool:
    return isinstance(value, str | int | float | bool | list | dict) or value is None


def edition_schedule_publication(
    *, actor, edition: Edition, lock_version: int, publish_at, next_review_date=None
) -> Edition:
    """Set (or move) the time an approved edition is published by `run_scheduled`. Whatever
    would refuse the publication now (the table, the registered guards) refuses the plan."""
    transition = TRANSITIONS_BY_NAME["publish"]
    with transaction.atomic():
        locked = (
            Edition.objects.select_for_update()
            .select_related("support", "support__programme_area")
            .get(pk=edition.pk)
        )
        if locked.lock_version != lock_version:
            raise TransitionConflict(
                _("Versionen har ändrats sedan sidan visades. Ladda om och försök igen.")
            )
        reasons = refusal_reasons(actor, locked, transition, check_reason=False)
        if reasons:
            raise TransitionRefused(reasons)
        if publish_at <= timezone.now():
            raise TransitionRefused([_("Tidpunkten för publicering måste ligga i framtiden.")])
        locked.scheduled_publish_at = publish_at
        if next_review_date:
            locked.next_review_date = next_review_date
        locked.lock_version += 1
        locked.save(update_fields=["scheduled_publish_at", "next_review_date", "lock_version"])
        audit.record(
            actor=actor,
            action="edition.publish_scheduled",
            obj=locked,
            scope=locked.support.programme_area.name,
            details={"to": timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M")},
        )
    return locked


# ---------------------------------------------------------------- notifications

NOTIFICATION_KINDS = {
    "workflow.task": _l("Något väntar på mig i arbetsflödet"),
    "workflow.returned": _l("Min version har skickats tillbaka"),
    "workflow.progress": _l("Min version har gått vidare (godkänd, på remiss, publicerad)"),
}
NOTHING_TO_DO = _l("Du behöver inte göra något nu.")


def authors_of(support: Support):
    """The people who write this support: holders of the author role in its NPO who created
    it, started one of its editions, or saved in it (a block of any edition, the support's
    own fields). Not every author of the NPO: a step concerns the people of its support.
    One query."""
    historical_block = Block.history.model
    historical_support = Support.history.model
    touched = (
        Q(pk=support.created_by_id)
        | Q(pk__in=Edition.objects.filter(support_id=support.pk).values("created_by_id"))
        | Q(
            pk__in=historical_block.objects.filter(edition__support_id=support.pk).values(
                "history_user_id"
            )
        )
        | Q(pk__in=historical_support.objects.filter(id=support.pk).values("history_user_id"))
    )
    return users_with_role(role=AUTHOR, scopes=[support.programme_area_id]).filter(touched)


def _people(edition: Edition, role: str):
    if role == AUTHOR:
        return authors_of(edition.support)
    if role == NPO_CHAIR:
        return users_with_role(role=NPO_CHAIR, scopes=[edition.support.programme_area_id])
    if role == NATIONAL_EDITOR:
        return users_with_role(role=NATIONAL_EDITOR)
    return []  # the recipients of a remiss are told by the remiss app


# When one person is reached in several roles, the most pressing kind wins.
_KIND_PRIORITY = {"workflow.task": 0, "workflow.returned": 1, "workflow.progress": 2}


def _title(edition: Edition, transition: Transition, record: EditionTransition) -> str:
    if record.actor is None:
        return str(transition.system_announcement % {"edition": edition})
    return str(transition.announcement % {"actor": record.actor, "edition": edition})


def _body(kind: str, transition: Transition, record: EditionTransition) -> str:
    lines = []
    if record.comment and record.actor is not None:
        reasoned = transition.reason_required or record.from_state in transition.minor_only_from
        label = _("Motivering") if reasoned else _("Kommentar")
        lines.append(f"{label}: ”{record.comment}”")
    turn = TURNS.get(record.to_state)
    if kind == "workflow.returned":
        lines.append(str(RETURNED_EXPECTATION))
    elif kind == "workflow.task":
        lines.append(str(turn.expectation))
    else:
        news = turn.meanwhile if turn else OUTCOMES.get(record.to_state, "")
        lines.append(" ".join(str(text) for text in (news, NOTHING_TO_DO) if text))
    return "\n\n".join(lines)


def _notify(edition: Edition, transition: Transition, record: EditionTransition) -> None:
    """Tell the people of this support (its authors, the NPO's chairs) and whoever acts
    next what happened and what is expected of each; never the one who took the step.
    One query per role told, however many people."""
    next_role = NEXT_ACTOR.get(record.to_state)
    roles = [*transition.notify, *([next_role] if next_role not in transition.notify else [])]
    chosen: dict[int, tuple] = {}
    for role in roles:
        if transition.is_return and role == AUTHOR:
            kind = "workflow.returned"
        elif role == next_role:
            kind = "workflow.task"
        else:
            kind = "workflow.progress"
        for user in _people(edition, role):
            if user.pk == record.actor_id:
                continue
            current = chosen.get(user.pk)
            if current is None or _KIND_PRIORITY[kind] < _KIND_PRIORITY[current[1]]:
                chosen[user.pk] = (user, kind)
    by_kind: dict[str, list] = {}
    for user, kind in chosen.values():
        by_kind.setdefault(kind, []).append(user)
    title = _title(edition, transition, record)
    for kind, users in by_kind.items():
        notify(
            recipients=users,
            kind=kind,
            title=title,
            body=_body(kind, transition, record),
            url=edition.get_absolute_url(),
        )

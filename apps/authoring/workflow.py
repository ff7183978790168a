"""The workflow of an edition, as data: the states (workflow_states.py), one table of
transitions, and one function, `edition_transition()`, that every caller goes through.

The edition page draws its diagram from the same table, so what people see cannot drift from
what the code enforces. Other apps take part through the registries at the bottom: the remiss
app adds guards ("every comment has a response") and the side effects of opening and closing
a consultation; each registers from its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import has_role
from apps.core import audit
from apps.core.notifications import notify

from .completeness import check_edition
from .models import Edition, EditionKind, EditionTransition, Support
from .workflow_states import EditionState as S

AUTHOR, NPO_CHAIR, NATIONAL_EDITOR = "author", "npo_chair", "national_editor"

RECIPIENTS = "recipients"
ROLE_LABELS = {
    RECIPIENTS: "remissinstanserna",
    AUTHOR: "skribent i programområdet",
    NPO_CHAIR: "ordförande i programområdet",
    NATIONAL_EDITOR: "nationell redaktör",
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
    # Whom to tell afterwards: "authors", "npo_chairs", "national_editors".
    notify: tuple[str, ...] = ()
    help: str = ""

    def needs_reason(self, edition) -> bool:
        """A reason is asked where the table says so, and when a minor edition skips the
        remiss (the record must say why none was needed)."""
        return self.reason_required or edition.state in self.minor_only_from

    def targets(self) -> tuple[str, ...]:
        return (S.DRAFT, S.REVISION) if self.target == BACK_TO_AUTHORS else (self.target,)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit_for_review",
        "Skicka till intern granskning",
        frozenset({S.DRAFT}),
        S.INTERNAL_REVIEW,
        (AUTHOR,),
        checks_completeness=True,
        notify=("npo_chairs",),
        help="Ordföranden i programområdet granskar texten innan den går på remiss.",
    ),
    Transition(
        "approve_for_consultation",
        "Godkänn för remiss",
        frozenset({S.INTERNAL_REVIEW}),
        S.READY_FOR_CONSULTATION,
        (NPO_CHAIR,),
        four_eyes_after="submit_for_review",
        notify=("national_editors", "authors"),
    ),
    Transition(
        "return_from_internal_review",
        "Skicka tillbaka för ändringar",
        frozenset({S.INTERNAL_REVIEW}),
        S.DRAFT,
        (NPO_CHAIR,),
        reason_required=True,
        notify=("authors",),
    ),
    Transition(
        "return_before_consultation",
        "Skicka tillbaka för ändringar",
        frozenset({S.READY_FOR_CONSULTATION}),
        S.DRAFT,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=("authors", "npo_chairs"),
    ),
    Transition(
        "open_consultation",
        "Skicka på remiss",
        frozenset({S.READY_FOR_CONSULTATION}),
        S.IN_CONSULTATION,
        (NATIONAL_EDITOR,),
        notify=("authors", "npo_chairs"),
        help="Välj remiss eller synpunktsinhämtning, mottagare och sista svarsdag.",
    ),
    Transition(
        "close_consultation",
        "Stäng remissen",
        frozenset({S.IN_CONSULTATION}),
        S.REVISION,
        (NATIONAL_EDITOR,),
        notify=("authors",),
        help="Stängs också automatiskt efter sista svarsdag.",
    ),
    Transition(
        "submit_for_approval",
        "Skicka för NPO-godkännande",
        frozenset({S.REVISION, S.DRAFT}),
        S.AWAITING_NPO_APPROVAL,
        (AUTHOR,),
        checks_completeness=True,
        minor_only_from=frozenset({S.DRAFT}),
        notify=("npo_chairs",),
        help="Från utkast bara för en delversion, med motivering till varför remiss inte behövs.",
    ),
    Transition(
        "npo_approve",
        "Godkänn medicinskt (NPO)",
        frozenset({S.AWAITING_NPO_APPROVAL}),
        S.EDITORIAL_REVIEW,
        (NPO_CHAIR,),
        four_eyes_after="submit_for_approval",
        notify=("national_editors", "authors"),
    ),
    Transition(
        "return_from_npo_approval",
        "Skicka tillbaka för ändringar",
        frozenset({S.AWAITING_NPO_APPROVAL}),
        BACK_TO_AUTHORS,
        (NPO_CHAIR,),
        reason_required=True,
        notify=("authors",),
    ),
    Transition(
        "editorial_approve",
        "Godkänn redaktionellt",
        frozenset({S.EDITORIAL_REVIEW}),
        S.APPROVED,
        (NATIONAL_EDITOR,),
        four_eyes_after="npo_approve",
        notify=("authors", "npo_chairs", "national_editors"),
    ),
    Transition(
        "return_from_editorial_review",
        "Skicka tillbaka för ändringar",
        frozenset({S.EDITORIAL_REVIEW, S.APPROVED}),
        BACK_TO_AUTHORS,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=("authors", "npo_chairs"),
    ),
    Transition(
        "publish",
        "Publicera",
        frozenset({S.APPROVED}),
        S.PUBLISHED,
        (NATIONAL_EDITOR,),
        notify=("authors", "npo_chairs"),
        help="Nu eller vid en vald tidpunkt. Den tidigare publicerade versionen ersätts.",
    ),
    Transition(
        "withdraw",
        "Avpublicera",
        frozenset({S.PUBLISHED}),
        S.WITHDRAWN,
        (NATIONAL_EDITOR,),
        reason_required=True,
        notify=("authors", "npo_chairs"),
    ),
    Transition(
        "abandon",
        "Avbryt versionen",
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
        notify=("authors", "npo_chairs"),
    ),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}

# Who acts next in each state (the table of the issue), for Mina uppgifter and the diagram.
NEXT_ACTOR = {
    S.DRAFT: AUTHOR,
    S.INTERNAL_REVIEW: NPO_CHAIR,
    S.READY_FOR_CONSULTATION: NATIONAL_EDITOR,
    S.IN_CONSULTATION: RECIPIENTS,
    S.REVISION: AUTHOR,
    S.AWAITING_NPO_APPROVAL: NPO_CHAIR,
    S.EDITORIAL_REVIEW: NATIONAL_EDITOR,
    S.APPROVED: NATIONAL_EDITOR,
}


class TransitionRefused(Exception):
    """The transition is not allowed now; `reasons` say why, in Swedish."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class TransitionConflict(Exception):
    """The edition changed since the caller's page was drawn (stale lock_version)."""


def diagram() -> list[dict]:
    """The process as the edition page draws it: every state with the transitions that leave
    it, straight from TRANSITIONS (a test checks the drawing against the table)."""
    from .workflow_states import EDITABLE_STATES

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

Guard = Callable[[Edition, Transition, dict], list[str]]
Effect = Callable[..., None]
_GUARDS: dict[str, list[Guard]] = {}
_EFFECTS: dict[str, list[Effect]] = {}
_FORMS: dict[str, type] = {}


def register_guard(transition_name: str, guard: Guard) -> None:
    """`guard(edition, transition, data)` returns reasons to refuse (empty: no objection)."""
    _GUARDS.setdefault(transition_name, []).append(guard)


def register_effect(transition_name: str, effect: Effect) -> None:
    """`effect(edition=, actor=, data=)` runs inside the transition's transaction: if it
    raises, the whole transition is rolled back."""
    _EFFECTS.setdefault(transition_name, []).append(effect)


def register_form(transition_name: str, form_class: type) -> None:
    """The form of extra fields a transition needs (recipients and closing date, say)."""
    _FORMS[transition_name] = form_class


def form_for(transition_name: str):
    return _FORMS.get(transition_name)


# ---------------------------------------------------------------- checking


def holds_actor_role(user, edition: Edition, transition: Transition) -> bool:
    if user is None:  # the periodic command acts for the system
        return transition.name in SYSTEM_TRANSITIONS
    for role in transition.actors:
        scope = None if role == NATIONAL_EDITOR else edition.support.programme_area
        if has_role(user, role, scope):
            return True
    return False


SYSTEM_TRANSITIONS = frozenset({"close_consultation", "publish"})


def _latest_actor_id(edition: Edition, transition_name: str):
    record = (
        EditionTransition.objects.filter(edition=edition, name=transition_name)
        .order_by("-created_at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return record


def refusal_reasons(
    user, edition: Edition, transition: Transition, data: dict | None = None, *, content=True
) -> list[str]:
    """Every reason this user may not take this transition now; empty when allowed.
    `content=False` skips the content checks (completeness and registered guards), for
    drawing the page cheaply; the real transition always runs them."""
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
        reasons.append(
            _("Steget görs av %(roles)s.")
            % {"roles": " eller ".join(ROLE_LABELS[r] for r in transition.actors)}
        )
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
    needs_reason = transition.needs_reason(edition)
    if (
        needs_reason
        and data.get("_check_comment", True)
        and not (data.get("comment") or "").strip()
    ):
        reasons.append(_("Ange en motivering."))
    if content and not reasons:
        if transition.checks_completeness:
            problems = check_edition(edition)
            if problems:
                reasons.append(
                    _("Kontrollen inför inskick har %(count)s punkter som inte är uppfyllda.")
                    % {"count": len(problems)}
                )
        for guard in _GUARDS.get(transition.name, []):
            reasons.extend(guard(edition, transition, data))
    return reasons


def available_actions(user, edition: Edition) -> list[tuple[Transition, list[str]]]:
    """The transitions from the edition's state, each with its reasons to refuse (if any),
    for the edition page: what this user may do now, and why not otherwise."""
    return [
        (t, refusal_reasons(user, edition, t, {"_check_comment": False}))
        for t in TRANSITIONS
        if edition.state in t.sources
    ]


# ---------------------------------------------------------------- the one function


def _target_state(edition: Edition, transition: Transition) -> str:
    if transition.target != BACK_TO_AUTHORS:
        return transition.target
    consulted = EditionTransition.objects.filter(edition=edition, name="open_consultation").exists()
    return S.REVISION if consulted else S.DRAFT


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
    checked under a row lock; the state change, the transition record, the audit entry,
    the side effects and the notifications commit together or not at all."""
    try:
        transition = TRANSITIONS_BY_NAME[name]
    except KeyError as exc:
        raise ValidationError(_("Okänt steg i arbetsflödet.")) from exc
    # Keys starting with "_" steer the checks internally; a caller cannot pass them.
    data = {k: v for k, v in (data or {}).items() if not k.startswith("_")}
    data["comment"] = comment
    if actor is not None and not holds_actor_role(actor, edition, transition):
        raise PermissionDenied(
            _("Steget görs av %(roles)s.")
            % {"roles": " eller ".join(ROLE_LABELS[r] for r in transition.actors)}
        )
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
        now = timezone.now()
        locked.state = to_state
        locked.state_changed_at = now
        locked.lock_version += 1
        fields = ["state", "state_changed_at", "lock_version"]
        if from_state == S.APPROVED and name != "publish" and locked.scheduled_publish_at:
            # A planned publication belongs to this approval; leaving it cancels the plan.
            locked.scheduled_publish_at = None
            fields.append("scheduled_publish_at")
        if name == "editorial_approve":
            locked.approved_at = now
            fields.append("approved_at")
        if name == "publish":
            fields += _publish(locked, now, data)
        if name == "withdraw":
            Support.objects.filter(pk=locked.support_id, current_published_edition=locked).update(
                current_published_edition=None
            )
        locked.save(update_fields=fields)
        record = EditionTransition.objects.create(
            edition=locked,
            name=name,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            comment=comment,
            data={k: v for k, v in data.items() if k != "comment" and _jsonable(v)},
        )
        for effect in _EFFECTS.get(name, []):
            effect(edition=locked, actor=actor, data=data)
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


def _publish(edition: Edition, now, data: dict) -> list[str]:
    """The previously published edition becomes superseded in the same transaction."""
    previous = (
        Edition.objects.select_for_update()
        .filter(support_id=edition.support_id, state=S.PUBLISHED)
        .exclude(pk=edition.pk)
    )
    for old in previous:
        old.state = S.SUPERSEDED
        old.state_changed_at = now
        old.lock_version += 1
        old.save(update_fields=["state", "state_changed_at", "lock_version"])
        EditionTransition.objects.create(
            edition=old,
            name="supersede",
            from_state=S.PUBLISHED,
            to_state=S.SUPERSEDED,
            actor=None,
            comment=f"Ersatt av version {edition.number}.",
        )
    edition.published_at = now
    edition.scheduled_publish_at = None
    fields = ["published_at", "scheduled_publish_at"]
    if data.get("next_review_date"):
        edition.next_review_date = date.fromisoformat(str(data["next_review_date"]))
        fields.append("next_review_date")
    if edition.kind == EditionKind.MAJOR or edition.last_substantive_change_at is None:
        edition.last_substantive_change_at = now
        fields.append("last_substantive_change_at")
    Support.objects.filter(pk=edition.support_id).update(
        current_published_edition=edition, working_edition=None
    )
    return fields


def edition_schedule_publication(
    *, actor, edition: Edition, lock_version: int, publish_at, next_review_date=None
) -> Edition:
    """Set (or move) the time an approved edition is published by `run_scheduled`."""
    transition = TRANSITIONS_BY_NAME["publish"]
    with transaction.atomic():
        locked = Edition.objects.select_for_update().select_related("support").get(pk=edition.pk)
        if locked.lock_version != lock_version:
            raise TransitionConflict(
                _("Versionen har ändrats sedan sidan visades. Ladda om och försök igen.")
            )
        reasons = refusal_reasons(actor, locked, transition, {}, content=False)
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
    "workflow.task": "Något väntar på mig i arbetsflödet",
    "workflow.returned": "Min version har skickats tillbaka",
    "workflow.progress": "Min version har gått vidare (godkänd, på remiss, publicerad)",
}


def _people(edition: Edition, group: str, exclude=None):
    from apps.accounts.models import User
    from apps.accounts.roles import ROLES

    if group == "national_editors":
        role = ROLES[NATIONAL_EDITOR]
        users = User.objects.filter(
            user_permissions__codename=role.codename,
            user_permissions__content_type__app_label="accounts",
        )
    else:
        role = ROLES[AUTHOR if group == "authors" else NPO_CHAIR]
        users = User.objects.filter(
            organisationuserobjectpermission__permission__codename=role.codename,
            organisationuserobjectpermission__content_object_id=edition.support.programme_area_id,
        )
    users = users.filter(is_active=True).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


# When one person is reached through several groups, the most pressing kind wins.
_KIND_PRIORITY = {"workflow.task": 0, "workflow.returned": 1, "workflow.progress": 2}


def _notify(edition: Edition, transition: Transition, record: EditionTransition) -> None:
    url = reverse(
        "authoring:edition_detail",
        kwargs={"code": edition.support.code, "major": edition.major, "minor": edition.minor},
    )
    state_label = S(record.to_state).label
    next_role = NEXT_ACTOR.get(record.to_state)
    chosen: dict[int, tuple] = {}
    for group in transition.notify:
        group_role = {
            "authors": AUTHOR,
            "npo_chairs": NPO_CHAIR,
            "national_editors": NATIONAL_EDITOR,
        }[group]
        if (
            record.to_state in (S.DRAFT, S.REVISION)
            and group == "authors"
            and transition.reason_required
        ):
            kind, title = "workflow.returned", f"Tillbaka för ändringar: {edition}"
        elif next_role == group_role:
            kind, title = "workflow.task", f"Väntar på dig: {edition} – {state_label}"
        else:
            kind, title = "workflow.progress", f"{edition}: {state_label}"
        for user in _people(edition, group, exclude=record.actor):
            current = chosen.get(user.pk)
            if current is None or _KIND_PRIORITY[kind] < _KIND_PRIORITY[current[1]]:
                chosen[user.pk] = (user, kind, title)
    body = f"{transition.label}." + (f"\n\nKommentar: {record.comment}" if record.comment else "")
    by_message: dict[tuple, list] = {}
    for user, kind, title in chosen.values():
        by_message.setdefault((kind, title), []).append(user)
    for (kind, title), users in by_message.items():
        notify(recipients=users, kind=kind, title=title, body=body, url=url)

"""What the workflow asks of each person, for Mina uppgifter: whose turn it is and what to do
come from the workflow's table (workflow.TURNS), so that the list cannot drift from the
steps. One query per call."""

from django.db.models import OuterRef, Q, Subquery

from apps.accounts.inbox import Task
from apps.accounts.permissions import has_role, scopes_of
from apps.accounts.roles import ROLES

from .models import Edition, EditionTransition
from .workflow import NATIONAL_EDITOR, TRANSITIONS_BY_NAME, TURNS, task_of
from .workflow_states import EditionState as S

# The roles whose turn Mina uppgifter shows; a remiss's recipients have their own list.
SCOPED_ROLES = ("author", "npo_chair")


def _states_of(role: str) -> list[str]:
    return [state for state, turn in TURNS.items() if turn.actor == role]


def workflow_tasks(user) -> list[Task]:
    if not user.is_authenticated:
        return []
    condition = Q(pk__in=[])
    scopes_by_role = {}
    for role in SCOPED_ROLES:
        scopes = {o.pk for o in scopes_of(user, role)}
        if scopes:
            condition |= Q(state__in=_states_of(role), support__programme_area__in=scopes)
            scopes_by_role[role] = scopes
    if has_role(user, NATIONAL_EDITOR):
        condition |= Q(state__in=_states_of(NATIONAL_EDITOR))
    # The step that brought the edition where it is: a return carries the reason.
    last_step = EditionTransition.objects.filter(edition=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    editions = (
        Edition.objects.filter(condition)
        # A planned publication is already decided; nothing waits for anyone.
        .exclude(state=S.APPROVED, scheduled_publish_at__isnull=False)
        .annotate(
            last_step=Subquery(last_step.values("name")[:1]),
            last_comment=Subquery(last_step.values("comment")[:1]),
        )
        .select_related("support", "support__programme_area")
        .order_by("state_changed_at")
    )
    tasks = []
    for edition in editions:
        role = ROLES[TURNS[edition.state].actor]
        if not role.is_national and (
            edition.support.programme_area_id not in scopes_by_role.get(role.key, ())
        ):
            continue  # in a state of the other NPO role this person holds elsewhere
        step = TRANSITIONS_BY_NAME.get(edition.last_step)
        returned_because = edition.last_comment if step and step.is_return else ""
        tasks.append(
            Task(
                title=str(edition),
                action=task_of(edition.state, returned_because=returned_because),
                role=str(role.label),
                scope=str(role.scope_label)
                if role.is_national
                else edition.support.programme_area.display_name,
                since=edition.state_changed_at,
                url=edition.get_absolute_url(),
            )
        )
    return tasks

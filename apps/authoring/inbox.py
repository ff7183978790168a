"""What the workflow asks of each person, for Mina uppgifter. One query per call."""

from django.db.models import Q
from django.urls import reverse

from apps.accounts.inbox import Task
from apps.accounts.permissions import has_role, scopes_of

from .models import Edition
from .workflow_states import EditionState as S

# state -> (role key, Swedish role label, what to do)
WORK = {
    S.DRAFT: ("author", "Skribent", "Skriv klart och skicka vidare"),
    S.REVISION: ("author", "Skribent", "Bearbeta efter remissen och skicka för godkännande"),
    S.INTERNAL_REVIEW: ("npo_chair", "Ordförande", "Granska och godkänn för remiss"),
    S.AWAITING_NPO_APPROVAL: ("npo_chair", "Ordförande", "Godkänn medicinskt"),
    S.READY_FOR_CONSULTATION: ("national_editor", "Nationell redaktör", "Skicka på remiss"),
    S.EDITORIAL_REVIEW: ("national_editor", "Nationell redaktör", "Granska redaktionellt"),
    S.APPROVED: ("national_editor", "Nationell redaktör", "Publicera"),
}


def workflow_tasks(user) -> list[Task]:
    if not user.is_authenticated:
        return []
    condition = Q(pk__in=[])
    npo_states = {}
    for role in ("author", "npo_chair"):
        states = [s for s, (r, _l, _a) in WORK.items() if r == role]
        scopes = [o.pk for o in scopes_of(user, role)]
        if scopes:
            condition |= Q(state__in=states, support__programme_area__in=scopes)
            npo_states[role] = set(scopes)
    national = has_role(user, "national_editor")
    if national:
        condition |= Q(state__in=[s for s, (r, _l, _a) in WORK.items() if r == "national_editor"])
    editions = (
        Edition.objects.filter(condition)
        .exclude(state=S.APPROVED, scheduled_publish_at__isnull=False)
        .select_related("support", "support__programme_area")
        .order_by("state_changed_at")
    )
    tasks = []
    for edition in editions:
        role, role_label, action = WORK[edition.state]
        if role != "national_editor" and edition.support.programme_area_id not in npo_states.get(
            role, ()
        ):
            continue
        tasks.append(
            Task(
                title=f"{edition.support.title} {edition.number}",
                action=action,
                role=role_label,
                scope="Nationellt"
                if role == "national_editor"
                else edition.support.programme_area.display_name,
                since=edition.state_changed_at,
                url=reverse(
                    "authoring:edition_detail",
                    kwargs={
                        "code": edition.support.code,
                        "major": edition.major,
                        "minor": edition.minor,
                    },
                ),
            )
        )
    return tasks

from django.apps import AppConfig


def workflow_action_labels() -> dict[str, str]:
    """Swedish names for the audit actions the workflow records (`edition.<transition>`),
    taken from the transition table so that a new transition is named where it is declared.
    Several "send back" steps share a button label; the log tells them apart by the state
    they left."""
    from .workflow import TRANSITIONS
    from .workflow_states import EditionState

    shared = {t.label for t in TRANSITIONS if [u.label for u in TRANSITIONS].count(t.label) > 1}
    labels = {}
    for t in TRANSITIONS:
        label = str(t.label)
        if t.label in shared:
            sources = ", ".join(f"”{EditionState(s).label}”" for s in sorted(t.sources))
            label = f"{label} (från {sources})"
        labels[f"edition.{t.name}"] = label
    labels["edition.publish_scheduled"] = "Publicering planerad"
    labels["edition.supersede"] = "Ersatt av en nyare publicerad version"
    return labels


class AuthoringConfig(AppConfig):
    name = "apps.authoring"
    label = "authoring"
    verbose_name = "Skrivande"

    def ready(self):
        from apps.core.audit import register_actions

        from . import navigation  # noqa: F401 - registers the menu entries
        from .services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
        register_actions(workflow_action_labels())

        from apps.core.audit import register_detail_fields

        from .models import Block

        # A block added is recorded on its edition; its "kind" is the block's, not the edition's.
        register_detail_fields("block.added", {"kind": Block._meta.get_field("kind")})

        from apps.core.demo import DEMO_SEEDERS

        from .demo import seed_demo_supports, seed_demo_workflow

        DEMO_SEEDERS.extend([seed_demo_supports, seed_demo_workflow])

        from apps.accounts.inbox import register_task_provider
        from apps.core.notifications import register_kinds
        from apps.core.periodic import register_job

        from .inbox import workflow_tasks
        from .scheduled import publish_due_editions
        from .workflow import NOTIFICATION_KINDS

        register_task_provider(workflow_tasks)
        register_kinds(NOTIFICATION_KINDS)
        register_job("Publicera planerade versioner", publish_due_editions)

        self.register_workflow()

    def register_workflow(self):
        """The workflow's own effects and forms, through the same registries as every other
        app's; registered here first (authoring comes before remiss in INSTALLED_APPS), so
        they run before any other app's effects of the same step."""
        from . import workflow, workflow_effects
        from .workflow_forms import PublishForm
        from .workflow_states import EditionState

        workflow.register_effect("editorial_approve", workflow_effects.record_approval)
        for transition in workflow.TRANSITIONS:
            if EditionState.APPROVED in transition.sources:
                workflow.register_effect(
                    transition.name, workflow_effects.cancel_planned_publication
                )
        workflow.register_effect("publish", workflow_effects.publish)
        # Taken before the effects of higher apps run: remiss attaches the snapshot it finds.
        workflow.register_effect("open_consultation", workflow_effects.freeze_sent_text)
        workflow.register_effect("publish", workflow_effects.freeze_published_text)
        workflow.register_effect("withdraw", workflow_effects.withdraw)
        workflow.register_form("publish", PublishForm)

from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    name = "apps.authoring"
    label = "authoring"
    verbose_name = "Skrivande"

    def ready(self):
        from apps.core.audit import register_actions

        from . import navigation  # noqa: F401 - registers the menu entries
        from .services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)

        from apps.core.demo import DEMO_SEEDERS

        from .demo import seed_demo_supports

        DEMO_SEEDERS.append(seed_demo_supports)

        from apps.accounts.inbox import register_task_provider
        from apps.core.notifications import register_kinds
        from apps.core.periodic import register_job

        from .inbox import workflow_tasks
        from .scheduled import publish_due_editions
        from .workflow import NOTIFICATION_KINDS

        register_task_provider(workflow_tasks)
        register_kinds(NOTIFICATION_KINDS)
        register_job("Publicera planerade versioner", publish_due_editions)

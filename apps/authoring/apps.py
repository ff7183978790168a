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

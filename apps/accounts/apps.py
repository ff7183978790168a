from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Användare och organisationer"

    def ready(self):
        from apps.core.audit import register_actions

        from .services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)

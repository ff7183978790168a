from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "apps.regional"
    label = "regional"
    verbose_name = "Regionala tillägg"

    def ready(self):
        from django.utils.translation import gettext_lazy

        from apps.accounts.inbox import register_task_provider
        from apps.accounts.navigation import NavItem, register_nav_item
        from apps.authoring import workflow
        from apps.core.audit import register_actions
        from apps.core.demo import DEMO_SEEDERS
        from apps.core.notifications import register_kinds

        from . import services
        from .demo import seed_demo_additions
        from .inbox import review_tasks
        from .permissions import may_use_overview
        from .staleness import flag_stale_additions

        register_actions(services.AUDIT_ACTIONS)
        register_kinds(services.NOTIFICATION_KINDS)
        # After authoring's own "publish" effects (authoring is earlier in INSTALLED_APPS):
        # the new publication snapshot exists when the additions are compared with it.
        workflow.register_effect("publish", flag_stale_additions)
        register_task_provider(review_tasks)
        register_nav_item(
            NavItem(
                "regional",
                gettext_lazy("Mina regionala tillägg"),
                "regional:overview",
                may_use_overview,
                30,
            )
        )
        # After authoring's seeders: the additions are written on the published demo supports.
        DEMO_SEEDERS.append(seed_demo_additions)

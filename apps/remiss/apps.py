from django.apps import AppConfig


class RemissConfig(AppConfig):
    name = "apps.remiss"
    label = "remiss"
    verbose_name = "Remiss"

    def ready(self):
        from apps.authoring import workflow
        from apps.core.audit import register_actions

        from . import services
        from .forms import OpenConsultationForm

        register_actions(services.AUDIT_ACTIONS)

        from apps.core.notifications import register_kinds

        register_kinds(services.NOTIFICATION_KINDS)
        workflow.register_form("open_consultation", OpenConsultationForm)
        workflow.register_effect("open_consultation", services.consultation_open_effect)
        workflow.register_effect("close_consultation", services.consultation_close_effect)
        workflow.register_effect("abandon", services.consultation_close_effect)

        from apps.core.periodic import register_job

        from .scheduled import (
            announce_opening_consultations,
            close_due_consultations,
            send_reminders,
        )

        register_job(
            "Meddela mottagarna av remisser som öppnar i dag", announce_opening_consultations
        )
        register_job("Påminn remissinstanser inför sista svarsdag", send_reminders)
        register_job("Stäng remisser efter sista svarsdag", close_due_consultations)

        from django.utils.translation import gettext_lazy

        from apps.accounts.navigation import NavItem, register_nav_item

        from .permissions import may_read_register

        register_nav_item(
            NavItem("remiss", gettext_lazy("Remisser"), "remiss:register", may_read_register, 20)
        )

        from apps.authoring.panels import register_edition_panel

        from .selectors import earlier_round_panel, edition_round_panel

        register_edition_panel("remiss/includes/edition_round_summary.html", edition_round_panel)
        register_edition_panel("remiss/includes/earlier_round_summary.html", earlier_round_panel)

        from apps.authoring.permissions import register_reader_rule

        from .permissions import edition_reader_rule

        register_reader_rule(edition_reader_rule)

        from apps.accounts.inbox import register_task_provider

        from . import answers
        from .inbox import answer_tasks

        register_actions(answers.AUDIT_ACTIONS)
        register_kinds(answers.NOTIFICATION_KINDS)
        register_task_provider(answer_tasks)

        from . import responses

        register_actions(responses.AUDIT_ACTIONS)
        for name in responses.guarded_transitions():
            workflow.register_guard(name, responses.responses_guard)

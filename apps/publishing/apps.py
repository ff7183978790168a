from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "apps.publishing"
    label = "publishing"
    verbose_name = "Publicering"

    def ready(self):
        from apps.authoring.public_changes import register_public_change_listener

        from .cache import forget_support

        register_public_change_listener(forget_support)

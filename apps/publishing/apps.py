from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "apps.publishing"
    label = "publishing"
    verbose_name = "Publicering"

    def ready(self):
        from apps.authoring.public_changes import register_public_change_listener

        from .cache import forget_support

        # The search index is brought up to date before the cache forgets: a search cached
        # in between would otherwise keep the old index's answer under the new generation.
        self.register_search()
        register_public_change_listener(forget_support)

    def register_search(self):
        """The search index follows publication and withdrawal inside the step's own
        transaction. Registered after authoring's effects (authoring is earlier in
        INSTALLED_APPS), so the publication snapshot exists when the index reads it."""
        from apps.authoring import workflow
        from apps.authoring.public_changes import register_public_change_listener

        from . import search

        workflow.register_effect("publish", search.index_published_edition)
        workflow.register_effect("withdraw", search.unindex_withdrawn_edition)
        register_public_change_listener(search.refresh_after_public_change)

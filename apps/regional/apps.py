from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "apps.regional"
    label = "regional"
    verbose_name = "Regionala tillägg"

    def ready(self):
        pass

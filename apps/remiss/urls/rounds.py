"""Remiss pages: rounds."""

from django.urls import path

from ..views import rounds

urlpatterns = [
    path("", rounds.register, name="register"),
    path("ko/", rounds.queue, name="queue"),
    path("<int:pk>/", rounds.round_detail, name="round"),
    path("<int:pk>/konsekvensbeskrivning/", rounds.impact_statement, name="impact_statement"),
    path("<int:pk>/forlang/<int:recipient_pk>/", rounds.recipient_extend, name="recipient_extend"),
]

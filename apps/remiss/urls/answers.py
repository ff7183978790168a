"""Remiss pages: a recipient's answer, its comments, its own impact statement."""

from django.urls import path

from ..views import answers as views

ANSWER = "<int:round_pk>/svar/<int:organisation_pk>/"

urlpatterns = [
    path(ANSWER, views.answer_page, name="answer"),
    path(f"{ANSWER}spara/", views.answer_save, name="answer_save"),
    path(f"{ANSWER}skicka-in/", views.answer_submit, name="answer_submit"),
    path(f"{ANSWER}avsta/", views.answer_decline, name="answer_decline"),
    path(
        f"{ANSWER}konsekvensbeskrivning/",
        views.answer_impact_statement,
        name="answer_impact_statement",
    ),
    path(f"{ANSWER}synpunkter/ny/<uuid:block_uid>/", views.comment_add, name="comment_add"),
    path(f"{ANSWER}synpunkter/<int:comment_pk>/", views.comment_edit, name="comment_edit"),
    path(
        f"{ANSWER}synpunkter/<int:comment_pk>/ta-bort/",
        views.comment_remove,
        name="comment_remove",
    ),
]

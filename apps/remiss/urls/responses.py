"""Remiss pages: the comments on the text that went out, the responses, the response table."""

from django.urls import path

from ..views import responses as views

urlpatterns = [
    path("<int:pk>/synpunkter/", views.comments, name="comments"),
    path(
        "<int:pk>/synpunkter/<int:comment_pk>/bemotande/",
        views.response_edit,
        name="response",
    ),
    path("<int:pk>/sammanstallning/", views.table, name="table"),
    path("<int:pk>/sammanstallning/utskrift/", views.table_print, name="table_print"),
    path("<int:pk>/sammanstallning.xlsx", views.table_xlsx, name="table_xlsx"),
    path("<int:pk>/sammanstallning.csv", views.table_csv, name="table_csv"),
]

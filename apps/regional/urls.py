"""The regional editor's pages under /regionalt/."""

from django.urls import path

from . import views

app_name = "regional"
addition = "tillagg/<uuid:uid>/"
new = "<slug:region>/nytt/"
urlpatterns = [
    path("", views.overview, name="overview"),
    path(new, views.choose_support, name="choose_support"),
    path(new + "<str:code>/", views.choose_place, name="choose_place"),
    path(
        new + "<str:code>/avsnitt/<slug:key>/", views.addition_create, name="create_at_section_end"
    ),
    path(
        new + "<str:code>/avsnitt/<slug:key>/block/<uuid:block_uid>/",
        views.addition_create,
        name="create_at_block",
    ),
    path(addition, views.addition_detail, name="addition_detail"),
    path(addition + "andra/", views.addition_edit, name="addition_edit"),
    path(addition + "publicera/", views.addition_publish, name="addition_publish"),
    path(addition + "arkivera/", views.addition_archive, name="addition_archive"),
    path(addition + "granska/", views.addition_review, name="addition_review"),
    path(addition + "bekrafta/", views.addition_confirm, name="addition_confirm"),
]

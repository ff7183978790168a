from django.urls import path

from . import views

app_name = "authoring"

edition = "<str:code>/version/<int:major>.<int:minor>/"

urlpatterns = [
    path("", views.support_list, name="support_list"),
    path("nytt/", views.support_create, name="support_create"),
    path("icd10/", views.icd10_search, name="icd10_search"),
    path("forhandsgranska/", views.block_preview, name="block_preview"),
    path("mallar/", views.template_list, name="template_list"),
    path(
        "mallar/<slug:code>/nytt-avsnitt/", views.template_section_add, name="template_section_add"
    ),
    path(
        "mallar/<slug:code>/<slug:key>/flytta/",
        views.template_section_move,
        name="template_section_move",
    ),
    path(
        "mallar/<slug:code>/<slug:key>/", views.template_section_edit, name="template_section_edit"
    ),
    path("<str:code>/", views.support_detail, name="support_detail"),
    path("<str:code>/andra/", views.support_edit, name="support_edit"),
    path("<str:code>/ny-version/", views.edition_start, name="edition_start"),
    path(edition, views.edition_detail, name="edition_detail"),
    path(edition + "historik/", views.history, name="edition_history"),
    path(edition + "steg/<slug:name>/", views.edition_step, name="edition_step"),
    path(edition + "jamfor/", views.edition_compare, name="edition_compare"),
    path(edition + "avsnitt/<slug:key>/", views.section_edit, name="section_edit"),
    path(edition + "avsnitt/<slug:key>/narvaro/", views.section_presence, name="section_presence"),
    path(edition + "avsnitt/<slug:key>/historik/", views.history, name="section_history"),
    path(edition + "avsnitt/<slug:key>/nytt-block/", views.block_add, name="block_add"),
    path(edition + "block/<uuid:uid>/spara/", views.block_save, name="block_save"),
    path(edition + "block/<uuid:uid>/autospara/", views.block_autosave, name="block_autosave"),
    path(edition + "block/<uuid:uid>/ta-bort/", views.block_remove, name="block_remove"),
    path(
        edition + "block/<uuid:uid>/lagg-tillbaka/", views.block_reinstate, name="block_reinstate"
    ),
    path(edition + "block/<uuid:uid>/flytta/", views.block_move, name="block_move"),
    path(edition + "block/<uuid:uid>/historik/", views.block_history, name="block_history"),
    path(edition + "block/<uuid:uid>/aterstall/", views.block_restore, name="block_restore"),
]

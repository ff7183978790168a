from django.urls import path

from ..views import reading

edition = "stod/<slug:slug>/version/<int:major>.<int:minor>/"

urlpatterns = [
    path("stod/<slug:slug>/", reading.support_page, name="support"),
    path(edition, reading.edition_page, name="edition"),
    path(f"{edition}andringar/", reading.changes, name="changes"),
    path(f"{edition}remissammanstallning/", reading.response_table, name="response_table"),
    path("region/<slug:code>/", reading.region_page, name="region"),
    path("sitemap.xml", reading.sitemap, name="sitemap"),
]

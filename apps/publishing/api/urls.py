"""/api/: the page that describes the API (Swedish, for people), the OpenAPI schema at a
fixed address, and version 1. Anything else under /api/v1/ answers a JSON 404, so that a
system never has to read an HTML error page."""

from django.urls import URLPattern, include, path, re_path

from . import views
from .v1 import api

app_name = "api"

v1_patterns, v1_app, v1_namespace = api.urls
# django-ninja answers another method with an English text/html 405; the API answers JSON.
v1_patterns = [
    URLPattern(p.pattern, views.json_method_not_allowed(p.callback), p.default_args, p.name)
    for p in v1_patterns
]

urlpatterns = [
    path("", views.api_page, name="page"),
    path("v1/openapi.json", views.openapi_json, name="openapi"),
    path("v1/", include((v1_patterns, v1_app), namespace=v1_namespace)),
    # Only addresses ending in a slash: without one, CommonMiddleware's APPEND_SLASH
    # redirects first (to the operation, or here).
    re_path(r"^v1/(?:.*/)?$", views.not_found, name="not_found"),
]

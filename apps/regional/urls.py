"""The regional editor's pages under /regionalt/."""

from django.urls import path

from . import views

app_name = "regional"
urlpatterns = [
    path("tillagg/<uuid:uid>/", views.addition_detail, name="addition_detail"),
]

from django.urls import path

from ..views import reading

urlpatterns = [
    path("stod/<slug:slug>/", reading.support_page, name="support"),
]

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("granskningslogg/", views.audit_log, name="audit_log"),
    # Browsers ask for /favicon.ico whatever the page links to; answer rather than 404.
    path("favicon.ico", views.favicon, name="favicon"),
    path("notiser/", views.notifications, name="notifications"),
    path("notiser/installningar/", views.notification_preferences, name="notification_preferences"),
]

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("granskningslogg/", views.audit_log, name="audit_log"),
    path("notiser/", views.notifications, name="notifications"),
    path("notiser/installningar/", views.notification_preferences, name="notification_preferences"),
]

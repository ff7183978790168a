from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("mina-roller/", views.my_roles, name="my_roles"),
    path(
        "inbjudan/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("anvandare/", views.user_list, name="user_list"),
    path("anvandare/ny/", views.user_invite, name="user_invite"),
    path("anvandare/<int:pk>/", views.user_detail, name="user_detail"),
    path("anvandare/<int:pk>/andra/", views.user_edit, name="user_edit"),
    path("anvandare/<int:pk>/roller/tilldela/", views.user_role_grant, name="user_role_grant"),
    path("anvandare/<int:pk>/roller/aterkalla/", views.user_role_revoke, name="user_role_revoke"),
    path("anvandare/<int:pk>/inaktivera/", views.user_deactivate, name="user_deactivate"),
    path("anvandare/<int:pk>/aktivera/", views.user_reactivate, name="user_reactivate"),
    path(
        "anvandare/<int:pk>/skicka-inbjudan/",
        views.user_resend_invitation,
        name="user_resend_invitation",
    ),
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("organisationer/<slug:code>/", views.organisation_detail, name="organisation_detail"),
    path("organisationer/<slug:code>/andra/", views.organisation_edit, name="organisation_edit"),
    path("organisationer/<slug:code>/roller/", views.organisation_grant, name="organisation_grant"),
]

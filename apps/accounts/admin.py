from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, User


def _superusers_only(request) -> bool:
    # The application's own pages manage users and roles; Django admin is a superuser's
    # last resort, not a second way in for staff.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "Kunskapsstöd – teknisk administration"


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    list_display = ["email", "full_name", "home_organisation", "is_active"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "parent", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

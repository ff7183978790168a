"""The permission policy of authoring. Everyone signed in reads every support (as in the
current national tool); only the owning NPO's authors and the national editors write."""

from apps.accounts.permissions import has_role, scopes_of


def may_create_support_in(user, programme_area) -> bool:
    return has_role(user, "national_editor") or has_role(user, "author", programme_area)


def creatable_programme_areas(user):
    """The NPOs in which this user may start a support (all of them for national editors)."""
    from apps.accounts.models import Organisation

    if has_role(user, "national_editor"):
        return Organisation.objects.programme_areas().active()
    return Organisation.objects.filter(pk__in=[o.pk for o in scopes_of(user, "author")])


def may_edit_support(user, support) -> bool:
    return has_role(user, "national_editor") or has_role(user, "author", support.programme_area)


def may_edit_content(user, edition) -> bool:
    return edition.is_editable and may_edit_support(user, edition.support)


def may_edit_templates(user) -> bool:
    return has_role(user, "national_editor")

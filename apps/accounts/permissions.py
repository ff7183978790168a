"""The permission policy of accounts: "may this user do this to this object", in one place.

Roles are read once per user object and kept on it, so a page that asks many questions
about one user runs the same two queries however many it asks."""

from .models import Organisation, User
from .roles import ADMINISTRATOR, DELEGATED_GRANTS, ROLES, Role
from .selectors import RoleAssignment, role_assignments

_CACHE_ATTR = "_role_assignments_cache"


def assignments(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = role_assignments(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a grant or revoke on this same user object."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, role: Role | str, scope: Organisation | None = None) -> bool:
    role = ROLES[role] if isinstance(role, str) else role
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for assignment in assignments(user):
        if assignment.role.key != role.key:
            continue
        if role.is_national or scope is None or assignment.scope.pk == scope.pk:
            return True
    return False


def scopes_of(user, role: Role | str) -> list[Organisation]:
    role = ROLES[role] if isinstance(role, str) else role
    return [a.scope for a in assignments(user) if a.role.key == role.key and a.scope]


def is_administrator(user) -> bool:
    return has_role(user, ADMINISTRATOR)


def may_manage_users(user) -> bool:
    """Create, invite, edit, deactivate and reactivate users; see everyone's roles."""
    return is_administrator(user)


def may_manage_organisations(user) -> bool:
    return is_administrator(user)


def may_read_audit_log(user) -> bool:
    return is_administrator(user)


def may_grant(user, role: Role, scope: Organisation | None) -> bool:
    """Administrators grant every role; an NPO chair grants the author role in the chair's
    own NPO, a remiss coordinator the reviewer role in the coordinator's own region."""
    if is_administrator(user):
        return True
    granting_role = DELEGATED_GRANTS.get(role.key)
    return bool(granting_role and scope is not None and has_role(user, granting_role, scope))


def grantable_roles(user, scope: Organisation) -> list[Role]:
    return [
        role
        for role in ROLES.values()
        if role.accepts_scope(scope) and may_grant(user, role, scope)
    ]


def may_view_organisation_members(user, organisation: Organisation) -> bool:
    return is_administrator(user) or bool(grantable_roles(user, organisation))


def may_view_user(user, target: User) -> bool:
    return user.pk == target.pk or may_manage_users(user)

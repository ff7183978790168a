"""Permission-aware reads about users and their roles. Each runs a fixed number of queries."""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Prefetch, Q, QuerySet

from .models import Organisation, OrganisationUserObjectPermission, User
from .roles import NATIONAL_CODENAMES, ROLES, ROLES_BY_CODENAME, SCOPED_CODENAMES, Role


@dataclass(frozen=True)
class RoleAssignment:
    role: Role
    scope: Organisation | None

    @property
    def scope_name(self) -> str:
        return self.scope.name if self.scope else str(self.role.scope_label)


def _national_permissions():
    return Permission.objects.filter(
        content_type__app_label="accounts", codename__in=NATIONAL_CODENAMES
    )


def role_assignments(user: User) -> list[RoleAssignment]:
    """All roles of one user, national first, then by scope name. Two queries."""
    if not user.is_authenticated:
        return []
    national = [
        RoleAssignment(ROLES_BY_CODENAME[codename], None)
        for codename in user.user_permissions.filter(
            content_type__app_label="accounts", codename__in=NATIONAL_CODENAMES
        ).values_list("codename", flat=True)
    ]
    scoped = [
        RoleAssignment(ROLES_BY_CODENAME[row.permission.codename], row.content_object)
        for row in OrganisationUserObjectPermission.objects.filter(
            user=user, permission__codename__in=SCOPED_CODENAMES
        )
        .select_related("permission", "content_object")
        .order_by("content_object__name", "permission__codename")
    ]
    order = list(ROLES_BY_CODENAME)
    national.sort(key=lambda a: order.index(a.role.codename))
    return national + scoped


def users_with_roles(*, search: str = "", include_inactive: bool = True) -> QuerySet[User]:
    """Users for the administrators' list, with roles prefetched (no query per row)."""
    users = User.objects.select_related("home_organisation").prefetch_related(
        Prefetch(
            "organisationuserobjectpermission_set",
            queryset=OrganisationUserObjectPermission.objects.filter(
                permission__codename__in=SCOPED_CODENAMES
            ).select_related("permission", "content_object"),
            to_attr="scoped_role_rows",
        ),
        Prefetch("user_permissions", queryset=_national_permissions(), to_attr="national_perms"),
    )
    if search:
        users = users.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(home_organisation__name__icontains=search)
        )
    if not include_inactive:
        users = users.filter(is_active=True)
    return users.order_by("full_name", "email")


def assignments_from_prefetch(user: User) -> list[RoleAssignment]:
    """Role assignments of a user fetched through `users_with_roles()`."""
    national = [RoleAssignment(ROLES_BY_CODENAME[p.codename], None) for p in user.national_perms]
    scoped = [
        RoleAssignment(ROLES_BY_CODENAME[row.permission.codename], row.content_object)
        for row in user.scoped_role_rows
    ]
    return national + sorted(scoped, key=lambda a: (a.scope.name, a.role.codename))


def role_holders(organisation: Organisation) -> list[tuple[User, Role]]:
    """(user, role) pairs holding a role in one organisation, by role then name."""
    rows = (
        OrganisationUserObjectPermission.objects.filter(
            content_object=organisation, permission__codename__in=SCOPED_CODENAMES
        )
        .select_related("user", "permission")
        .order_by("permission__codename", "user__full_name")
    )
    return [(row.user, ROLES_BY_CODENAME[row.permission.codename]) for row in rows]


def holds_role(user: User, role: Role, scope: Organisation | None) -> bool:
    """Whether the role is actually assigned (a superuser's implicit powers do not count)."""
    if role.is_national:
        return user.user_permissions.filter(
            content_type__app_label=role.app_label, codename=role.codename
        ).exists()
    return OrganisationUserObjectPermission.objects.filter(
        user=user, content_object=scope, permission__codename=role.codename
    ).exists()


def users_with_role(*, role: Role | str, scopes=None) -> QuerySet[User]:
    """The active users who are assigned `role`: a national role as a global permission, a
    scoped role as an object permission on one of `scopes` (organisations, their ids or a
    queryset; None: in any organisation). A superuser's implicit powers do not count: this
    is who is told and asked, not who could act. One query when evaluated."""
    role = ROLES[role] if isinstance(role, str) else role
    if role.is_national:
        holders = User.user_permissions.through.objects.filter(
            permission__content_type__app_label=role.app_label,
            permission__codename=role.codename,
        )
    else:
        holders = OrganisationUserObjectPermission.objects.filter(
            permission__codename=role.codename
        )
        if scopes is not None:
            holders = holders.filter(content_object__in=scopes)
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id"))


def role_holders_by_scope(*, role: Role | str, scopes) -> dict[Organisation, list[User]]:
    """The active holders of a scoped role in each of `scopes` that has any, for messages
    that name the organisation ("Region Skåne har fått …"). One query."""
    role = ROLES[role] if isinstance(role, str) else role
    rows = (
        OrganisationUserObjectPermission.objects.filter(
            permission__codename=role.codename, content_object__in=scopes, user__is_active=True
        )
        .select_related("user", "content_object")
        .order_by("content_object__name", "user__full_name")
    )
    holders: dict[Organisation, list[User]] = {}
    for row in rows:
        holders.setdefault(row.content_object, []).append(row.user)
    return holders

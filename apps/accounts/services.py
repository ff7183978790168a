"""Use cases of accounts: one function each, permission-checked, atomic, audited."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.core import audit

from .models import Organisation, User
from .permissions import (
    forget_roles,
    may_grant,
    may_manage_organisations,
    may_manage_users,
)
from .roles import Role
from .selectors import holds_role

AUDIT_ACTIONS = {
    "user.invited": "Användare inbjuden",
    "user.invitation_resent": "Inbjudan skickad igen",
    "user.updated": "Användaruppgifter ändrade",
    "user.deactivated": "Användare inaktiverad",
    "user.reactivated": "Användare återaktiverad",
    "user.password_set": "Lösenord satt via inbjudan",
    "role.granted": "Roll tilldelad",
    "role.revoked": "Roll återkallad",
    "organisation.created": "Organisation skapad",
    "organisation.updated": "Organisation ändrad",
}


def _invitation_url(user: User, base_url: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uidb64, "token": token})
    return base_url.rstrip("/") + path


def _send_invitation(user: User, *, invited_by: User, base_url: str) -> None:
    context = {
        "user": user,
        "invited_by": invited_by,
        "url": _invitation_url(user, base_url),
    }
    send_mail(
        subject=_("Inbjudan till Kunskapsstöd"),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    profession: str = "",
    home_organisation: Organisation | None = None,
    base_url: str,
) -> User:
    """Create an account without a password and e-mail a link to choose one."""
    if not may_manage_users(actor):
        raise PermissionDenied(_("Du får inte skapa användare."))
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("Det finns redan en användare med den adressen.")})
        try:
            user = User.objects.create_user(
                email=email,
                full_name=full_name,
                profession=profession,
                home_organisation=home_organisation,
            )
        except IntegrityError as exc:  # a parallel invitation of the same address
            raise ValidationError(
                {"email": _("Det finns redan en användare med den adressen.")}
            ) from exc
        audit.record(actor=actor, action="user.invited", obj=user, subject_user=user)
        transaction.on_commit(lambda: _send_invitation(user, invited_by=actor, base_url=base_url))
    return user


def user_resend_invitation(*, actor: User, user: User, base_url: str) -> None:
    if not may_manage_users(actor):
        raise PermissionDenied(_("Du får inte skicka inbjudningar."))
    if user.has_usable_password():
        raise ValidationError(_("Användaren har redan valt ett lösenord."))
    if not user.is_active:
        raise ValidationError(_("Användaren är inaktiverad."))
    with transaction.atomic():
        audit.record(actor=actor, action="user.invitation_resent", obj=user, subject_user=user)
        transaction.on_commit(lambda: _send_invitation(user, invited_by=actor, base_url=base_url))


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    profession: str,
    home_organisation: Organisation | None,
) -> User:
    if not may_manage_users(actor):
        raise PermissionDenied(_("Du får inte ändra användare."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        values = {
            "full_name": full_name,
            "profession": profession,
            "home_organisation": home_organisation,
        }
        changes = audit.apply_changes(locked, values)
        locked.save(update_fields=list(values))
        audit.record(
            actor=actor, action="user.updated", obj=locked, subject_user=locked, details=changes
        )
    return locked


def user_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """Deactivation keeps the roles and the history; the person simply cannot sign in."""
    if not may_manage_users(actor):
        raise PermissionDenied(_("Du får inte inaktivera användare."))
    if actor.pk == user.pk:
        raise ValidationError(_("Du kan inte inaktivera dig själv."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise ValidationError(_("Användaren är redan inaktiverad."))
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.deactivated",
            obj=locked,
            subject_user=locked,
            details={"reason": reason} if reason else {},
        )
    return locked


def user_reactivate(*, actor: User, user: User) -> User:
    if not may_manage_users(actor):
        raise PermissionDenied(_("Du får inte återaktivera användare."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise ValidationError(_("Användaren är redan aktiv."))
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit.record(actor=actor, action="user.reactivated", obj=locked, subject_user=locked)
    return locked


def _check_scope(role: Role, scope: Organisation | None) -> None:
    if role.is_national:
        if scope is not None:
            raise ValidationError({"scope": _("En nationell roll har ingen organisation.")})
    elif not role.accepts_scope(scope):
        raise ValidationError(
            {
                "scope": _("Rollen %(role)s gäller en organisation av typen %(kind)s.")
                % {"role": role.label, "kind": role.scope_kinds_label}
            }
        )


def _scope_text(role: Role, scope: Organisation | None) -> str:
    return scope.name if scope else str(role.scope_label)


def role_grant(*, actor: User, user: User, role: Role, scope: Organisation | None = None) -> None:
    _check_scope(role, scope)
    if not may_grant(actor, role, scope):
        raise PermissionDenied(_("Du får inte tilldela den rollen här."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise ValidationError(_("Användaren är inaktiverad."))
        if holds_role(locked, role, scope):
            raise ValidationError(_("Användaren har redan den rollen."))
        assign_perm(role.perm, locked, scope)
        forget_roles(user)
        audit.record(
            actor=actor,
            action="role.granted",
            obj=scope or locked,
            subject_user=locked,
            scope=_scope_text(role, scope),
            details={"role": role.key, "role_label": str(role.label)},
        )


def role_revoke(*, actor: User, user: User, role: Role, scope: Organisation | None = None) -> None:
    _check_scope(role, scope)
    if not may_grant(actor, role, scope):
        raise PermissionDenied(_("Du får inte återkalla den rollen här."))
    if role.key == "administrator" and actor.pk == user.pk:
        raise ValidationError(_("Du kan inte ta bort din egen administratörsroll."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not holds_role(locked, role, scope):
            raise ValidationError(_("Användaren har inte den rollen."))
        remove_perm(role.perm, locked, scope)
        forget_roles(user)
        audit.record(
            actor=actor,
            action="role.revoked",
            obj=scope or locked,
            subject_user=locked,
            scope=_scope_text(role, scope),
            details={"role": role.key, "role_label": str(role.label)},
        )


def organisation_create(
    *,
    actor: User,
    kind: str,
    code: str,
    name: str,
    short_name: str = "",
    parent: Organisation | None = None,
) -> Organisation:
    if not may_manage_organisations(actor):
        raise PermissionDenied(_("Du får inte skapa organisationer."))
    with transaction.atomic():
        if Organisation.objects.filter(code=code).exists():
            raise ValidationError({"code": _("Koden används redan.")})
        organisation = Organisation.objects.create(
            kind=kind, code=code, name=name, short_name=short_name, parent=parent
        )
        audit.record(
            actor=actor,
            action="organisation.created",
            obj=organisation,
            details={"kind": kind, "code": code},
        )
    return organisation


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    short_name: str,
    parent: Organisation | None,
    is_active: bool,
) -> Organisation:
    """Name, parent and status can change; kind and code never do (URLs and the API use
    them)."""
    if not may_manage_organisations(actor):
        raise PermissionDenied(_("Du får inte ändra organisationer."))
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        values = {"name": name, "short_name": short_name, "parent": parent, "is_active": is_active}
        changes = audit.apply_changes(locked, values)
        locked.save(update_fields=list(values))
        audit.record(actor=actor, action="organisation.updated", obj=locked, details=changes)
    return locked

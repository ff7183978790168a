from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from apps.core import audit
from apps.core.forms import (
    FORM_ERRORS_STATUS,
    FormErrorsStatusMixin,
    apply_validation_error,
    form_status,
)
from apps.core.models import AuditEntry

from . import permissions, selectors, services
from .forms import (
    DeactivateForm,
    MemberGrantForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    RoleGrantForm,
    RoleRevokeForm,
    SignInForm,
    UserEditForm,
    UserInviteForm,
)
from .models import Organisation, OrganisationKind, User
from .roles import ROLES


def _base_url(request) -> str:
    # Links in e-mails use the configured address, never the Host header a request came
    # with (behind a proxy that is an internal name; forged, it would send people away).
    return settings.SITE_URL


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class SignInView(FormErrorsStatusMixin, auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


# Every password-reset request sends a mail, so the requests are limited per address and per
# client address, as sign-in is (django-axes): django-ratelimit's counters in Django's cache
# (exact across workers with a shared cache such as memcached or Redis; per process with the
# default local-memory cache). The limit applies whether or not the address has an account,
# so that the answer never tells which addresses exist.
PASSWORD_RESET_RATE_PER_ADDRESS = "3/h"
PASSWORD_RESET_RATE_PER_CLIENT = "10/h"
TOO_MANY_RESETS = _(
    "För många begäranden om nytt lösenord har gjorts. Vänta en stund och försök igen senare."
)


def _password_reset_throttled(request, email: str) -> bool:
    address = email.strip().lower()
    # Both counters count every request, so that neither can be used to go around the other.
    by_address = is_ratelimited(
        request,
        group="password_reset:address",
        key=lambda _group, _request: address,
        rate=getattr(settings, "PASSWORD_RESET_RATE_PER_ADDRESS", PASSWORD_RESET_RATE_PER_ADDRESS),
        increment=True,
    )
    by_client = is_ratelimited(
        request,
        group="password_reset:client",
        key="ip",
        rate=getattr(settings, "PASSWORD_RESET_RATE_PER_CLIENT", PASSWORD_RESET_RATE_PER_CLIENT),
        increment=True,
    )
    return by_address or by_client


class PasswordResetView(FormErrorsStatusMixin, auth_views.PasswordResetView):
    """Django's password reset, with a limit on the mails it sends: over it, the same form
    page says (with status 429) that too many requests were made, and no mail goes out."""

    def form_valid(self, form):
        if _password_reset_throttled(self.request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(FormErrorsStatusMixin, auth_views.PasswordChangeView):
    pass


class PasswordResetConfirmView(FormErrorsStatusMixin, auth_views.PasswordResetConfirmView):
    pass


class InvitationAcceptView(FormErrorsStatusMixin, auth_views.PasswordResetConfirmView):
    """The invitation link: the same signed one-time token as a password reset, so it stops
    working once a password is chosen."""

    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            actor=form.user, action="user.password_set", obj=form.user, subject_user=form.user
        )
        messages.success(self.request, "Ditt lösenord är sparat. Logga in med din e-postadress.")
        return response


@login_required
def start(request):
    assignments = permissions.assignments(request.user)
    return render(request, "accounts/start.html", {"assignments": assignments})


@login_required
def my_roles(request):
    return render(
        request,
        "accounts/my_roles.html",
        {"assignments": permissions.assignments(request.user)},
    )


@login_required
def user_list(request):
    _require(permissions.may_manage_users(request.user))
    # NUL bytes cannot be sent to PostgreSQL in a query; they are never part of a name.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    page = Paginator(selectors.users_with_roles(search=search), 50).get_page(
        request.GET.get("sida")
    )
    rows = [(user, selectors.assignments_from_prefetch(user)) for user in page.object_list]
    query = urlencode({"q": search}) if search else ""
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "rows": rows, "search": search, "query": query},
    )


@login_required
def user_invite(request):
    _require(permissions.may_manage_users(request.user))
    form = UserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                actor=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{user.full_name} är skapad och en inbjudan har skickats.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_invite.html", {"form": form}, status=form_status(form))


def _target_user(request, pk) -> User:
    target = get_object_or_404(User, pk=pk)
    if not permissions.may_view_user(request.user, target):
        raise PermissionDenied
    return target


def _user_page(request, target: User, *, grant_form=None, deactivate_form=None, status=200):
    manage = permissions.may_manage_users(request.user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": selectors.role_assignments(target),
            "grant_form": (grant_form or RoleGrantForm()) if manage else None,
            "deactivate_form": (deactivate_form or DeactivateForm()) if manage else None,
            "entries": AuditEntry.objects.about_user(target).select_related("actor")[:100],
            "may_manage": manage,
        },
        status=status,
    )


@login_required
def user_detail(request, pk):
    return _user_page(request, _target_user(request, pk))


@login_required
def user_edit(request, pk):
    _require(permissions.may_manage_users(request.user))
    target = get_object_or_404(User, pk=pk)
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": target.full_name,
            "profession": target.profession,
            "home_organisation": target.home_organisation,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=request.user, user=target, **form.cleaned_data)
        messages.success(request, "Uppgifterna är sparade.")
        return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {"form": form, "target": target},
        status=form_status(form),
    )


@login_required
@require_POST
def user_role_grant(request, pk):
    _require(permissions.may_manage_users(request.user))
    target = get_object_or_404(User, pk=pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role_obj"]
        try:
            services.role_grant(
                actor=request.user, user=target, role=role, scope=form.cleaned_data["scope"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{target} har fått rollen {role.label}.")
            return redirect("accounts:user_detail", pk=target.pk)
    return _user_page(request, target, grant_form=form, status=FORM_ERRORS_STATUS)


def _revoke(request, target: User):
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    role = ROLES[form.cleaned_data["role"]]
    services.role_revoke(
        actor=request.user, user=target, role=role, scope=form.cleaned_data["scope"]
    )
    messages.success(request, f"Rollen {role.label} är återkallad för {target}.")


@login_required
@require_POST
def user_role_revoke(request, pk):
    target = get_object_or_404(User, pk=pk)
    try:
        _revoke(request, target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    _require(permissions.may_manage_users(request.user))
    target = get_object_or_404(User, pk=pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            services.user_deactivate(
                actor=request.user, user=target, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{target} är inaktiverad och kan inte längre logga in.")
        return redirect("accounts:user_detail", pk=target.pk)
    return _user_page(request, target, deactivate_form=form, status=FORM_ERRORS_STATUS)


@login_required
@require_POST
def user_reactivate(request, pk):
    _require(permissions.may_manage_users(request.user))
    target = get_object_or_404(User, pk=pk)
    try:
        services.user_reactivate(actor=request.user, user=target)
        messages.success(request, f"{target} är aktiv igen.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_resend_invitation(request, pk):
    _require(permissions.may_manage_users(request.user))
    target = get_object_or_404(User, pk=pk)
    try:
        services.user_resend_invitation(
            actor=request.user, user=target, base_url=_base_url(request)
        )
        messages.success(request, f"En ny inbjudan har skickats till {target.email}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
def organisation_list(request):
    user = request.user
    if permissions.is_administrator(user):
        organisations = Organisation.objects.select_related("parent")
    else:
        scopes = {o.pk for o in permissions.scopes_of(user, "npo_chair")}
        scopes |= {o.pk for o in permissions.scopes_of(user, "remiss_coordinator")}
        _require(bool(scopes))
        organisations = Organisation.objects.filter(pk__in=scopes).select_related("parent")
    groups = []
    for kind, label in OrganisationKind.choices:
        members = [o for o in organisations if o.kind == kind]
        if members:
            groups.append((label, members))
    return render(
        request,
        "accounts/organisation_list.html",
        {"groups": groups, "may_create": permissions.may_manage_organisations(user)},
    )


def _organisation(request, code) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), code=code)
    if not permissions.may_view_organisation_members(request.user, organisation):
        raise PermissionDenied
    return organisation


def _organisation_page(request, organisation, grant_form=None, status=200):
    roles = permissions.grantable_roles(request.user, organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "holders": selectors.role_holders(organisation),
            "grantable_keys": {r.key for r in roles},
            "grant_form": grant_form or (MemberGrantForm(roles=roles) if roles else None),
            "children": organisation.children.all(),
            "may_edit": permissions.may_manage_organisations(request.user),
        },
        status=status,
    )


@login_required
def organisation_detail(request, code):
    return _organisation_page(request, _organisation(request, code))


@login_required
@require_POST
def organisation_grant(request, code):
    organisation = _organisation(request, code)
    roles = permissions.grantable_roles(request.user, organisation)
    _require(bool(roles))
    form = MemberGrantForm(request.POST, roles=roles)
    if form.is_valid():
        role = ROLES[form.cleaned_data["role"]]
        try:
            services.role_grant(
                actor=request.user, user=form.cleaned_data["user"], role=role, scope=organisation
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['user']} har fått rollen {role.label}.")
            return redirect("accounts:organisation_detail", code=organisation.code)
    return _organisation_page(request, organisation, grant_form=form, status=FORM_ERRORS_STATUS)


@login_required
def organisation_create(request):
    _require(permissions.may_manage_organisations(request.user))
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{organisation} är skapad.")
            return redirect("accounts:organisation_detail", code=organisation.code)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "creating": True},
        status=form_status(form),
    )


@login_required
def organisation_edit(request, code):
    _require(permissions.may_manage_organisations(request.user))
    organisation = get_object_or_404(Organisation, code=code)
    form = OrganisationEditForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "short_name": organisation.short_name,
            "parent": organisation.parent,
            "is_active": organisation.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            actor=request.user, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, "Organisationen är sparad.")
        return redirect("accounts:organisation_detail", code=organisation.code)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
        status=form_status(form),
    )


@login_required
def tasks(request):
    from .inbox import tasks_for

    groups: dict[tuple[str, str], list] = {}
    for task in tasks_for(request.user):
        groups.setdefault((task.role, task.scope), []).append(task)
    return render(request, "accounts/tasks.html", {"groups": groups})

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation, OrganisationKind, User
from .roles import ROLES


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Fel e-postadress eller lösenord. Observera att kontot låses en stund efter "
            "flera misslyckade försök."
        ),
        "inactive": _("Kontot är inaktiverat. Kontakta en administratör."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-postadress")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def clean(self):
        # A wrong password is shown beside the password field, not only in the summary.
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code != "invalid_login":
                raise
            self.add_error("password", error)
            return self.cleaned_data


class UserInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-postadress"), max_length=254)
    full_name = forms.CharField(label=_("Namn"), max_length=150)
    profession = forms.CharField(label=_("Yrke"), max_length=120, required=False)
    home_organisation = OrganisationChoiceField(
        label=_("Hemorganisation"),
        queryset=Organisation.objects.active(),
        required=False,
        empty_label=_("– ingen –"),
    )

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Ange ett namn."))
        return name


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Namn"), max_length=150)
    profession = forms.CharField(label=_("Yrke"), max_length=120, required=False)
    home_organisation = OrganisationChoiceField(
        label=_("Hemorganisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("– ingen –"),
    )


class RoleGrantForm(forms.Form):
    """Grant from a user's page: choose a role and, for a scoped role, its organisation."""

    role = forms.ChoiceField(label=_("Roll"))
    scope = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.NPO, OrganisationKind.REGION]
        ).active(),
        required=False,
        empty_label=_("– ingen (nationell roll) –"),
        help_text=_("Programområde för skribent och ordförande, region för regionala roller."),
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles if roles is not None else list(ROLES.values())
        self.fields["role"].choices = [(r.key, f"{r.label} ({r.scope_label})") for r in roles]

    def clean(self):
        cleaned = super().clean()
        role = ROLES.get(cleaned.get("role", ""))
        scope = cleaned.get("scope")
        if role is None:
            return cleaned
        if role.is_national and scope is not None:
            self.add_error("scope", _("En nationell roll ska inte ha någon organisation."))
        elif not role.is_national:
            if scope is None:
                self.add_error("scope", _("Välj den organisation rollen ska gälla."))
            elif not role.accepts_scope(scope):
                self.add_error(
                    "scope",
                    _("Rollen gäller en organisation av typen %(kind)s.")
                    % {"kind": role.scope_kinds_label},
                )
        cleaned["role_obj"] = role
        return cleaned


class MemberGrantForm(forms.Form):
    """Grant from an organisation's page: name the person by e-mail."""

    email = forms.EmailField(label=_("Personens e-postadress"), max_length=254)
    role = forms.ChoiceField(label=_("Roll"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.key, r.label) for r in roles]

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            self.cleaned_data["user"] = User.objects.get(email__iexact=email, is_active=True)
        except User.DoesNotExist as exc:
            raise forms.ValidationError(
                _(
                    "Det finns ingen aktiv användare med den adressen. Be en administratör bjuda in personen."
                )
            ) from exc
        return email


class RoleRevokeForm(forms.Form):
    role = forms.ChoiceField(choices=[(k, k) for k in ROLES])
    scope = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Anledning (valfri)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrganisationCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), choices=OrganisationKind.choices)
    name = forms.CharField(label=_("Namn"), max_length=200)
    short_name = forms.CharField(label=_("Kort namn"), max_length=80, required=False)
    code = forms.SlugField(
        label=_("Kod"),
        max_length=60,
        help_text=_("Små bokstäver, siffror och bindestreck. Kan inte ändras senare."),
    )
    parent = OrganisationChoiceField(
        label=_("Sjukvårdsregion"),
        queryset=Organisation.objects.healthcare_regions(),
        required=False,
        empty_label=_("– ingen –"),
        help_text=_("För en region: den sjukvårdsregion den hör till. För ett NPO: värdregionen."),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if Organisation.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Koden används redan."))
        return code


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    short_name = forms.CharField(label=_("Kort namn"), max_length=80, required=False)
    parent = OrganisationChoiceField(
        label=_("Sjukvårdsregion"),
        queryset=Organisation.objects.healthcare_regions(),
        required=False,
        empty_label=_("– ingen –"),
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False)

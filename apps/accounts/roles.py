"""The roles of DOMAIN.md as data. A national role is a global permission on the user model;
a scoped role is a guardian object permission on one organisation of the role's kind."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import OTHER_BODY_KINDS, OrganisationKind


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    codename: str
    app_label: str
    model: str
    # The kinds of organisation the role is held in; empty: a national role.
    scope_kinds: tuple[str, ...]
    description: str

    @property
    def scope_kind(self) -> str | None:
        """The role's main kind of scope (the first), or None for a national role."""
        return self.scope_kinds[0] if self.scope_kinds else None

    def accepts_scope(self, organisation) -> bool:
        return organisation is not None and organisation.kind in self.scope_kinds

    @property
    def scope_kinds_label(self) -> str:
        """ "Region", or "Region, professionsförening, … eller myndighet"."""
        labels = [str(OrganisationKind(kind).label) for kind in self.scope_kinds]
        if len(labels) < 2:
            return "".join(labels)
        rest = [label.lower() for label in labels[1:]]
        return _("%(first)s eller %(last)s") % {
            "first": ", ".join([labels[0], *rest[:-1]]),
            "last": rest[-1],
        }

    @property
    def perm(self) -> str:
        return f"{self.app_label}.{self.codename}"

    @property
    def is_national(self) -> bool:
        return not self.scope_kinds

    @property
    def scope_label(self) -> str:
        if self.is_national:
            return str(_("Nationellt"))
        return str(OrganisationKind(self.scope_kind).label)


AUTHOR = Role(
    "author",
    _("Skribent"),
    "role_author",
    "accounts",
    "organisation",
    (OrganisationKind.NPO,),
    _("Skriver och reviderar programområdets kunskapsstöd och bemöter remissynpunkter."),
)
NPO_CHAIR = Role(
    "npo_chair",
    _("Ordförande / processledare"),
    "role_npo_chair",
    "accounts",
    "organisation",
    (OrganisationKind.NPO,),
    _("Godkänner medicinskt, begär remiss och hanterar synpunkter på programområdets stöd."),
)
REMISS_COORDINATOR = Role(
    "remiss_coordinator",
    _("Remissamordnare"),
    "role_remiss_coordinator",
    "accounts",
    "organisation",
    (OrganisationKind.REGION, *OTHER_BODY_KINDS),
    _("Samlar regionens (eller organisationens) remissvar och skickar in det."),
)
REMISS_REVIEWER = Role(
    "remiss_reviewer",
    _("Remissgranskare"),
    "role_remiss_reviewer",
    "accounts",
    "organisation",
    (OrganisationKind.REGION, *OTHER_BODY_KINDS),
    _("Lämnar synpunkter i regionens (eller organisationens) utkast till remissvar."),
)
REGIONAL_EDITOR = Role(
    "regional_editor",
    _("Redaktör för regionala tillägg"),
    "role_regional_editor",
    "accounts",
    "organisation",
    (OrganisationKind.REGION,),
    _("Skriver och publicerar regionens tillägg till de nationella texterna."),
)
NATIONAL_EDITOR = Role(
    "national_editor",
    _("Nationell redaktör"),
    "role_national_editor",
    "accounts",
    "user",
    (),
    _("Redaktionell granskning, godkänner och publicerar, sköter mallar och skrivriktlinjer."),
)
ADMINISTRATOR = Role(
    "administrator",
    _("Administratör"),
    "role_administrator",
    "accounts",
    "user",
    (),
    _("Hanterar användare och deras roller."),
)

ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        AUTHOR,
        NPO_CHAIR,
        NATIONAL_EDITOR,
        REMISS_COORDINATOR,
        REMISS_REVIEWER,
        REGIONAL_EDITOR,
        ADMINISTRATOR,
    )
}
ROLES_BY_CODENAME: dict[str, Role] = {role.codename: role for role in ROLES.values()}
SCOPED_CODENAMES = [r.codename for r in ROLES.values() if not r.is_national]
NATIONAL_CODENAMES = [r.codename for r in ROLES.values() if r.is_national]

# Who may hand out a scoped role besides the administrators: an NPO chair chooses the
# NPO's writing group, a region's remiss coordinator chooses the region's reviewers.
DELEGATED_GRANTS: dict[str, str] = {
    AUTHOR.key: NPO_CHAIR.key,
    REMISS_REVIEWER.key: REMISS_COORDINATOR.key,
}

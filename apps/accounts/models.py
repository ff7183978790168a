from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    NPO = "npo", _("Nationellt programområde")
    HEALTHCARE_REGION = "healthcare_region", _("Sjukvårdsregion")
    REGION = "region", _("Region")
    PROFESSIONAL_SOCIETY = "professional_society", _("Professionsförening")
    PATIENT_ORGANISATION = "patient_organisation", _("Patientorganisation")
    MUNICIPALITY = "municipality", _("Kommun")
    AUTHORITY = "authority", _("Myndighet")
    NATIONAL = "national", _("Nationell funktion")


# Kinds that can receive a remiss besides the regions.
OTHER_BODY_KINDS = (
    OrganisationKind.PROFESSIONAL_SOCIETY,
    OrganisationKind.PATIENT_ORGANISATION,
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.AUTHORITY,
)


class OrganisationQuerySet(models.QuerySet):
    def programme_areas(self):
        return self.filter(kind=OrganisationKind.NPO)

    def healthcare_regions(self):
        return self.filter(kind=OrganisationKind.HEALTHCARE_REGION)

    def regions(self):
        return self.filter(kind=OrganisationKind.REGION)

    def other_bodies(self):
        return self.filter(kind__in=OTHER_BODY_KINDS)

    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    """Every body in the national system in one table: NPOs, healthcare regions, regions and
    the other bodies that answer a remiss. One table because a remiss goes to regions and
    other bodies alike, and a user's home organisation may be any of them. `parent` is the
    healthcare region that a region belongs to, or that hosts an NPO.

    `code` and `slug` are set once and never change: URLs, the API and other systems keep
    them, while the name can be corrected by an administrator."""

    kind = models.CharField(_("typ"), max_length=32, choices=OrganisationKind.choices)
    code = models.SlugField(_("kod"), max_length=60, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("kort namn"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("sjukvårdsregion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        # The scoped roles are object permissions on an organisation (guardian).
        permissions = [
            ("role_author", _("Skribent")),
            ("role_npo_chair", _("Ordförande / processledare")),
            ("role_remiss_coordinator", _("Remissamordnare")),
            ("role_remiss_reviewer", _("Remissgranskare")),
            ("role_regional_editor", _("Redaktör för regionala tillägg")),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key, so that "who holds a role in this NPO" is one indexed join."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("E-postadress krävs.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. E-mail is the login; roles are permissions, national ones
    global, scoped ones guardian object permissions on an organisation."""

    email = models.EmailField(_("e-postadress"), unique=True)
    full_name = models.CharField(_("namn"), max_length=150)
    profession = models.CharField(_("yrke"), max_length=120, blank=True)
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("hemorganisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("får använda Django-admin"), default=False)
    date_joined = models.DateTimeField(_("skapad"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        permissions = [
            ("role_national_editor", _("Nationell redaktör")),
            ("role_administrator", _("Administratör")),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

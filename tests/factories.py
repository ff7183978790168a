import factory
from guardian.shortcuts import assign_perm

from apps.accounts.models import Organisation, User
from apps.accounts.roles import ROLES

PASSWORD = "ett-bra-lösenord-för-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    profession = "Läkare"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def organisation(code: str) -> Organisation:
    """The real organisations are loaded by a data migration; tests use them by code."""
    return Organisation.objects.get(code=code)


def npo(code: str = "hjart-och-karlsjukdomar") -> Organisation:
    return organisation(f"npo-{code}")


def region(code: str = "uppsala") -> Organisation:
    return organisation(code)


def grant(user: User, role_key: str, scope: Organisation | None = None) -> User:
    role = ROLES[role_key]
    if not role.is_national and scope is None:
        scope = npo() if role.scope_kind == "npo" else region()
    assign_perm(role.perm, user, scope)
    if hasattr(user, "_role_assignments_cache"):
        del user._role_assignments_cache
    return user

"""What the pages of accounts show, and to whom: roles, navigation, a user's history, search,
bounded queries, the Swedish error pages, and Django admin kept for superusers."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts import services
from apps.accounts.roles import ROLES
from apps.core import audit
from tests.factories import UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def navigation(response) -> list[str]:
    menu = re.search(r'<nav class="site-nav".*?</nav>', text(response), re.S)
    return re.findall(r"<a [^>]*>([^<]+)", menu.group(0)) if menu else []


@pytest.fixture
def many_roles():
    person = UserFactory(full_name="Maja Många")
    grant(person, "author", npo())
    grant(person, "remiss_reviewer", region())
    grant(person, "national_editor")
    return person


@pytest.mark.parametrize("path", ["/arbete/", "/konto/mina-roller/"])
def test_start_page_and_my_roles_list_each_role_with_its_scope(client_for, many_roles, path):
    page = text(client_for(many_roles).get(path))

    for label, scope in [
        ("Skribent", npo().name),
        ("Remissgranskare", region().name),
        ("Nationell redaktör", "Nationellt"),
    ]:
        assert label in page
        assert scope in page


def test_start_page_tells_someone_without_roles_whom_to_ask(client_for, user):
    page = text(client_for(user).get("/arbete/"))
    assert "Du har inga roller ännu" in page


def test_my_roles_shows_the_account(client_for, user):
    page = text(client_for(user).get("/konto/mina-roller/"))
    assert user.email in page
    assert "Byt lösenord" in page


ADMIN_ENTRIES = {"Användare", "Organisationer", "Granskningslogg"}


@pytest.mark.parametrize(
    "role_key, expected",
    [
        ("none", set()),
        ("author", set()),
        ("national_editor", set()),
        ("remiss_reviewer", set()),
        ("regional_editor", set()),
        ("npo_chair", {"Organisationer"}),
        ("remiss_coordinator", {"Organisationer"}),
        ("administrator", ADMIN_ENTRIES),
    ],
)
def test_navigation_offers_administration_only_to_those_who_may_use_it(
    client_for, role_key, expected
):
    person = UserFactory()
    if role_key != "none":
        grant(person, role_key)

    entries = navigation(client_for(person).get("/konto/mina-roller/"))

    assert {"Start", "Mina roller"} <= set(entries)
    assert set(entries) & ADMIN_ENTRIES == expected


def test_user_page_shows_who_granted_revoked_and_deactivated(administrator, client_for):
    target = UserFactory(full_name="Berit Berg")
    author = ROLES["author"]
    services.role_grant(actor=administrator, user=target, role=author, scope=npo())
    services.role_revoke(actor=administrator, user=target, role=author, scope=npo())
    services.user_deactivate(actor=administrator, user=target, reason="Har gått i pension")

    page = text(client_for(administrator).get(f"/konto/anvandare/{target.pk}/"))

    history = page[page.index("<h2>Händelser</h2>") :]
    for what in ("Roll tilldelad", "Roll återkallad", "Användare inaktiverad"):
        assert what in history
    assert history.count("Anna Admin") == 3
    assert "Roll: Skribent" in history
    assert npo().name in history
    assert "Anledning: Har gått i pension" in history


def test_a_user_sees_their_own_page_without_administration(client_for, user):
    page = text(client_for(user).get(f"/konto/anvandare/{user.pk}/"))
    assert user.email in page
    assert "Tilldela roll" not in page
    assert "Inaktivera användaren" not in page


@pytest.mark.parametrize(
    "query, found",
    [
        ("cecilia", {"Cecilia Ek"}),
        ("EK", {"Cecilia Ek"}),
        ("david@region", {"David Dahl"}),
        ("Uppsala", {"Cecilia Ek"}),
        ("skåne", {"David Dahl"}),
        ("ingen-sådan", set()),
    ],
)
def test_user_list_searches_name_email_and_organisation(administrator, client_for, query, found):
    UserFactory(full_name="Cecilia Ek", email="cecilia@example.se", home_organisation=region())
    UserFactory(
        full_name="David Dahl",
        email="david@region.skane.se",
        home_organisation=region("skane"),
    )

    page = text(client_for(administrator).get("/konto/anvandare/", {"q": query}))

    shown = {name for name in ("Cecilia Ek", "David Dahl") if name in page}
    assert shown == found


# Session, user, the user's roles for the menu, the count, the rows and their prefetches.
MAX_QUERIES = 12


def _people_with_roles(administrator, count: int) -> None:
    """People with three roles each, and an audit entry about each, so that both lists grow."""
    for _number in range(count):
        person = UserFactory(home_organisation=region())
        grant(person, "author", npo())
        grant(person, "remiss_reviewer", region())
        grant(person, "national_editor")
        audit.record(
            actor=administrator,
            action="role.granted",
            obj=npo(),
            subject_user=person,
            scope=npo().name,
            details={"role": "author", "role_label": "Skribent"},
        )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/konto/anvandare/", "/granskningslogg/"])
def test_lists_run_the_same_few_queries_however_many_rows(
    administrator, client_for, django_assert_max_num_queries, path
):
    client = client_for(administrator)
    _people_with_roles(administrator, 5)
    with django_assert_max_num_queries(MAX_QUERIES):
        few = _queries(client, path)

    _people_with_roles(administrator, 35)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(client, path)

    assert many == few


def test_unknown_page_is_a_swedish_404(client, client_for, user):
    for visitor in (client, client_for(user)):
        response = visitor.get("/finns-inte/")
        assert response.status_code == 404
        assert "Sidan finns inte" in text(response)
        assert '<html lang="sv">' in text(response)


def test_forbidden_page_is_a_swedish_403(client_for, user):
    response = client_for(user).get("/konto/anvandare/")
    assert response.status_code == 403
    assert "Du har inte behörighet till den här sidan" in text(response)


@pytest.mark.parametrize("kind", ["staff", "administrator"])
@pytest.mark.parametrize("path", ["/django-admin/", "/django-admin/accounts/user/"])
def test_django_admin_is_refused_to_everyone_but_superusers(client_for, kind, path):
    person = (
        UserFactory(is_staff=True) if kind == "staff" else grant(UserFactory(), "administrator")
    )

    response = client_for(person).get(path)

    assert response.status_code == 302
    assert response.url.startswith("/django-admin/login/")


def test_django_admin_opens_for_a_superuser(client_for):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(superuser).get("/django-admin/").status_code == 200


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/"]
)
def test_revoke_never_redirects_to_another_site(next_url, client_for, administrator):
    from tests.factories import UserFactory, grant, npo

    target = grant(UserFactory(), "author", npo())
    response = client_for(administrator).post(
        f"/konto/anvandare/{target.pk}/roller/aterkalla/",
        {"role": "author", "scope": npo().pk, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/konto/anvandare/{target.pk}/"


def test_user_list_pages_keep_the_search_encoded(client_for, administrator):
    from tests.factories import UserFactory

    for index in range(55):
        UserFactory(full_name=f"Anna & Bo #{index}")
    response = client_for(administrator).get("/konto/anvandare/", {"q": "Anna & Bo"})
    assert "q=Anna+%26+Bo&amp;sida=2" in response.content.decode()

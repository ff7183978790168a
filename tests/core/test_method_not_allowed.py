"""A GET on an address that only takes a form gets a Swedish page with a way back, still with
status 405 and the Allow header (the page replaces Django's empty 405)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_get_on_a_post_only_address_explains_in_swedish_with_a_link_back(user, client_for):
    response = client_for(user).get(reverse("logout"))
    page = response.content.decode()

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Sidan kan inte öppnas så här</h1>" in page
    assert "används bara när du skickar ett formulär" in page
    assert f'<a href="{reverse("start")}">Till startsidan</a>' in page
    assert "Tillbaka till föregående sida" not in page  # nowhere known to go back to


def test_the_link_back_leads_to_the_page_the_person_came_from_on_this_site(user, client_for):
    response = client_for(user).get(reverse("logout"), HTTP_REFERER="http://testserver/notiser/")

    assert '<a href="http://testserver/notiser/">Tillbaka till föregående sida</a>' in (
        response.content.decode()
    )


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(user, client_for):
    response = client_for(user).get(reverse("logout"), HTTP_REFERER="https://evil.example/")

    assert response.status_code == 405
    assert "evil.example" not in response.content.decode()


def test_a_client_that_does_not_take_html_gets_the_plain_405(user, client_for):
    response = client_for(user).get(reverse("logout"), HTTP_ACCEPT="application/json")

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert response.content == b""

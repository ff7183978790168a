"""Two small doors (issue #8, point 13): the password reset sends a limited number of mails
per address and per client address, and the bench's minimal view is served only when the
bench asks for it."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.views import PASSWORD_RESET_RATE_PER_ADDRESS, PASSWORD_RESET_RATE_PER_CLIENT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PER_ADDRESS = int(PASSWORD_RESET_RATE_PER_ADDRESS.split("/")[0])
PER_CLIENT = int(PASSWORD_RESET_RATE_PER_CLIENT.split("/")[0])
TOO_MANY = "För många begäranden om nytt lösenord har gjorts."


def ask_for_reset(client, email: str, client_address: str = "192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=client_address)


def test_the_limits_leave_room_for_a_real_person_and_stop_a_flood():
    assert 2 <= PER_ADDRESS < PER_CLIENT < 30


def test_thirty_requests_for_one_address_send_at_most_the_limit_of_mails(client, user):
    statuses = [ask_for_reset(client, user.email).status_code for _ in range(30)]

    assert len(mail.outbox) == PER_ADDRESS
    assert {message.to[0] for message in mail.outbox} == {user.email}
    assert statuses == [302] * PER_ADDRESS + [429] * (30 - PER_ADDRESS)


def test_the_address_limit_ignores_case_and_spaces(client, user):
    for variant in [user.email, user.email.upper(), f"  {user.email}  ", user.email.title()]:
        ask_for_reset(client, variant)

    assert len(mail.outbox) == PER_ADDRESS


def test_the_address_limit_holds_from_every_client_address(client, user):
    for number in range(30):
        ask_for_reset(client, user.email, client_address=f"198.51.100.{number + 1}")

    assert len(mail.outbox) == PER_ADDRESS


def test_over_the_limit_the_same_form_page_says_why_in_swedish_with_status_429(client, user):
    for _ in range(PER_ADDRESS):
        ask_for_reset(client, user.email)

    response = ask_for_reset(client, user.email)

    assert response.status_code == 429
    page = response.content.decode()
    assert TOO_MANY in page
    assert "försök igen senare" in page
    assert 'name="email"' in page  # the same form, to try again later
    assert "registration/password_reset_form.html" in [t.name for t in response.templates]


def test_thirty_requests_from_one_client_send_at_most_the_client_limit(client):
    people = [UserFactory(email=f"person{number}@example.se") for number in range(30)]

    statuses = [ask_for_reset(client, person.email).status_code for person in people]

    assert len(mail.outbox) == PER_CLIENT
    assert statuses == [302] * PER_CLIENT + [429] * (30 - PER_CLIENT)


def test_another_address_from_another_client_still_gets_its_mail(client, user):
    other = UserFactory(email="annan@example.se")
    for _ in range(30):
        ask_for_reset(client, user.email, client_address="192.0.2.1")
    sent = len(mail.outbox)

    response = ask_for_reset(client, other.email, client_address="192.0.2.2")

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == [other.email]


def test_an_unknown_address_is_limited_exactly_as_a_known_one_so_nothing_is_revealed(client, user):
    known = [ask_for_reset(client, user.email, "192.0.2.10") for _ in range(PER_ADDRESS + 2)]
    unknown = [
        ask_for_reset(client, "ingen@example.se", "192.0.2.11") for _ in range(PER_ADDRESS + 2)
    ]

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [getattr(r, "url", None) for r in known] == [getattr(r, "url", None) for r in unknown]
    assert TOO_MANY in known[-1].content.decode()
    assert TOO_MANY in unknown[-1].content.decode()


def test_a_form_with_errors_does_not_count_against_the_address(client, user):
    for _ in range(10):
        ask_for_reset(client, "inte-en-adress")

    ask_for_reset(client, user.email)

    assert len(mail.outbox) == 1


# --- the bench's minimal view ---------------------------------------------------------------


def test_the_bench_minimal_view_is_not_served_by_default(client, settings):
    assert settings.BENCH_MINIMAL_VIEW is False
    response = client.get("/_bench/minimal/")
    assert response.status_code == 404
    assert response.content != b"ok"


def test_the_bench_minimal_view_is_served_when_the_bench_asks_for_it(client, settings):
    settings.BENCH_MINIMAL_VIEW = True
    response = client.get("/_bench/minimal/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_bench_asks_for_it_when_it_starts_its_server():
    from bench.run import server_env

    assert server_env("sqlite:///bench.sqlite3")["BENCH_MINIMAL_VIEW"] == "true"

"""The workflow on the edition page and the step pages: timeline, actions per person (links
or greyed with reasons), the step forms with their Swedish messages beside the field, 403
for non-actors, 409 for a stale page, CSRF, and scheduling a publication."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.authoring.models import Edition
from apps.authoring.workflow import TRANSITIONS
from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import footprint, make_complete, move_to, person, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(db):
    return person("npo_chair", name="Cecilia Ordförande")


def page_url(edition) -> str:
    return reverse(
        "authoring:edition_detail",
        kwargs={"code": edition.support.code, "major": edition.major, "minor": edition.minor},
    )


def step_url(edition, name: str) -> str:
    return reverse(
        "authoring:edition_step",
        kwargs={
            "code": edition.support.code,
            "major": edition.major,
            "minor": edition.minor,
            "name": name,
        },
    )


def field_error(response, field: str) -> str:
    """The error text shown beside one field (inside its own error element)."""
    match = re.search(
        rf'<div class="field-errors" id="id_{field}_error">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def actions_on_page(response) -> dict[str, tuple[str, str]]:
    """transition label -> ("link", href) or ("disabled", reasons) from the workflow panel."""
    html = response.content.decode()
    panel = re.search(r'<ul class="workflow-actions">(.*?)</ul>', html, re.S)
    assert panel, "no actions on the page"
    actions = {}
    for item in re.findall(r"<li>(.*?)</li>", panel.group(1), re.S):
        link = re.search(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', item)
        if link:
            actions[link.group(2)] = ("link", link.group(1))
            continue
        greyed = re.search(
            r'<span class="button button--secondary" aria-disabled="true">([^<]+)</span>\s*'
            r'<span class="muted">([^<]+)</span>',
            item,
        )
        assert greyed, item
        actions[greyed.group(1)] = ("disabled", greyed.group(2))
    return actions


# ---------------------------------------------------------------- the edition page


def test_edition_page_shows_the_timeline_with_comments(author, chair, edition, client_for):
    make_complete(edition, author)
    take(author, edition, "submit_for_review", comment="Klar för granskning.")
    take(chair, edition, "return_from_internal_review", comment="Referenserna saknar länkar.")

    html = client_for(author).get(page_url(edition)).content.decode()
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    steps = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    assert len(steps) == 2
    assert "Utkast → Intern granskning" in steps[0]
    assert "Astrid Författare" in steps[0]
    assert "”Klar för granskning.”" in steps[0]
    assert "Intern granskning → Utkast" in steps[1]
    assert "”Referenserna saknar länkar.”" in steps[1]


APPROVE, RETURN, ABANDON = "Godkänn för remiss", "Skicka tillbaka för ändringar", "Avbryt versionen"


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("author", {ABANDON}),
        ("chair", {APPROVE, RETURN}),
        ("national_editor", {ABANDON}),
        ("administrator", set()),
    ],
)
def test_edition_page_shows_allowed_actions_as_links_and_refused_ones_greyed_with_reasons(
    request, edition, client_for, who, links
):
    user = request.getfixturevalue(who)
    edition = move_to(edition, S.INTERNAL_REVIEW)

    actions = actions_on_page(client_for(user).get(page_url(edition)))

    assert set(actions) == {APPROVE, RETURN, ABANDON}
    for label, (kind, detail) in actions.items():
        if label in links:
            assert kind == "link", label
            assert detail.startswith(page_url(edition) + "steg/")
        else:
            assert kind == "disabled", label
            assert detail.startswith("Inte för dig nu: Steget görs av"), detail
    if APPROVE in links:
        assert actions[APPROVE][1] == step_url(edition, "approve_for_consultation")


def test_edition_page_greys_the_approval_for_the_one_who_submitted(author, edition, client_for):
    both = person("author", "npo_chair", name="Skribent och ordförande")
    make_complete(edition, author)
    take(both, edition, "submit_for_review")

    actions = actions_on_page(client_for(both).get(page_url(edition)))

    assert actions[APPROVE][0] == "disabled"
    assert "Fyra ögon" in actions[APPROVE][1]
    assert actions[RETURN][0] == "link"


# ---------------------------------------------------------------- the step pages


@pytest.mark.parametrize("name", [t.name for t in TRANSITIONS])
def test_every_step_page_answers(national_editor, edition, client_for, name):
    response = client_for(national_editor).get(step_url(edition, name))
    assert response.status_code == 200
    assert f'name="lock_version" value="{edition.lock_version}"' in response.content.decode()


def test_an_unknown_step_is_404(national_editor, edition, client_for):
    assert client_for(national_editor).get(step_url(edition, "teleportera")).status_code == 404
    assert client_for(national_editor).post(step_url(edition, "teleportera")).status_code == 404


def test_step_page_shows_why_it_is_refused(administrator, edition, client_for):
    html = client_for(administrator).get(step_url(edition, "submit_for_review")).content.decode()
    assert "Steget kan inte tas just nu" in html
    assert "Steget görs av skribent i programområdet." in html


@pytest.mark.parametrize("who", ["administrator", "chair", "national_editor"])
def test_a_step_posted_by_someone_who_may_not_take_it_is_403_and_changes_nothing(
    request, author, edition, client_for, who
):
    make_complete(edition, author)
    edition = Edition.objects.get(pk=edition.pk)
    before = footprint(edition)
    response = client_for(request.getfixturevalue(who)).post(
        step_url(edition, "submit_for_review"), {"lock_version": edition.lock_version}
    )
    assert response.status_code == 403
    assert footprint(edition) == before


def test_a_successful_step_redirects_to_the_edition_page(author, edition, client_for):
    make_complete(edition, author)
    edition = Edition.objects.get(pk=edition.pk)
    client = client_for(author)
    response = client.post(
        step_url(edition, "submit_for_review"),
        {"lock_version": edition.lock_version, "comment": "Klar."},
    )
    assert response.status_code == 302
    assert response.url == page_url(edition)
    assert Edition.objects.get(pk=edition.pk).state == S.INTERNAL_REVIEW
    follow = client.get(response.url)
    assert "Klart: versionen har nu status ”Intern granskning”." in follow.content.decode()


def test_a_refused_step_that_the_user_may_take_later_is_400_with_reasons(
    author, edition, client_for
):
    before = footprint(edition)
    response = client_for(author).post(
        step_url(edition, "submit_for_review"), {"lock_version": edition.lock_version}
    )
    assert response.status_code == 400
    assert "punkter som inte är uppfyllda" in response.content.decode()
    assert footprint(edition) == before


def test_a_missing_reason_is_400_with_the_message_beside_the_field(chair, edition, client_for):
    edition = move_to(edition, S.INTERNAL_REVIEW)
    before = footprint(edition)
    response = client_for(chair).post(
        step_url(edition, "return_from_internal_review"),
        {"lock_version": edition.lock_version, "comment": "   "},
    )
    assert response.status_code == 400
    assert "Ange en motivering." in field_error(response, "comment")
    assert footprint(edition) == before


def test_a_stale_page_is_409_with_a_swedish_message(author, edition, client_for):
    make_complete(edition, author)
    edition = Edition.objects.get(pk=edition.pk)
    before = footprint(edition)
    response = client_for(author).post(
        step_url(edition, "submit_for_review"),
        {"lock_version": edition.lock_version + 5, "comment": "Min text finns kvar."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Versionen har ändrats sedan sidan visades. Ladda om och försök igen." in html
    assert "Min text finns kvar." in html
    assert footprint(edition) == before


def test_a_forged_csrf_token_is_403(author, edition):
    make_complete(edition, author)
    edition = Edition.objects.get(pk=edition.pk)
    before = footprint(edition)
    client = Client(enforce_csrf_checks=True)
    client.force_login(author, backend="django.contrib.auth.backends.ModelBackend")
    client.get(step_url(edition, "submit_for_review"))
    response = client.post(
        step_url(edition, "submit_for_review"),
        {"lock_version": edition.lock_version, "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert footprint(edition) == before


# ---------------------------------------------------------------- open_consultation


def _in_weeks(weeks: int) -> str:
    from apps.remiss.calendar import next_working_day

    return next_working_day(timezone.localdate() + timedelta(weeks=weeks)).isoformat()


# Dates set by hand (not one of the calendar's windows) need a reason.
MANUAL_DATES = {"window": "egna", "dates_reason": "Egna datum i testet."}


@pytest.fixture
def ready(edition):
    return move_to(edition, S.READY_FOR_CONSULTATION)


def _regions():
    from apps.accounts.models import Organisation

    return [o.pk for o in Organisation.objects.regions().active()]


@pytest.mark.parametrize(
    ("closes_on", "field", "message"),
    [
        (timezone.localdate, "closes_on", "Sista svarsdag måste ligga efter i dag."),
        (lambda: "imorgon", "closes_on", "Fyll i ett giltigt datum."),
        (lambda: "", "closes_on", "Ange sista svarsdag."),
    ],
    ids=["today-or-past", "garbage", "missing"],
)
def test_open_consultation_with_a_bad_closing_date_is_400_beside_the_field(
    national_editor, ready, client_for, closes_on, field, message
):
    before = footprint(ready)
    response = client_for(national_editor).post(
        step_url(ready, "open_consultation"),
        {
            "lock_version": ready.lock_version,
            "kind": "remiss",
            "regions": _regions(),
            "closes_on": str(closes_on()),
            **MANUAL_DATES,
        },
    )
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert footprint(ready) == before


def test_open_consultation_with_a_closing_date_in_the_past_is_400(
    national_editor, ready, client_for
):
    before = footprint(ready)
    response = client_for(national_editor).post(
        step_url(ready, "open_consultation"),
        {
            "lock_version": ready.lock_version,
            "kind": "remiss",
            "regions": _regions(),
            "closes_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
            **MANUAL_DATES,
        },
    )
    assert response.status_code == 400
    assert "Sista svarsdag måste ligga efter i dag." in field_error(response, "closes_on")
    assert footprint(ready) == before


def test_open_consultation_without_recipients_is_400(national_editor, ready, client_for):
    before = footprint(ready)
    response = client_for(national_editor).post(
        step_url(ready, "open_consultation"),
        {
            "lock_version": ready.lock_version,
            "kind": "remiss",
            "closes_on": _in_weeks(6),
            **MANUAL_DATES,
        },
    )
    assert response.status_code == 400
    assert "Välj minst en mottagare." in response.content.decode()
    assert footprint(ready) == before


def test_open_consultation_through_the_page(national_editor, ready, client_for):
    response = client_for(national_editor).post(
        step_url(ready, "open_consultation"),
        {
            "lock_version": ready.lock_version,
            "kind": "synpunktsinhamtning",
            "regions": _regions()[:3],
            "closes_on": _in_weeks(6),
            **MANUAL_DATES,
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get(pk=ready.pk)
    assert edition.state == S.IN_CONSULTATION
    consultation = edition.consultations.get()
    assert consultation.kind == "synpunktsinhamtning"
    assert consultation.recipients.count() == 3


# ---------------------------------------------------------------- publish


@pytest.fixture
def approved(edition):
    return move_to(edition, S.APPROVED)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


REVIEW = (timezone.localdate() + timedelta(days=900)).isoformat()


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"when": "later", "publish_at": ""}, "publish_at", "Ange när versionen ska publiceras."),
        (
            {"when": "later", "publish_at": _local(timezone.now() - timedelta(hours=2))},
            "publish_at",
            "Tidpunkten måste ligga i framtiden.",
        ),
        (
            {"when": "later", "publish_at": "nästa tisdag"},
            "publish_at",
            "Fyll i ett giltigt datum/tid.",
        ),
        (
            {"when": "now", "next_review_date": "2001-01-01"},
            "next_review_date",
            "Datum för nästa revision måste ligga i framtiden.",
        ),
    ],
    ids=["later-without-time", "later-in-the-past", "later-garbage", "review-in-the-past"],
)
def test_publish_with_bad_input_is_400_beside_the_field(
    national_editor, approved, client_for, post, field, message
):
    before = footprint(approved)
    response = client_for(national_editor).post(
        step_url(approved, "publish"),
        {"lock_version": approved.lock_version, "next_review_date": REVIEW, **post},
    )
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert footprint(approved) == before


def test_publish_later_schedules_and_keeps_the_edition_approved(
    national_editor, approved, client_for
):
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client_for(national_editor).post(
        step_url(approved, "publish"),
        {
            "lock_version": approved.lock_version,
            "when": "later",
            "publish_at": _local(when),
            "next_review_date": REVIEW,
        },
    )
    assert response.status_code == 302
    assert response.url == page_url(approved)
    edition = Edition.objects.get(pk=approved.pk)
    assert edition.state == S.APPROVED
    assert edition.scheduled_publish_at == when
    assert edition.next_review_date.isoformat() == REVIEW
    assert edition.lock_version == approved.lock_version + 1
    page = client_for(national_editor).get(page_url(edition)).content.decode()
    assert "Planerad publicering:" in page


def test_publish_now_through_the_page(national_editor, approved, client_for):
    response = client_for(national_editor).post(
        step_url(approved, "publish"),
        {"lock_version": approved.lock_version, "when": "now", "next_review_date": REVIEW},
    )
    assert response.status_code == 302
    edition = Edition.objects.get(pk=approved.pk)
    assert edition.state == S.PUBLISHED
    assert edition.next_review_date.isoformat() == REVIEW

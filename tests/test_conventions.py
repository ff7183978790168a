"""The conventions of the application and of its tests, checked so that they stay kept.

- A form sent with errors is shown again with FORM_ERRORS_STATUS (400), on every form page of
  the application; the same page shown for the first time is 200 (apps/core/forms.py).
- A test states the one status a view must give: no `status_code in (...)`.
- Shared test builders live in helpers modules (tests/authoring/helpers.py, tests/factories.py),
  never in another test file: no test imports from a test_*.py module."""

import ast
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from apps.core.forms import CONFLICT_STATUS, FORM_ERRORS_STATUS, form_status
from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo

TESTS = Path(__file__).parent
TEST_FILES = sorted(TESTS.rglob("test_*.py"))

# `status_code in (200, 302)`, `in {403, 404}`, `in [...]`, `not in (...)`: an assertion that
# accepts several statuses says nothing about which one the view must give.
STATUS_IN = re.compile(r"status_code\s+(?:not\s+)?in\s*[(\[{]")


def _is_test_module(name: str) -> bool:
    return any(part.startswith("test_") for part in name.split("."))


def _test_module_imports(path: Path) -> list[str]:
    """The test_*.py modules that `path` imports from (at any depth, also inside functions,
    also relative imports)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if _is_test_module(module):
                found.append(module)
            else:
                found += [f"{module}.{a.name}" for a in node.names if _is_test_module(a.name)]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if _is_test_module(a.name)]
    return found


def test_the_convention_checks_see_the_test_files():
    assert TESTS / "test_conventions.py" in TEST_FILES
    assert len(TEST_FILES) > 20


def test_no_test_accepts_several_statuses():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{number}: {line.strip()}"
        for path in TEST_FILES
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if STATUS_IN.search(line) and path.name != "test_conventions.py"
    ]
    assert offenders == [], "state the one status the view must give:\n" + "\n".join(offenders)


def test_the_status_check_would_catch_a_loose_assertion():
    assert STATUS_IN.search("assert response.status_code in (200, 302)")
    assert STATUS_IN.search("assert r.status_code in {403, 404}, path")
    assert STATUS_IN.search("assert response.status_code not in [500]")
    assert not STATUS_IN.search("assert response.status_code == 400")


def test_no_test_imports_from_another_test_module():
    offenders = {
        str(path.relative_to(TESTS.parent)): imports
        for path in TEST_FILES
        if (imports := _test_module_imports(path))
    }
    assert offenders == {}, "move shared builders into a helpers module"


def test_the_import_check_would_catch_an_import_from_a_test_module(tmp_path):
    loose = tmp_path / "test_loose.py"
    loose.write_text(
        "from tests.authoring.test_workflow import take\n"
        "def test_x():\n    from tests.core import test_audit\n"
        "from .test_views import page\n"
        "from tests.authoring import helpers\n",
        "utf-8",
    )
    assert _test_module_imports(loose) == [
        "tests.authoring.test_workflow",
        ".test_views",
        "tests.core.test_audit",
    ]


# --- the status of a form with errors -------------------------------------------------------------


class _NameForm(forms.Form):
    name = forms.CharField()


def test_form_status_is_400_only_for_a_sent_form_with_errors():
    assert (FORM_ERRORS_STATUS, CONFLICT_STATUS) == (400, 409)
    assert form_status(_NameForm()) == 200
    assert form_status(_NameForm({"name": "Anna"})) == 200
    assert form_status(_NameForm({})) == FORM_ERRORS_STATUS
    assert form_status(None, _NameForm({"name": "Anna"}), _NameForm({})) == FORM_ERRORS_STATUS
    valid_but_refused = _NameForm({"name": "Anna"})
    valid_but_refused.is_valid()
    valid_but_refused.add_error("name", "Namnet är upptaget.")  # as apply_validation_error does
    assert form_status(valid_but_refused) == FORM_ERRORS_STATUS


def _people():
    admin = grant(UserFactory(full_name="Anna Admin"), "administrator")
    author = grant(UserFactory(full_name="Astrid Författare"), "author", npo())
    editor = grant(UserFactory(full_name="Nora Redaktör"), "national_editor")
    return {"administrator": admin, "author": author, "national_editor": editor}


def _form_pages(people) -> list[tuple[str, str, str, dict, bool]]:
    """(name, who, url, data with errors, whether a GET shows the empty form). The data is
    never empty: a browser always sends the form's fields (and its CSRF token), and an empty
    POST is read as a form not sent (`request.POST or None`)."""
    admin = people["administrator"]
    support = helpers.make_support(people["author"])
    edition = helpers.working_edition(support)
    block = helpers.add_block(people["author"], helpers.section_of(edition), "Text.")
    prefix = f"b-{str(block.uid)[:8]}"
    template = helpers.clinical()
    return [
        ("user_invite", "administrator", reverse("accounts:user_invite"), {"email": ""}, True),
        (
            "user_edit",
            "administrator",
            reverse("accounts:user_edit", kwargs={"pk": admin.pk}),
            {"full_name": ""},
            True,
        ),
        (
            "user_role_grant",
            "administrator",
            reverse("accounts:user_role_grant", kwargs={"pk": admin.pk}),
            {"role": "astronaut"},
            False,
        ),
        (
            "user_deactivate",
            "administrator",
            reverse("accounts:user_deactivate", kwargs={"pk": people["author"].pk}),
            {"reason": "x" * 5000},
            False,
        ),
        (
            "organisation_create",
            "administrator",
            reverse("accounts:organisation_create"),
            {"name": ""},
            True,
        ),
        (
            "organisation_edit",
            "administrator",
            reverse("accounts:organisation_edit", kwargs={"code": npo().code}),
            {"name": ""},
            True,
        ),
        (
            "organisation_grant",
            "administrator",
            reverse("accounts:organisation_grant", kwargs={"code": npo().code}),
            {"user": "999999", "role": "author"},
            False,
        ),
        ("support_create", "author", reverse("authoring:support_create"), {"title": ""}, True),
        (
            "support_edit",
            "author",
            reverse("authoring:support_edit", kwargs={"code": support.code}),
            {"title": ""},
            True,
        ),
        (
            "template_section_edit",
            "national_editor",
            reverse(
                "authoring:template_section_edit",
                kwargs={"code": template.code, "key": "behandling"},
            ),
            {"title": ""},
            True,
        ),
        (
            "template_section_add",
            "national_editor",
            reverse("authoring:template_section_add", kwargs={"code": template.code}),
            {"title": ""},
            True,
        ),
        (
            "block_save",
            "author",
            edition.url("authoring:block_save", uid=block.uid),
            {f"{prefix}-body": "Text.", f"{prefix}-lock_version": "inte-ett-tal"},
            False,
        ),
        (
            "edition_step",
            "author",
            reverse(
                "authoring:edition_step",
                kwargs={
                    "code": support.code,
                    "major": edition.major,
                    "minor": edition.minor,
                    "name": "submit_for_review",
                },
            ),
            {"lock_version": edition.lock_version, "comment": "x" * 5000},
            True,
        ),
    ]


FORM_PAGES = [
    "user_invite",
    "user_edit",
    "user_role_grant",
    "user_deactivate",
    "organisation_create",
    "organisation_edit",
    "organisation_grant",
    "support_create",
    "support_edit",
    "template_section_edit",
    "template_section_add",
    "block_save",
    "edition_step",
]


@pytest.mark.django_db
def test_every_form_page_answers_a_form_with_errors_with_400_and_shows_the_errors(client_for):
    people = _people()
    pages = _form_pages(people)
    assert [name for name, *_rest in pages] == FORM_PAGES

    for name, who, url, data, has_get in pages:
        client = client_for(people[who])
        if has_get:
            assert client.get(url).status_code == 200, name
        response = client.post(url, data)
        assert response.status_code == FORM_ERRORS_STATUS, (name, response.status_code)
        assert 'class="error-message"' in response.content.decode(), name


@pytest.mark.django_db
def test_sign_in_with_errors_is_400_too(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "ingen@example.se", "password": "fel"})
    assert response.status_code == FORM_ERRORS_STATUS
    assert "Fel e-postadress eller lösenord" in response.content.decode()

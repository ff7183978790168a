"""The API fuzzed against its own generated schema (schemathesis): for every operation,
requests that the schema allows and requests that it does not, with no server error, no
status or content type the schema does not name, no body that breaks the schema, no valid
request refused and no invalid one accepted.

The addresses of real supports (current, withdrawn, never published) are mixed into the
generated ones, so that whole detail bodies are checked against the schema too. Bounded
(25 generated examples an operation, a fixed seed) so that `make test` stays quick."""

import hashlib
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from apps.publishing.api.v1 import openapi_document
from config.wsgi import application
from tests.authoring.helpers import person
from tests.publishing.api_helpers import build_world
from tests.publishing.regional_helpers import write

pytestmark = pytest.mark.django_db

# Loaded when the module is collected, from the same bytes /api/v1/openapi.json serves
# (schemathesis' lazy fixture loader does not run under pytest 9).
CONFIG = {
    "seed": 2026,
    # A withdrawn support's address answers 410 Gone, as the schema says: an answer to a
    # valid request like 404 is.
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]
        }
    },
}
schema = schemathesis.openapi.from_dict(
    json.loads(openapi_document()), config=SchemathesisConfig.from_dict(CONFIG)
)
schema.app = application


@pytest.fixture(scope="module")
def addresses(django_db_setup, django_db_blocker):
    """One world for every operation's test (building it costs seconds): made in a
    transaction of the module's own, around the tests' transactions, and rolled back at
    the end. Each test starts with an empty cache (tests/conftest.py), so nothing that the
    publications would have announced is missed."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(person("author"), person("national_editor"))
        # A region's addition, so that its list's body is checked against the schema too.
        write(world.current, section="behandling", body="Regionens tillägg.")
        yield {
            "slug": [
                world.current.slug,
                world.current.code,
                world.pathway.slug,
                world.withdrawn.slug,
                world.draft.slug,
                world.approved.code,
            ],
            "version": ["1.0", "1.1", "1.2"],
            "code": ["uppsala", "skane", "npo-hjart-och-karlsjukdomar"],
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _requests_keep_the_tests_connection():
    """Schemathesis calls the WSGI application itself, and Django closes a connection that
    is inside a transaction when a request ends: that would be the test's. Django's own test
    client unhooks the same two signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _mix_in(case, addresses: dict) -> None:
    """Half of the allowed path parameters become real ones, chosen by the generated value
    so that a run is repeatable."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    for name, value in list(case.path_parameters.items()):
        real = addresses.get(name)
        if not real:
            continue
        digest = hashlib.sha256(str(value).encode()).digest()
        if digest[0] % 2:
            case.path_parameters[name] = real[digest[1] % len(real)]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_breaks_the_api(case, addresses):
    _mix_in(case, addresses)
    case.call_and_validate()


def test_the_fuzzed_schema_is_the_one_the_api_serves(client):
    served = client.get("/api/v1/openapi.json")

    assert served.status_code == 200
    assert json.loads(served.content) == json.loads(openapi_document())
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert operations >= {
        "GET /api/v1/kunskapsstod/",
        "GET /api/v1/kunskapsstod/{slug}/",
        "GET /api/v1/kunskapsstod/{slug}/versioner/{version}/",
        "GET /api/v1/andringar/",
    }

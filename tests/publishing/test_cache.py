"""The public cache: values are found again until the support they show (or any public list)
changes, and a change is forgotten only once it is committed."""

import pytest
from django.db import transaction

from apps.authoring.public_changes import announce_public_change
from apps.publishing.cache import forget_support, generations, public_cached, public_key
from tests.authoring.helpers import person
from tests.publishing.helpers import next_edition, publish_now, published_support


def counting_builder(value="sida"):
    calls = []

    def build():
        calls.append(1)
        return f"{value} {len(calls)}"

    return build, calls


def test_a_value_is_built_once_and_then_read_from_the_cache():
    build, calls = counting_builder()

    first = public_cached("support-page", build, support_id=7, variant=("primarvard",))
    second = public_cached("support-page", build, support_id=7, variant=("primarvard",))

    assert first == second == "sida 1"
    assert len(calls) == 1


def test_each_variant_and_each_support_has_its_own_value():
    build, calls = counting_builder()

    public_cached("support-page", build, support_id=7, variant=("primarvard",))
    public_cached("support-page", build, support_id=7, variant=("specialiserad",))
    public_cached("support-page", build, support_id=8, variant=("primarvard",))

    assert len(calls) == 3


def test_forgetting_a_support_rebuilds_its_values_and_every_value_that_lists_supports():
    build, calls = counting_builder()
    public_cached("support-page", build, support_id=7)
    public_cached("support-page", build, support_id=8)
    public_cached("start-page", build)

    forget_support(support_id=7)
    public_cached("support-page", build, support_id=7)
    public_cached("support-page", build, support_id=8)
    public_cached("start-page", build)

    # Every public value depends on the lists too: a support page links to other supports,
    # and a withdrawn one must vanish from those links at once.
    assert len(calls) == 6


def test_generations_move_on_when_a_support_is_forgotten():
    before = generations(3)

    forget_support(support_id=3)

    after = generations(3)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1
    assert public_key("x", support_id=3) != public_key("x", support_id=4)


@pytest.mark.django_db
def test_an_announcement_forgets_only_after_the_commit(django_capture_on_commit_callbacks):
    before = generations(5)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            announce_public_change(support_id=5, reason="published")
        assert generations(5) == before

    assert generations(5) != before


@pytest.mark.django_db
def test_a_rolled_back_announcement_forgets_nothing(django_capture_on_commit_callbacks):
    before = generations(5)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        announce_public_change(support_id=5, reason="published")
        raise RuntimeError("the publication fails after the step")

    assert callbacks == []
    assert generations(5) == before


@pytest.mark.django_db
def test_publishing_a_new_edition_forgets_what_was_cached_for_the_support(
    django_capture_on_commit_callbacks,
):
    author, editor = person("author"), person("national_editor")
    support = published_support(author, editor)
    build, calls = counting_builder()
    public_cached("support-page", build, support_id=support.pk)

    with django_capture_on_commit_callbacks(execute=True):
        publish_now(next_edition(author, support), editor)
    public_cached("support-page", build, support_id=support.pk)

    assert len(calls) == 2


@pytest.mark.django_db
def test_a_published_supports_new_title_reaches_readers_at_once(
    client, django_capture_on_commit_callbacks
):
    from apps.authoring import services

    author, editor = person("author"), person("national_editor")
    support = published_support(author, editor, title="Hjärtsvikt – behandling")
    client.get(f"/stod/{support.slug}/")  # cached with the old title

    with django_capture_on_commit_callbacks(execute=True):
        services.support_update(
            actor=author,
            support=support,
            title="Hjärtsvikt – behandling av vuxna",
            diagnoses=["I50.9"],
            target_professions=[],
            related_supports=[],
        )

    assert "behandling av vuxna" in client.get(f"/stod/{support.slug}/").content.decode()
    assert "behandling av vuxna" in client.get("/?q=hj%C3%A4rtsvikt").content.decode()


def test_a_publication_in_one_process_is_seen_by_another_with_the_configured_cache(tmp_path):
    """gunicorn's workers are separate processes: the configured (non-test) cache must carry
    the forgetting from the worker that published to the one that serves the next reader."""
    import subprocess
    import sys

    from django.conf import settings
    from django.core.cache.backends.filebased import FileBasedCache

    from config.settings import base

    assert base.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    location = str(tmp_path / "cache")
    shared = FileBasedCache(location, {})
    shared.set("publishing:generation:support:9", 4, timeout=None)
    code = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE']='config.settings.development';"
        f"os.environ['CACHE_DIR']={location!r};"
        "django.setup();"
        "from apps.publishing.cache import forget_support;"
        "forget_support(support_id=9)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR, timeout=60)

    assert shared.get("publishing:generation:support:9") == 5

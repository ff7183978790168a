"""The public side's cache: pages, fragments and API bodies, through Django's cache framework
so that several application servers can share one cache (a `CACHES` setting away).

Nothing is deleted key by key. Every cached value's key holds two generation numbers: one for
all public lists (the start page, search, the API list and change feed, the sitemap) and one
for the support it shows. When public content changes, `forget_support` (a listener of
authoring's public-change announcement, called after commit) moves both numbers on, and every
key built before then is never read again and ages out. A support's own values depend on
the lists' number too, because its page links to other supports (a withdrawn one must leave
those links at once); publications are a few a day, so forgetting this much costs little. A rolled-back publication announces
nothing, so it forgets nothing.

    body = public_cached("support-page", build, support_id=support.pk, variant=(level,))
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

_LISTS = "publishing:generation:lists"


def _support_key(support_id: int) -> str:
    return f"publishing:generation:support:{support_id}"


def _generation(key: str) -> int:
    value = cache.get(key)
    if value is None:
        # add() so that two servers starting at once agree on one number.
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return value


def _move_on(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def generations(support_id: int | None = None) -> tuple[int, ...]:
    """The numbers a key is built with (also a cheap ETag ingredient). One cache round trip
    when they exist."""
    keys = [_LISTS] if support_id is None else [_LISTS, _support_key(support_id)]
    found = cache.get_many(keys)
    return tuple(found[key] if key in found else _generation(key) for key in keys)


def public_key(name: str, *, support_id: int | None = None, variant: Iterable = ()) -> str:
    parts = [name, *map(str, generations(support_id)), *map(str, variant)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"publishing:{name}:{support_id or '-'}:{digest}"


def public_cached(
    name: str, build: Callable[[], object], *, support_id: int | None = None, variant=()
):
    """What `build()` gives, from the cache when this name, support and variant was built
    since the last change. `variant` holds whatever else the value depends on (the care
    level, the page number, the query)."""
    key = public_key(name, support_id=support_id, variant=variant)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.PUBLIC_CACHE_SECONDS)
    return value


def forget_support(*, support_id: int, reason: str = "") -> None:
    """Whatever was cached for this support, and every public list, is stale."""
    _move_on(_LISTS)
    _move_on(_support_key(support_id))

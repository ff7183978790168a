"""Announcing that what readers see has changed (a publication, a withdrawal, and later a
regional addition published), so that the app that serves readers can drop what it cached.

Authoring cannot import the publishing app (it sits above), so publishing registers a
listener from its AppConfig.ready(). The announcement runs after the commit of the change:
a rolled-back publication announces nothing, and a reader never gets the old page cached
again after the new one is visible in the database."""

from collections.abc import Callable

from django.db import transaction

_LISTENERS: list[Callable[..., None]] = []


def register_public_change_listener(listener: Callable[..., None]) -> None:
    """`listener(support_id=..., reason=...)`, called after commit."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def announce_public_change(*, support_id: int, reason: str) -> None:
    """`reason` names what happened ("published", "withdrawn", "addition_published"), for a
    listener that reacts differently (a change feed, say)."""

    def tell_listeners():
        for listener in list(_LISTENERS):
            listener(support_id=support_id, reason=reason)

    transaction.on_commit(tell_listeners)

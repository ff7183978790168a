"""Mina uppgifter: what waits for a person in each of their roles and scopes. Each app that
creates work registers a provider from its AppConfig.ready(); a provider returns the tasks of
one user with a fixed number of queries, whatever the number of editions."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Task:
    title: str
    action: str
    role: str
    scope: str
    since: datetime
    url: str


TASK_PROVIDERS: list[Callable[[object], list[Task]]] = []


def register_task_provider(provider: Callable[[object], list[Task]]) -> None:
    TASK_PROVIDERS.append(provider)


def tasks_for(user) -> list[Task]:
    """All tasks, oldest first; computed once per request and kept on the user object."""
    cached = getattr(user, "_inbox_cache", None)
    if cached is None:
        cached = sorted(
            (task for provider in TASK_PROVIDERS for task in provider(user)),
            key=lambda t: t.since,
        )
        user._inbox_cache = cached
    return cached

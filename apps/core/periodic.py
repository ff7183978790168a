"""Periodic work for cron, gathered in one command (`manage.py run_scheduled`). Each app
registers its idempotent jobs; a job returns a line saying what it did."""

from collections.abc import Callable

JOBS: list[tuple[str, Callable[[], str]]] = []


def register_job(name: str, job: Callable[[], str]) -> None:
    JOBS.append((name, job))

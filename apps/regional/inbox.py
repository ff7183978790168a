"""Mina uppgifter: the additions of a regional editor's regions that wait for review after a
new national edition. One query per call, whatever the number of additions and regions."""

from django.utils.translation import gettext as _

from apps.accounts.inbox import Task
from apps.accounts.roles import REGIONAL_EDITOR

from .models import FlagReason, RegionalAddition
from .permissions import edited_regions


def review_tasks(user) -> list[Task]:
    regions = edited_regions(user)
    if not regions:
        return []
    additions = (
        RegionalAddition.objects.needing_review()
        .filter(region__in=[region.pk for region in regions])
        .select_related("region", "support", "support__current_published_edition")
        .order_by("flagged_at", "pk")
    )
    tasks = []
    for addition in additions:
        edition = addition.support.current_published_edition
        number = edition.number if edition is not None else ""
        if addition.flag_reason == FlagReason.REMOVED:
            action = _(
                "Granska tillägget (%(kind)s): texten under det finns inte i version %(number)s"
            )
        else:
            action = _(
                "Granska tillägget (%(kind)s): den nationella texten har ändrats i version %(number)s"
            )
        tasks.append(
            Task(
                title=f"{addition.support.code} {addition.support.title}",
                action=action % {"kind": addition.get_kind_display().lower(), "number": number},
                role=str(REGIONAL_EDITOR.label),
                scope=addition.region.display_name,
                since=addition.flagged_at,
                url=addition.review_url(),
            )
        )
    return tasks

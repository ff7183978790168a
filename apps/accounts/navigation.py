"""What the navigation and the start page offer each user, drawn from their roles.

Higher apps (authoring, workflow, remiss …) register their own entries from their
AppConfig.ready(), so that accounts never imports them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from . import permissions


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 50
    # Optional: a number shown beside the label (tasks waiting), computed once per request.
    badge: Callable[[object], int] | None = None
    badge_label: str = ""  # read after the number by screen readers: "3 väntar"

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    NAV_ITEMS[item.key] = item


def items_for(user) -> list[dict]:
    result = []
    for item in sorted(NAV_ITEMS.values(), key=lambda i: i.order):
        if item.visible(user):
            result.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "url": item.url,
                    "badge": item.badge(user) if item.badge else None,
                    "badge_label": item.badge_label,
                }
            )
    return result


def _signed_in(user) -> bool:
    return user.is_authenticated


def _manages_members(user) -> bool:
    return permissions.is_administrator(user) or bool(
        permissions.scopes_of(user, "npo_chair")
        or permissions.scopes_of(user, "remiss_coordinator")
    )


register_nav_item(NavItem("start", "Start", "start", _signed_in, order=0))
register_nav_item(
    NavItem("users", "Användare", "accounts:user_list", permissions.may_manage_users, order=80)
)
register_nav_item(
    NavItem("organisations", "Organisationer", "accounts:organisation_list", _manages_members, 85)
)
register_nav_item(
    NavItem("audit", "Granskningslogg", "core:audit_log", permissions.may_read_audit_log, 90)
)
register_nav_item(NavItem("my_roles", "Mina roller", "accounts:my_roles", _signed_in, order=95))


def _task_count(user) -> int:
    from .inbox import tasks_for

    return len(tasks_for(user))


register_nav_item(
    NavItem(
        "tasks", "Mina uppgifter", "tasks", _signed_in, 5, badge=_task_count, badge_label="väntar"
    )
)


def _unread_notifications(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


register_nav_item(
    NavItem(
        "notifications",
        "Notiser",
        "core:notifications",
        _signed_in,
        96,
        badge=_unread_notifications,
        badge_label="olästa",
    )
)

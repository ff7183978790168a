"""Panels that higher apps add to an edition's page (the remiss round's dates, say), so that
authoring draws them without importing those apps. Each app registers from its
AppConfig.ready(): `register_edition_panel(template_name, context)`, where
`context(request, edition)` gives the template's `panel` context, or None to show nothing.
A context function runs a constant number of queries: it is asked once per page."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EditionPanel:
    template_name: str
    context: Callable[..., dict | None]


_PANELS: list[EditionPanel] = []


def register_edition_panel(template_name: str, context: Callable[..., dict | None]) -> None:
    panel = EditionPanel(template_name, context)
    if panel not in _PANELS:
        _PANELS.append(panel)


def edition_panels(request, edition) -> list[dict]:
    """[{"template": ..., "panel": {...}}] for the panels that have something to show."""
    shown = []
    for panel in _PANELS:
        context = panel.context(request, edition)
        if context is not None:
            shown.append({"template": panel.template_name, "panel": context})
    return shown

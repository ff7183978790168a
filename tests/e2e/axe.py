"""Accessibility check for the browser journeys: axe-core through axe-playwright-python.

Every page a journey visits is checked. A violation of impact "serious" or "critical" fails
the test; the message names the rule, its help text and every offending element, so that the
fix can be made without re-running the browser.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = frozenset({"serious", "critical"})

# WCAG 2.1 A and AA, the level the public sector must meet (lagen om tillgänglighet till
# digital offentlig service), plus axe's best practices (landmarks, skip link, headings).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}

_axe = Axe()


def _describe(violation: dict) -> str:
    lines = [
        f"- {violation['id']} ({violation['impact']}): {violation['help']}",
        f"  {violation.get('helpUrl', '')}",
    ]
    for node in violation["nodes"]:
        target = " ".join(str(t) for t in node.get("target", []))
        lines.append(f"    at {target}")
        html = node.get("html", "")
        if html:
            lines.append(f"       {html[:300]}")
        summary = node.get("failureSummary", "")
        if summary:
            lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """All axe violations on the page as it is now (every impact)."""
    results = _axe.run(page, options=AXE_OPTIONS)
    return results.response["violations"]


def check_a11y(page, *, context: str = "") -> None:
    """Fail the test if the current page has a serious or critical accessibility violation.

    Less severe findings are printed (pytest shows them with the output of a failing test).
    """
    violations = axe_violations(page)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    other = [v for v in violations if v.get("impact") not in BLOCKING_IMPACTS]
    where = f"{page.url}{f' ({context})' if context else ''}"
    if other:
        print(f"axe, not blocking, on {where}:\n" + "\n".join(_describe(v) for v in other))
    if blocking:
        pytest.fail(
            f"axe found {len(blocking)} serious/critical accessibility violation(s) on {where}:\n"
            + "\n".join(_describe(v) for v in blocking),
            pytrace=False,
        )

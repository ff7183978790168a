"""Builders for the remiss tests: a round opened through the real workflow step, as the
national editor opens it from the edition's page."""

from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.workflow_states import EditionState as S
from apps.remiss import calendar
from apps.remiss.models import Consultation
from tests.authoring import helpers
from tests.authoring.helpers import move_to, person, take


def regions():
    return Organisation.objects.regions().active()


def manual_closing_day(weeks: int = 6) -> date:
    """A closing day set by hand that the calendar accepts: a working day, weeks from now."""
    return calendar.next_working_day(timezone.localdate() + timedelta(weeks=weeks))


def ready_edition(author=None, area=None):
    """A fresh edition approved for remiss (the state set directly, for speed), of a support
    in `area` (default the heart NPO; the author must write there)."""
    author = author or person("author", area=area, name="Astrid Författare")
    edition = helpers.working_edition(helpers.make_support(author, area=area))
    return move_to(edition, S.READY_FOR_CONSULTATION)


def round_data(
    *,
    kind="remiss",
    window=None,
    opens_on=None,
    closes_on=None,
    recipients=None,
    dates_reason="Testomgång med egna datum.",
    cover_letter="",
    impact_statement=None,
) -> dict:
    """The step's data as the opening form gives it."""
    data = {"kind": kind, "cover_letter": cover_letter}
    if window is not None:
        data["window"] = window.key if hasattr(window, "key") else window
    else:
        data["window"] = "egna"
        data["opens_on"] = (opens_on or timezone.localdate()).isoformat()
        data["closes_on"] = (closes_on or manual_closing_day()).isoformat()
        data["dates_reason"] = dates_reason
    if recipients is not None:
        data["recipient_ids"] = [o.pk for o in recipients]
    if impact_statement is not None:
        data["impact_statement"] = impact_statement
    return data


def open_round(editor=None, edition=None, **opts) -> Consultation:
    """Open a round through the real `open_consultation` step and return it.

    opts: kind ("remiss" / "synpunktsinhamtning"), window (a calendar.Window or its key),
    opens_on / closes_on (dates set by hand; default today and a working day six weeks on),
    recipients (organisations; default all 21 regions), dates_reason, cover_letter,
    impact_statement (an uploaded file). Dates the service would refuse — a round that
    opened or closed in the past, for late answers and closed rounds — are set on the row
    after opening a valid round, as if time had passed."""
    editor = editor or person("national_editor", name="Nora Redaktör")
    edition = edition or ready_edition()
    today = timezone.localdate()
    opens_on, closes_on = opts.pop("opens_on", None), opts.pop("closes_on", None)
    in_the_past = (opens_on is not None and opens_on < today) or (
        closes_on is not None and closes_on <= today
    )
    if in_the_past:
        take(editor, edition, "open_consultation", data=round_data(**opts))
    else:
        data = round_data(opens_on=opens_on, closes_on=closes_on, **opts)
        take(editor, edition, "open_consultation", data=data)
    consultation = Consultation.objects.get(edition_id=edition.pk, closed_at__isnull=True)
    if in_the_past:
        changes = {}
        if opens_on is not None:
            changes["opens_on"] = opens_on
        if closes_on is not None:
            changes["closes_on"] = closes_on
        Consultation.objects.filter(pk=consultation.pk).update(**changes)
        consultation.refresh_from_db()
    return consultation

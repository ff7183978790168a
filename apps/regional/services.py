"""The use cases of regional additions: write one at a place of the published national text,
save it, publish it, archive it, and confirm it for a new national edition after review.

Each is keyword-only, checks permission first (permissions.py: 404 for whoever may not read
the addition, 403 for a reader who may not act), runs in one transaction with the addition's
row locked, refuses a stale lock_version (AdditionConflict, the 409 page keeps the writer's
text), and writes an audit entry. A change readers can see (a published addition's text, a
publication, an archiving, a confirmation) is announced after commit, so the reading site's
cache forgets the support."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.authoring.models import (
    CareLevel,
    Edition,
    SnapshotBlock,
    SnapshotPurpose,
    SnapshotSection,
    Support,
)
from apps.authoring.public_changes import announce_public_change
from apps.authoring.snapshots import snapshot_for
from apps.core import audit
from apps.core.markdown import render_markdown, validate_markdown_source

from .models import AdditionKind, AdditionState, RegionalAddition
from .permissions import require_region_writer, require_writable

AUDIT_ACTIONS = {
    "regional.addition_created": "Regionalt tillägg skrivet",
    "regional.addition_saved": "Regionalt tillägg sparat",
    "regional.addition_published": "Regionalt tillägg publicerat",
    "regional.addition_archived": "Regionalt tillägg arkiverat",
    "regional.addition_confirmed": "Regionalt tillägg bekräftat för en ny nationell version",
    "regional.addition_flagged": "Regionalt tillägg behöver granskas efter en ny nationell version",
}

NOTIFICATION_KINDS = {
    "regional.addition_flagged": (
        "Den nationella texten under ett av regionens tillägg har ändrats eller tagits bort"
    ),
}

CONTACT_MAX = 200
_AUDIT_TEXT_CHARS = 120


class AdditionConflict(Exception):
    """Someone saved the addition after this writer loaded it; `current` is what they saved."""

    def __init__(self, current: RegionalAddition):
        super().__init__(_("Någon annan har sparat tillägget efter att du öppnade det."))
        self.current = current


class AdditionClosed(PermissionDenied):
    """The addition can be read but not changed this way (archived, say)."""


# ---------------------------------------------------------------- where an addition sits


def published_snapshot(support: Support):
    """The publication snapshot of the support's current published edition, or None."""
    if support.current_published_edition_id is None:
        return None
    return published_snapshot_of(Edition(pk=support.current_published_edition_id))


def published_snapshot_of(edition: Edition):
    """The publication snapshot of an edition that was published, or None. One query."""
    return snapshot_for(edition, SnapshotPurpose.PUBLICATION)


def _place(support: Support, section_key: str, block_uid) -> tuple[Edition, SnapshotBlock | None]:
    """The published edition and the snapshot block an addition at this place is written
    against; ValidationError naming the field when the place is not in the published text."""
    snapshot = published_snapshot(support)
    if snapshot is None:
        raise ValidationError(
            _("Kunskapsstödet har ingen publicerad version att skriva ett tillägg till.")
        )
    section = SnapshotSection.objects.filter(snapshot=snapshot, key=section_key).first()
    if section is None:
        raise ValidationError(
            {"section_key": _("Avsnittet finns inte i den publicerade versionen.")}
        )
    block = None
    if block_uid is not None:
        block = SnapshotBlock.objects.filter(snapshot=snapshot, uid=block_uid).first()
        if block is None or block.section_id != section.pk:
            raise ValidationError(
                {"block_uid": _("Blocket finns inte i avsnittet i den publicerade versionen.")}
            )
    edition = Edition.objects.select_related("support").get(pk=snapshot.edition_id)
    return edition, block


# ---------------------------------------------------------------- the rules of the fields


def addition_problems(
    *, kind: str, body: str, care_level: str, contact: str, link: str
) -> dict[str, list[str]]:
    """What is wrong with these values, by field: the same rules for the form and the
    services."""
    problems: dict[str, list[str]] = {}
    if kind not in AdditionKind.values:
        problems["kind"] = [_("Välj vilken sorts tillägg det är.")]
    if not body.strip():
        problems["body"] = [_("Skriv tilläggets text.")]
    else:
        try:
            validate_markdown_source(body)
        except ValidationError as exc:
            problems["body"] = list(exc.messages)
    if care_level not in CareLevel.values:
        problems["care_level"] = [_("Välj vilken vårdnivå tillägget gäller.")]
    if len(contact) > CONTACT_MAX:
        problems["contact"] = [
            _("Kontakten får vara högst %(limit)s tecken lång.") % {"limit": CONTACT_MAX}
        ]
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            problems["link"] = [_("Skriv en fullständig adress som börjar med https://.")]
    return problems


def _clean(kind, body, care_level, contact, link) -> dict:
    values = {
        "kind": kind,
        "body": body.strip("\n"),
        "care_level": care_level,
        "contact": contact.strip(),
        "link": link.strip(),
    }
    problems = addition_problems(**values)
    if problems:
        raise ValidationError(problems)
    values["html"] = str(render_markdown(values["body"]))
    return values


def _short(value):
    return Truncator(value).chars(_AUDIT_TEXT_CHARS) if isinstance(value, str) else value


def _scope(addition: RegionalAddition) -> str:
    return addition.region.name


def _locked(addition: RegionalAddition) -> RegionalAddition:
    """The addition's row, locked for the rest of the transaction; of=self, so the region's
    and the support's rows are not locked along with it."""
    return (
        RegionalAddition.objects.select_for_update(of=("self",))
        .select_related("region", "support")
        .get(pk=addition.pk)
    )


def _check_version(current: RegionalAddition, lock_version: int) -> None:
    if current.lock_version != lock_version:
        raise AdditionConflict(current)


def _refuse_if_archived(current: RegionalAddition) -> None:
    if current.is_archived:
        raise AdditionClosed(_("Tillägget är arkiverat och kan inte ändras."))


def _announce(addition: RegionalAddition) -> None:
    announce_public_change(support_id=addition.support_id, reason="addition_published")


# ---------------------------------------------------------------- the use cases


def addition_create(
    *,
    actor,
    region,
    support: Support,
    section_key: str,
    block_uid=None,
    kind: str,
    body: str,
    care_level: str = CareLevel.BOTH,
    contact: str = "",
    link: str = "",
) -> RegionalAddition:
    """A draft addition of `region` at a block (or, with no block, at the end of a section)
    of the support's current published edition, written against that block's published
    text."""
    require_region_writer(actor, region)
    if region.kind != "region":
        raise ValidationError(_("Regionala tillägg skrivs av regioner."))
    with transaction.atomic():
        edition, block = _place(support, section_key, block_uid)
        values = _clean(kind, body, care_level, contact, link)
        addition = RegionalAddition.objects.create(
            region=region,
            support=support,
            section_key=section_key,
            block_uid=block.uid if block is not None else None,
            written_against=block,
            written_against_edition=edition,
            created_by=actor,
            updated_by=actor,
            **values,
        )
        audit.record(
            actor=actor,
            action="regional.addition_created",
            obj=addition,
            scope=region.name,
            details={
                "kind": kind,
                "section_key": section_key,
                "body": _short(values["body"]),
                "to": f"{support.code} {edition.number}",
            },
        )
    return addition


def addition_save(
    *,
    actor,
    addition: RegionalAddition,
    lock_version: int,
    kind: str,
    body: str,
    care_level: str = CareLevel.BOTH,
    contact: str = "",
    link: str = "",
    confirm: bool = False,
) -> RegionalAddition:
    """Save a draft or published addition. A published one changes for readers at once.
    `confirm` also confirms a flagged addition for the current national edition, in the same
    transaction (the review's "edit")."""
    require_writable(actor, addition)
    with transaction.atomic():
        current = _locked(addition)
        _refuse_if_archived(current)
        _check_version(current, lock_version)
        values = _clean(kind, body, care_level, contact, link)
        changes = audit.apply_changes(current, values)
        changes.pop("html", None)
        if confirm and current.needs_review:
            _confirm_into(current)
            changes["written_against_edition"] = ["", current.written_against_edition.number]
        current.lock_version += 1
        current.updated_by = actor
        current.save()
        audit.record(
            actor=actor,
            action="regional.addition_saved",
            obj=current,
            scope=_scope(current),
            details={field: [_short(a), _short(b)] for field, (a, b) in changes.items()},
        )
        if current.is_published:
            _announce(current)
    return current


def addition_publish(*, actor, addition: RegionalAddition, lock_version: int) -> RegionalAddition:
    """Readers see the draft from now on, at its place on the support page."""
    require_writable(actor, addition)
    with transaction.atomic():
        current = _locked(addition)
        _refuse_if_archived(current)
        _check_version(current, lock_version)
        if current.is_published:
            raise ValidationError(_("Tillägget är redan publicerat."))
        if current.needs_review:
            raise ValidationError(
                _(
                    "Den nationella texten har ändrats sedan tillägget skrevs. Granska och "
                    "bekräfta tillägget innan det publiceras."
                )
            )
        now = timezone.now()
        current.state = AdditionState.PUBLISHED
        current.published_at = now
        current.html = str(render_markdown(current.body))
        current.lock_version += 1
        current.updated_by = actor
        current.save()
        audit.record(
            actor=actor,
            action="regional.addition_published",
            obj=current,
            scope=_scope(current),
            details={"state": [AdditionState.DRAFT, AdditionState.PUBLISHED]},
        )
        _announce(current)
    return current


def addition_archive(*, actor, addition: RegionalAddition, lock_version: int) -> RegionalAddition:
    """Readers no longer see it; it stays with its history. A flag needs no review any more."""
    require_writable(actor, addition)
    with transaction.atomic():
        current = _locked(addition)
        _refuse_if_archived(current)
        _check_version(current, lock_version)
        was_published = current.is_published
        before = current.state
        current.state = AdditionState.ARCHIVED
        current.archived_at = timezone.now()
        current.needs_review = False
        current.flagged_at = None
        current.flag_reason = ""
        current.lock_version += 1
        current.updated_by = actor
        current.save()
        audit.record(
            actor=actor,
            action="regional.addition_archived",
            obj=current,
            scope=_scope(current),
            details={"state": [before, AdditionState.ARCHIVED]},
        )
        if was_published:
            _announce(current)
    return current


def _confirm_into(current: RegionalAddition) -> None:
    """Move a flagged addition onto the current published text: to the same block if the
    edition still has it, else to the end of its section; refused when the section is gone
    too (the addition can then only be archived)."""
    snapshot = published_snapshot(current.support)
    if snapshot is None:
        raise ValidationError(_("Kunskapsstödet har ingen publicerad version just nu."))
    block = None
    if current.block_uid is not None:
        block = (
            SnapshotBlock.objects.filter(snapshot=snapshot, uid=current.block_uid)
            .select_related("section")
            .first()
        )
    if block is not None:
        current.section_key = block.section.key
    elif not SnapshotSection.objects.filter(snapshot=snapshot, key=current.section_key).exists():
        raise ValidationError(
            _(
                "Avsnittet som tillägget stod i finns inte längre i den nationella texten. "
                "Arkivera tillägget och skriv ett nytt där det hör hemma."
            )
        )
    else:
        current.block_uid = None  # the block is gone: the addition stands at the section's end
    current.written_against = block
    current.written_against_edition = Edition.objects.get(pk=snapshot.edition_id)
    current.needs_review = False
    current.flagged_at = None
    current.flag_reason = ""


def addition_confirm(*, actor, addition: RegionalAddition, lock_version: int) -> RegionalAddition:
    """After review: the addition holds for the new national text as it stands. It is then
    written against the new edition's block and no longer flagged."""
    require_writable(actor, addition)
    with transaction.atomic():
        current = _locked(addition)
        _refuse_if_archived(current)
        _check_version(current, lock_version)
        if not current.needs_review:
            raise ValidationError(_("Tillägget behöver inte granskas."))
        reason = current.flag_reason
        before = current.written_against_edition.number
        _confirm_into(current)
        current.lock_version += 1
        current.updated_by = actor
        current.save()
        audit.record(
            actor=actor,
            action="regional.addition_confirmed",
            obj=current,
            scope=_scope(current),
            details={
                "flag_reason": reason,
                "written_against_edition": [before, current.written_against_edition.number],
            },
        )
        if current.is_published:
            _announce(current)
    return current

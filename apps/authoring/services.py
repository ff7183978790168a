"""Use cases of authoring: one function each, permission-checked, atomic and audited.

Block saves carry the `lock_version` the author started from; a save over someone else's
newer save raises `EditConflict` instead of overwriting, so no one's text is lost."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core import audit

from . import icd10
from .history import restore_comment
from .models import (
    Block,
    BlockDraft,
    BlockKind,
    Edition,
    EditionKind,
    ProductType,
    Section,
    SectionPresence,
    Support,
    SupportDiagnosis,
    TemplateSection,
)
from .permissions import may_create_support_in, may_edit_support, may_edit_templates
from .public_changes import announce_public_change
from .workflow_states import CLOSED_STATES

AUDIT_ACTIONS = {
    "support.created": "Kunskapsstöd skapat",
    "support.updated": "Kunskapsstödets uppgifter ändrade",
    "edition.started": "Ny version påbörjad",
    "block.added": "Block tillagt",
    "block.deleted": "Block borttaget",
    "block.reinstated": "Borttaget block återställt",
    "block.moved": "Block flyttat",
    "block.restored": "Tidigare version av block återställd",
    "template.updated": "Mall ändrad",
}

CODE_PREFIXES = {
    "kliniskt-kunskapsstod": "KS",
    "vardforlopp": "VF",
    "vardprogram": "VP",
    "vardriktlinje": "VR",
}


class EditConflict(Exception):
    """Someone else saved the same object after the caller started editing."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


# ---------------------------------------------------------------- supports and editions


def _next_code(product_type: ProductType) -> str:
    prefix = CODE_PREFIXES.get(product_type.code, "KS")
    numbers = [
        int(m.group(1))
        for code in Support.objects.filter(code__startswith=f"{prefix}-").values_list(
            "code", flat=True
        )
        if (m := re.fullmatch(rf"{prefix}-(\d+)", code))
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"


def _unique_slug(title: str, code: str) -> str:
    base = slugify(title)[:100] or "kunskapsstod"
    return f"{base}-{code.lower()}"


def _set_diagnoses(support: Support, codes: list[str]) -> None:
    wanted = {icd10.normalise(code): icd10.describe(code) for code in codes}
    support.diagnoses.exclude(code__in=wanted).delete()
    existing = set(support.diagnoses.values_list("code", flat=True))
    SupportDiagnosis.objects.bulk_create(
        [
            SupportDiagnosis(support=support, code=code, description=description[:300])
            for code, description in wanted.items()
            if code not in existing
        ]
    )


# DOMAIN.md: a clinical support and the care pathway on the same diagnosis link each other.
COUNTERPART_TYPES = {"kliniskt-kunskapsstod": "vardforlopp", "vardforlopp": "kliniskt-kunskapsstod"}


def _link_same_diagnosis(support: Support) -> None:
    counterpart = COUNTERPART_TYPES.get(support.product_type.code)
    if counterpart is None:
        return
    codes = list(support.diagnoses.values_list("code", flat=True))
    if not codes:
        return
    matches = Support.objects.filter(
        product_type__code=counterpart, diagnoses__code__in=codes
    ).exclude(pk=support.pk)
    support.related_supports.add(*matches.distinct())


def _build_sections(edition: Edition) -> None:
    template = TemplateSection.objects.filter(product_type=edition.support.product_type)
    Section.objects.bulk_create(
        [
            Section(
                edition=edition,
                key=ts.key,
                title=ts.title,
                guidance=ts.guidance,
                required=ts.required,
                heading_level=ts.heading_level,
                position=ts.position,
            )
            for ts in template
        ]
    )


def support_create(
    *,
    actor,
    title: str,
    product_type: ProductType,
    programme_area,
    diagnoses: list[str] = (),
    target_professions: list[str] = (),
    related_supports=(),
) -> Support:
    """A new support with its first edition: a 1.0 draft built from the current template."""
    if not may_create_support_in(actor, programme_area):
        raise PermissionDenied(_("Du får inte skapa kunskapsstöd i det programområdet."))
    if not product_type.allows_new:
        raise ValidationError(
            {"product_type": _("Inga nya kunskapsstöd av den här produkttypen startas.")}
        )
    icd10.validate_codes(diagnoses)
    for attempt in range(5):
        try:
            with transaction.atomic():
                code = _next_code(product_type)
                support = Support.objects.create(
                    code=code,
                    slug=_unique_slug(title, code),
                    title=title,
                    product_type=product_type,
                    programme_area=programme_area,
                    target_professions=list(target_professions),
                    created_by=actor,
                )
                _set_diagnoses(support, list(diagnoses))
                support.related_supports.set(related_supports)
                _link_same_diagnosis(support)
                edition = Edition.objects.create(
                    support=support,
                    major=1,
                    minor=0,
                    kind=EditionKind.MAJOR,
                    template_version=product_type.template_version,
                    created_by=actor,
                    updated_by=actor,
                    updated_at=timezone.now(),
                )
                _build_sections(edition)
                support.working_edition = edition
                support.save(update_fields=["working_edition"])
                audit.record(
                    actor=actor,
                    action="support.created",
                    obj=support,
                    scope=programme_area.name,
                    details={"code": code},
                )
                return support
        except IntegrityError:
            # Two supports created at once drew the same code; draw again.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def support_update(
    *,
    actor,
    support: Support,
    title: str,
    diagnoses: list[str],
    target_professions: list[str],
    related_supports,
) -> Support:
    """Metadata only: code, slug, product type and owning NPO stay as they were."""
    if not may_edit_support(actor, support):
        raise PermissionDenied(_("Du får inte ändra det här kunskapsstödet."))
    icd10.validate_codes(diagnoses)
    with transaction.atomic():
        locked = Support.objects.select_for_update().get(pk=support.pk)
        before_title = locked.title
        locked.title = title
        locked.target_professions = list(target_professions)
        locked.save(update_fields=["title", "target_professions"])
        _set_diagnoses(locked, list(diagnoses))
        locked.related_supports.set([s for s in related_supports if s.pk != locked.pk])
        _link_same_diagnosis(locked)
        audit.record(
            actor=actor,
            action="support.updated",
            obj=locked,
            scope=locked.programme_area.name,
            details={"name": [before_title, title]} if before_title != title else {},
        )
        if locked.current_published_edition_id is not None:
            # Readers see the title, the diagnoses and the related supports at once, not
            # at the next publication: the reading site's cache and search index follow.
            announce_public_change(support_id=locked.pk, reason="support_updated")
    return locked


def edition_start_new(*, actor, support: Support, kind: str, change_summary: str = "") -> Edition:
    """A new edition from the latest published one: same sections, same block uids, so that
    anything anchored to a block follows it into the new edition."""
    if not may_edit_support(actor, support):
        raise PermissionDenied(_("Du får inte starta en ny version av det här kunskapsstödet."))
    if kind not in EditionKind.values:
        raise ValidationError({"kind": _("Välj huvudversion eller delversion.")})
    with transaction.atomic():
        locked = Support.objects.select_for_update().get(pk=support.pk)
        source = locked.current_published_edition
        if source is None:
            raise ValidationError(_("Det finns ingen publicerad version att utgå från."))
        if locked.editions.exclude(state__in=CLOSED_STATES).exists():
            raise ValidationError(
                _("Det finns redan en version under arbete. Avsluta eller avbryt den först.")
            )
        major, minor = (
            (source.major + 1, 0) if kind == EditionKind.MAJOR else (source.major, source.minor + 1)
        )
        now = timezone.now()
        edition = Edition.objects.create(
            support=locked,
            major=major,
            minor=minor,
            kind=kind,
            change_summary=change_summary,
            template_version=source.template_version,
            based_on=source,
            created_by=actor,
            updated_by=actor,
            updated_at=now,
            next_review_date=source.next_review_date,
        )
        section_map = {}
        for section in source.sections.all():
            old_pk = section.pk
            section.pk = None
            section.edition = edition
            section.save()
            section_map[old_pk] = section
        new_blocks = []
        for block in source.blocks.all():
            new_blocks.append(
                Block(
                    uid=block.uid,
                    edition=edition,
                    section=section_map[block.section_id],
                    position=block.position,
                    updated_by=actor,
                    content_hash=block.content_hash,
                    **block.content(),
                )
            )
        for block in new_blocks:
            block._history_user = actor
            block.save()
        locked.working_edition = edition
        locked.save(update_fields=["working_edition"])
        audit.record(
            actor=actor,
            action="edition.started",
            obj=edition,
            scope=locked.programme_area.name,
            details={"from": source.number, "to": edition.number, "kind": kind},
        )
    return edition


# ---------------------------------------------------------------- blocks


def _lock_editable_edition(actor, edition_id: int) -> Edition:
    """Lock the edition row, so a workflow transition and a content save cannot interleave:
    nothing is saved into an edition that has just left the authors' hands."""
    edition = Edition.objects.select_for_update().select_related("support").get(pk=edition_id)
    if not may_edit_support(actor, edition.support):
        raise PermissionDenied(_("Du får inte ändra det här kunskapsstödet."))
    if not edition.is_editable:
        raise ValidationError(
            _("Versionen har status ”%(state)s” och kan inte ändras.")
            % {"state": edition.get_state_display()}
        )
    return edition


def _touch_edition(edition: Edition, actor) -> None:
    edition.updated_by = actor
    edition.updated_at = timezone.now()
    edition.save(update_fields=["updated_by", "updated_at"])


def block_add(*, actor, section: Section, kind: str, position: int | None = None) -> Block:
    if kind not in BlockKind.values:
        raise ValidationError({"kind": _("Okänd typ av block.")})
    with transaction.atomic():
        edition = _lock_editable_edition(actor, section.edition_id)
        siblings = Block.objects.filter(section=section)
        if position is None:
            position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
        else:
            siblings.filter(position__gte=position).update(position=F("position") + 1)
        block = Block(
            edition=edition,
            section=section,
            kind=kind,
            position=position,
            updated_by=actor,
        )
        block.content_hash = Block.hash_content(block.content())
        block._history_user = actor
        block.save()
        _touch_edition(edition, actor)
        audit.record(
            actor=actor,
            action="block.added",
            obj=edition,
            scope=section.title,
            details={"block": str(block.uid), "kind": kind},
        )
    return block


def block_save(
    *,
    actor,
    block: Block,
    lock_version: int,
    content: dict,
    change_reason: str = "",
    editorial_change: bool | None = None,
) -> Block:
    """Save a block's content. Refuses with EditConflict when someone saved in between.
    `change_reason` goes into the history row, in words a person reads.

    `editorial_change` (None: leave as it is) marks this edition's change of the block as
    editorial only, so that readers get no "Ändrad" tag for it. It is not content: the
    content hash ignores it, but changing it alone is a save of its own (a new version in
    the history says who marked it), since it changes what readers are told."""
    unknown = set(content) - set(Block.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown block fields: {unknown}")
    with transaction.atomic():
        edition = _lock_editable_edition(actor, block.edition_id)
        locked = Block.objects.select_for_update().get(pk=block.pk)
        if locked.lock_version != lock_version:
            raise EditConflict(locked)
        if editorial_change and not edition.revises_published:
            raise ValidationError(
                {
                    "editorial_change": _(
                        "En första version har inget att jämföra med: ändringen kan inte "
                        "markeras som redaktionell."
                    )
                }
            )
        for field, value in content.items():
            setattr(locked, field, value)
        new_hash = Block.hash_content(locked.content())
        mark_changed = editorial_change is not None and editorial_change != locked.editorial_change
        if new_hash == locked.content_hash and not mark_changed:
            BlockDraft.objects.filter(block=locked, user=actor).delete()
            return locked  # nothing changed: no new version in the history
        if mark_changed:
            locked.editorial_change = editorial_change
        locked.content_hash = new_hash
        locked.lock_version += 1
        locked.updated_by = actor
        locked._history_user = actor
        if change_reason:
            locked._change_reason = change_reason
        locked.save()
        BlockDraft.objects.filter(block=locked, user=actor).delete()
        _touch_edition(edition, actor)
    return locked


def _close_up(section: Section) -> None:
    """Number the live blocks of a section 1..n again, keeping their order."""
    for index, item in enumerate(Block.objects.filter(section=section).order_by("position")):
        if item.position != index + 1:
            Block.objects.filter(pk=item.pk).update(position=index + 1)


def block_remove(*, actor, block: Block, lock_version: int) -> Block:
    """Take a block out of the text. The row stays, marked removed, with its place in the
    section: anything anchored to it can still find it, and `block_reinstate` can put it
    back where it was."""
    with transaction.atomic():
        edition = _lock_editable_edition(actor, block.edition_id)
        locked = Block.objects.select_for_update().select_related("section").get(pk=block.pk)
        if locked.lock_version != lock_version:
            raise EditConflict(locked)
        locked.removed_at = timezone.now()
        locked.removed_by = actor
        locked.lock_version += 1
        locked.updated_by = actor
        locked._history_user = actor
        locked._change_reason = _("Blocket togs bort.")
        locked.save()
        _close_up(locked.section)
        _touch_edition(edition, actor)
        audit.record(
            actor=actor,
            action="block.deleted",
            obj=edition,
            scope=locked.section.title,
            details={"block": str(locked.uid)},
        )
    return locked


def block_reinstate(
    *, actor, block: Block, lock_version: int, content: dict | None = None
) -> Block:
    """Put a removed block back at its place: the position it had among the live blocks of
    its section, the blocks from there on moving one step down. `content` is the text of
    someone who was still writing in the block when a co-author removed it: it comes back
    with the block, so that no word of theirs is lost."""
    unknown = set(content or {}) - set(Block.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown block fields: {unknown}")
    with transaction.atomic():
        edition = _lock_editable_edition(actor, block.edition_id)
        locked = Block.all_objects.select_for_update().select_related("section").get(pk=block.pk)
        if not locked.is_removed:
            raise ValidationError(_("Blocket är inte borttaget och kan inte återställas."))
        if locked.lock_version != lock_version:
            raise EditConflict(locked)
        live = list(Block.objects.filter(section=locked.section).order_by("position"))
        position = max(1, min(locked.position, len(live) + 1))
        live.insert(position - 1, locked)
        for index, item in enumerate(live, start=1):
            if item.pk != locked.pk and item.position != index:
                Block.objects.filter(pk=item.pk).update(position=index)
        locked.position = position
        locked.removed_at = None
        locked.removed_by = None
        for field, value in (content or {}).items():
            setattr(locked, field, value)
        locked.content_hash = Block.hash_content(locked.content())
        locked.lock_version += 1
        locked.updated_by = actor
        locked._history_user = actor
        locked._change_reason = _("Blocket återställdes på sin plats.")
        locked.save()
        _touch_edition(edition, actor)
        audit.record(
            actor=actor,
            action="block.reinstated",
            obj=edition,
            scope=locked.section.title,
            details={"block": str(locked.uid)},
        )
    return locked


def block_move(*, actor, block: Block, section: Section, position: int) -> Block:
    """Put a block at `position` (1-based) in `section`, which may be another section of the
    same edition. Positions of the other blocks close up around it."""
    if section.edition_id != block.edition_id:
        raise ValidationError({"section": _("Blocket kan bara flyttas inom samma version.")})
    with transaction.atomic():
        edition = _lock_editable_edition(actor, block.edition_id)
        locked = Block.objects.select_for_update().get(pk=block.pk)
        from_section = locked.section
        target = list(Block.objects.filter(section=section).exclude(pk=locked.pk))
        position = max(1, min(position, len(target) + 1))
        target.insert(position - 1, locked)
        for index, item in enumerate(target, start=1):
            if item.pk == locked.pk:
                continue
            if item.position != index:
                Block.objects.filter(pk=item.pk).update(position=index)
        locked.section = section
        locked.position = position
        locked.lock_version += 1
        locked.updated_by = actor
        locked._history_user = actor
        locked.save()
        if from_section.pk != section.pk:
            for index, item in enumerate(Block.objects.filter(section=from_section), start=1):
                if item.position != index:
                    Block.objects.filter(pk=item.pk).update(position=index)
        _touch_edition(edition, actor)
        audit.record(
            actor=actor,
            action="block.moved",
            obj=edition,
            scope=section.title,
            details={"block": str(locked.uid), "from": from_section.title, "to": section.title},
        )
    return locked


def block_restore(*, actor, block: Block, history_id: int, lock_version: int) -> Block:
    """Restore an earlier version of a block as a new save (the history keeps both)."""
    record = block.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("Den versionen finns inte för det här blocket."))
    content = {field: getattr(record, field) for field in Block.CONTENT_FIELDS}
    comment = restore_comment(record)
    with transaction.atomic():
        saved = block_save(
            actor=actor,
            block=block,
            lock_version=lock_version,
            content=content,
            change_reason=comment,
        )
        audit.record(
            actor=actor,
            action="block.restored",
            obj=saved.edition,
            scope=saved.section.title,
            details={"block": str(saved.uid), "restored_from": history_id, "comment": comment},
        )
    return saved


def block_autosave(*, actor, block: Block, base_lock_version: int, content: dict) -> BlockDraft:
    """Keep what the author is typing, outside the history; the next real save clears it."""
    with transaction.atomic():
        _lock_editable_edition(actor, block.edition_id)
        draft, _created = BlockDraft.objects.update_or_create(
            block=block,
            user=actor,
            defaults={"content": content, "base_lock_version": base_lock_version},
        )
    return draft


def presence_touch(*, user, section: Section) -> None:
    SectionPresence.objects.update_or_create(
        section=section, user=user, defaults={"last_seen": timezone.now()}
    )


# ---------------------------------------------------------------- templates


def _template_changed(actor, product_type_id: int, obj, details: dict) -> None:
    """Every template change: a new template version (editions record which one they were
    built from) and an audit entry. Called inside the caller's transaction."""
    ProductType.objects.filter(pk=product_type_id).update(
        template_version=F("template_version") + 1
    )
    audit.record(
        actor=actor,
        action="template.updated",
        obj=obj,
        scope=ProductType.objects.values_list("name", flat=True).get(pk=product_type_id),
        details=details,
    )


def template_section_update(
    *,
    actor,
    template_section: TemplateSection,
    title: str,
    guidance: str,
    required: bool,
) -> TemplateSection:
    """Changes the template for editions built from now on; existing editions keep the
    sections they were built with."""
    if not may_edit_templates(actor):
        raise PermissionDenied(_("Bara nationella redaktörer ändrar mallar."))
    with transaction.atomic():
        locked = TemplateSection.objects.select_for_update().get(pk=template_section.pk)
        values = {"title": title, "guidance": guidance, "required": required}
        changes = audit.apply_changes(locked, values)
        if not changes:
            return locked
        locked._history_user = actor
        locked.save(update_fields=list(values))
        _template_changed(
            actor,
            locked.product_type_id,
            locked,
            {"name": changes["title"]} if "title" in changes else {},
        )
    return locked


def template_section_add(
    *, actor, product_type: ProductType, key: str, title: str, guidance: str, required: bool
) -> TemplateSection:
    if not may_edit_templates(actor):
        raise PermissionDenied(_("Bara nationella redaktörer ändrar mallar."))
    with transaction.atomic():
        locked = ProductType.objects.select_for_update().get(pk=product_type.pk)
        if locked.template_sections.filter(key=key).exists():
            raise ValidationError({"key": _("Nyckeln används redan i mallen.")})
        position = (locked.template_sections.aggregate(m=Max("position"))["m"] or 0) + 1
        section = TemplateSection(
            product_type=locked,
            key=key,
            title=title,
            guidance=guidance,
            required=required,
            position=position,
        )
        section._history_user = actor
        section.save()
        _template_changed(actor, locked.pk, section, {"name": ["", title]})
    return section


def template_section_move(*, actor, template_section: TemplateSection, direction: str) -> None:
    """Swap a template section with its neighbour ("up" or "down"); new editions get the
    new order, existing editions keep theirs."""
    if not may_edit_templates(actor):
        raise PermissionDenied(_("Bara nationella redaktörer ändrar mallar."))
    if direction not in {"up", "down"}:
        raise ValidationError(_("Välj upp eller ned."))
    with transaction.atomic():
        product_type = ProductType.objects.select_for_update().get(
            pk=template_section.product_type_id
        )
        sections = list(product_type.template_sections.order_by("position", "pk"))
        index = next(i for i, s in enumerate(sections) if s.pk == template_section.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(sections):
            return
        sections[index], sections[other] = sections[other], sections[index]
        for position, section in enumerate(sections):
            if section.position != position:
                section.position = position
                section._history_user = actor
                section.save(update_fields=["position"])
        _template_changed(
            actor, product_type.pk, template_section, {"from": index + 1, "to": other + 1}
        )

"""Staleness: when a new national edition is published, every regional addition of the support
(drafts and published ones; archived ones are left alone) is compared with the new
publication snapshot, by the content hash of the block it was written against:

- the block is unchanged (same uid, same hash): the addition moves to the new edition by
  itself (written against the new snapshot's block and edition), nobody is asked anything;
- the block changed: the addition is flagged "needs review", reason "changed";
- the block is gone: flagged, reason "removed";
- an addition at the end of a section moves when the section is still there, and is flagged
  "removed" when it is not.

An addition still flagged from an earlier edition stays written against the text it was
written against, and is compared with that text again: if the new edition brings that very
text back, the flag goes and the addition moves; if the block has now been removed, the
reason says so. The flag keeps the time it was first raised, so its age says how long the
region has let it wait.

The check is one workflow effect of "publish", run inside the step's transaction after
authoring's own effects (so the publication snapshot exists), in a fixed number of queries
whatever the number of additions. The regions' regional editors are told in the app (one
notification per region and publication, saying what happened to which addition) and by
e-mail after commit; Mina uppgifter lists each addition that waits (inbox.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from apps.accounts.roles import REGIONAL_EDITOR
from apps.accounts.selectors import role_holders_by_scope
from apps.authoring.models import (
    Edition,
    EditionTransition,
    SnapshotBlock,
    SnapshotPurpose,
    SnapshotSection,
)
from apps.authoring.snapshots import snapshot_for
from apps.core.models import AuditEntry, EmailPreference, Notification

from .models import FlagReason, RegionalAddition

NOTIFICATION_KIND = "regional.addition_flagged"

MOVED_FIELDS = [
    "section_key",
    "written_against",
    "written_against_edition",
    "needs_review",
    "flagged_at",
    "flag_reason",
    "lock_version",
    "updated_at",
]


def genitive(name: str) -> str:
    """Swedish genitive of a name: "Region Skånes", but "Region Västra Götalands" too, and
    no extra s after s, x or z ("Region Jämtland Härjedalens", "… Kalmar läns")."""
    return name if name[-1:].lower() in {"s", "x", "z"} else f"{name}s"


def what_happened(addition: RegionalAddition, reason: str, edition: Edition) -> str:
    """The sentence a regional editor reads: what happened to the national text under which
    addition, in which edition."""
    params = {
        "region": genitive(addition.region.name),
        "code": addition.support.code,
        "number": edition.number,
        "kind": addition.get_kind_display().lower(),
    }
    if reason == FlagReason.CHANGED:
        text = _(
            "Den nationella texten under %(region)s tillägg (%(kind)s) i %(code)s har ändrats "
            "i version %(number)s."
        )
    elif addition.block_uid is None:
        text = _(
            "Avsnittet med %(region)s tillägg (%(kind)s) i %(code)s finns inte längre i "
            "version %(number)s."
        )
    else:
        text = _(
            "Det nationella blocket under %(region)s tillägg (%(kind)s) i %(code)s finns inte "
            "längre i version %(number)s."
        )
    return f"{text % params} {_('Granska tillägget.')}"


def _compare(addition, new_blocks: dict, section_keys: set) -> tuple[str, SnapshotBlock | None]:
    """("", block) when the text under the addition is as it was written against, with the
    new snapshot block it now stands at (None at a section's end); else (reason, None)."""
    if addition.block_uid is None:
        return ("", None) if addition.section_key in section_keys else (FlagReason.REMOVED, None)
    new = new_blocks.get(addition.block_uid)
    if new is None:
        return FlagReason.REMOVED, None
    written = addition.written_against
    if written is None or written.content_hash != new.content_hash:
        return FlagReason.CHANGED, new
    return "", new


def flag_stale_additions(*, edition: Edition, actor, data: dict, record: EditionTransition):
    """The "publish" effect (see the module's docstring). Seven queries at most, whatever
    the number of additions: the snapshot, the additions, the new blocks under them, the
    new sections, the update with its history rows, and for flagged ones the audit rows and
    the notices (regions' editors, notifications, e-mail preferences)."""
    snapshot = snapshot_for(edition, SnapshotPurpose.PUBLICATION)
    if snapshot is None:
        return
    additions = list(
        RegionalAddition.objects.live()
        .filter(support_id=edition.support_id)
        .select_related("written_against", "region", "support")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if not additions:
        return
    uids = {a.block_uid for a in additions if a.block_uid is not None}
    new_blocks = {
        block.uid: block
        for block in SnapshotBlock.objects.filter(snapshot=snapshot, uid__in=uids).select_related(
            "section"
        )
    }
    section_keys = set(
        SnapshotSection.objects.filter(snapshot=snapshot).values_list("key", flat=True)
    )
    now = record.created_at
    changed, told = [], []
    for addition in additions:
        reason, new_block = _compare(addition, new_blocks, section_keys)
        if new_block is not None:
            addition.section_key = new_block.section.key  # the place follows its block
        if not reason:
            addition.written_against = new_block
            addition.written_against_edition = edition
            addition.needs_review, addition.flagged_at, addition.flag_reason = False, None, ""
            addition._change_reason = _("Flyttat till version %(number)s") % {
                "number": edition.number
            }
        elif addition.flag_reason != reason:
            addition.needs_review, addition.flag_reason = True, reason
            addition.flagged_at = addition.flagged_at or now
            addition._change_reason = _("%(reason)s i version %(number)s") % {
                "reason": FlagReason(reason).label,
                "number": edition.number,
            }
            told.append((addition, reason))
        else:
            continue  # flagged already, for the same reason: it waits in Mina uppgifter
        addition.lock_version += 1
        addition.updated_at = now
        changed.append(addition)
    if changed:
        bulk_update_with_history(
            changed, RegionalAddition, MOVED_FIELDS, default_user=actor, default_date=now
        )
    if told:
        _audit(told, edition)
        _notify_regions(told, edition)


def _audit(told: list, edition: Edition) -> None:
    content_type = ContentType.objects.get_for_model(RegionalAddition)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=None,
                action="regional.addition_flagged",
                content_type=content_type,
                object_id=str(addition.pk),
                object_repr=str(addition)[:300],
                scope=addition.region.name[:200],
                details={"flag_reason": reason, "to": edition.number},
            )
            for addition, reason in told
        ]
    )


def _notify_regions(told: list, edition: Edition) -> None:
    """One notification to each regional editor of each region concerned, naming each of
    the region's additions and what happened under it; the same by e-mail after commit, to
    those who have not turned that e-mail off. Three queries."""
    by_region: dict = {}
    for addition, reason in told:
        by_region.setdefault(addition.region_id, []).append((addition, reason))
    editors = role_holders_by_scope(role=REGIONAL_EDITOR, scopes=list(by_region))
    notices = []  # (user, title, body, url)
    for region, people in editors.items():
        flagged = by_region.get(region.pk, [])
        if not flagged:
            continue
        first = flagged[0][0]
        if len(flagged) == 1:
            title = _("Granska %(region)s tillägg i %(code)s %(title)s") % {
                "region": genitive(region.name),
                "code": first.support.code,
                "title": first.support.title,
            }
            url = reverse("regional:addition_review", kwargs={"uid": first.uid})
        else:
            title = _("%(count)s av %(region)s tillägg i %(code)s %(title)s behöver granskas") % {
                "count": len(flagged),
                "region": genitive(region.name),
                "code": first.support.code,
                "title": first.support.title,
            }
            url = reverse("regional:overview")
        body = "\n".join(what_happened(a, reason, edition) for a, reason in flagged)
        notices += [(user, title, body, url) for user in people]
    if not notices:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=NOTIFICATION_KIND, title=title[:300], body=body, url=url
            )
            for user, title, body, url in notices
        ]
    )
    opted_out = set(
        EmailPreference.objects.filter(
            user_id__in={user.pk for user, *_rest in notices},
            kind=NOTIFICATION_KIND,
            email_enabled=False,
        ).values_list("user_id", flat=True)
    )
    site = settings.SITE_URL.rstrip("/")
    mails = [
        (title, f"{body}\n\n{site}{url}", user.email)
        for user, title, body, url in notices
        if user.pk not in opted_out
    ]

    def send():
        for subject, message, address in mails:
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[address])

    if mails:
        transaction.on_commit(send)

"""Builders for the public side's tests of regional additions: additions written and
published through the regional app's services (so that `html`, the place, the edition written
against and the after-commit announcement are what the services leave), a flag as the
staleness check sets it, and the addresses of the region's views."""

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.models import SnapshotBlock, SnapshotPurpose, Support
from apps.regional import services
from apps.regional.models import RegionalAddition
from tests.factories import UserFactory, grant, region

REGION = "uppsala"
OTHER_REGION = "skane"


def editor_of(code: str = REGION, name: str | None = None):
    """A regional editor of the region."""
    organisation = region(code)
    user = UserFactory(full_name=name or f"Regionredaktör {organisation.name}")
    return grant(user, "regional_editor", organisation)


def published_block(support: Support, body: str) -> SnapshotBlock:
    """The block of the support's current publication whose text is `body`."""
    return SnapshotBlock.objects.get(
        snapshot__edition_id=support.current_published_edition_id,
        snapshot__purpose=SnapshotPurpose.PUBLICATION,
        body=body,
    )


def write(
    support: Support,
    *,
    at: str | None = None,
    section: str = "behandling",
    body: str = "Ring vårdcentralens sjuksköterska.",
    kind: str = "organisation",
    care_level: str = "both",
    contact: str = "",
    link: str = "",
    code: str = REGION,
    editor=None,
    publish: bool = True,
) -> RegionalAddition:
    """An addition of the region at the published block whose text is `at` (or, without
    `at`, at the end of `section`), published unless `publish` is false."""
    editor = editor or editor_of(code)
    block_uid = None
    if at is not None:
        block = published_block(support, at)
        block_uid, section = block.uid, block.section.key
    addition = services.addition_create(
        actor=editor,
        region=region(code),
        support=support,
        section_key=section,
        block_uid=block_uid,
        kind=kind,
        body=body,
        care_level=care_level,
        contact=contact,
        link=link,
    )
    if publish:
        addition = services.addition_publish(
            actor=editor, addition=addition, lock_version=addition.lock_version
        )
    return RegionalAddition.objects.get(pk=addition.pk)


def archive(addition: RegionalAddition, editor=None) -> RegionalAddition:
    editor = editor or editor_of(addition.region.code)
    return services.addition_archive(
        actor=editor, addition=addition, lock_version=addition.lock_version
    )


def flag(addition: RegionalAddition, reason: str = "changed") -> RegionalAddition:
    """Marked for review as the staleness check marks it after a new national edition (no
    announcement: that publication announced the change)."""
    RegionalAddition.objects.filter(pk=addition.pk).update(
        needs_review=True, flagged_at=timezone.now(), flag_reason=reason
    )
    return RegionalAddition.objects.get(pk=addition.pk)


def region_url(code: str = REGION) -> str:
    return reverse("publishing:region", kwargs={"code": code})


def organisation(code: str = REGION) -> Organisation:
    return region(code)

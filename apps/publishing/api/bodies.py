"""The API's bodies, built from publication snapshots and validated against the schemas.
Each builder returns (status, model, last modified); apps.publishing.api.http caches the
rendered bytes. Nothing here renders Markdown: the HTML was rendered when the snapshot
was taken."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.authoring.models import (
    PROFESSION_LABELS,
    Basis,
    BlockKind,
    CareLevel,
    Depth,
    Edition,
    EditionKind,
    Strength,
    Support,
)
from apps.authoring.workflow_states import EditionState
from apps.regional import selectors as regional_selectors
from apps.regional.models import AdditionKind, FlagReason

from .. import reading, selectors
from . import schemas
from . import selectors as api_selectors
from .params import is_support_code


def _choice(value: str, choices) -> schemas.Choice:
    labels = dict(choices.choices)
    return schemas.Choice(code=value, label=str(labels.get(value, value)))


@dataclass(frozen=True)
class Links:
    """Absolute addresses on the host the request came to (the host is part of every cache
    key, so a body never carries another host's links)."""

    base: str

    def api(self, name: str, **kwargs) -> str:
        return self.base + reverse(f"api:v1:{name}", kwargs=kwargs or None)

    def support(self, support: Support) -> str:
        return self.api("support", slug=support.slug)

    def edition(self, support: Support, edition: Edition) -> str:
        return self.api("edition", slug=support.slug, version=edition.number)

    def support_page(self, support: Support) -> str:
        return self.base + reverse("publishing:support", kwargs={"slug": support.slug})

    def edition_page(self, support: Support, edition: Edition) -> str:
        kwargs = {"slug": support.slug, "major": edition.major, "minor": edition.minor}
        return self.base + reverse("publishing:edition", kwargs=kwargs)

    def support_in_region(self, support: Support, region) -> str:
        return f"{self.support(support)}?{urlencode({'region': region.code})}"

    def region_page(self, region) -> str:
        return self.base + reading.region_path(region)

    def page(self, name: str, params: dict, offset: int | None, **kwargs) -> str | None:
        if offset is None:
            return None
        query = {key: value for key, value in params.items() if value not in (None, "")}
        query["offset"] = offset
        return f"{self.api(name, **kwargs)}?{urlencode(query)}"


def _page_links(
    links: Links, name: str, params: dict, *, total: int, limit: int, offset: int, **kwargs
):
    following = offset + limit if offset + limit < total else None
    preceding = max(offset - limit, 0) if offset > 0 else None
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": links.page(name, params, following, **kwargs),
        "previous": links.page(name, params, preceding, **kwargs),
    }


def _programme_area(support: Support) -> schemas.ProgrammeArea:
    area = support.programme_area
    return schemas.ProgrammeArea(code=area.code, name=area.name)


def _product_type(support: Support) -> schemas.ProductType:
    return schemas.ProductType(code=support.product_type.code, name=support.product_type.name)


def _support_ref(links: Links, support: Support) -> schemas.SupportRef:
    return schemas.SupportRef(
        code=support.code,
        slug=support.slug,
        title=support.title,
        product_type=_product_type(support),
        url=links.support(support),
        html_url=links.support_page(support),
    )


def _diagnosis(diagnosis) -> schemas.Diagnosis:
    return schemas.Diagnosis(code=diagnosis.code, description=diagnosis.description)


# ---------------------------------------------------------------- the list


def support_page(links: Links, *, filters: dict, limit: int, offset: int):
    supports = api_selectors.filtered_supports(**filters)
    total = supports.count()
    rows = list(supports[offset : offset + limit]) if offset < total else []
    diagnoses = api_selectors.diagnoses_by_support([s.pk for s in rows]) if rows else {}
    results = []
    for support in rows:
        edition = support.current_published_edition
        care_levels = [
            level
            for level, present in (
                (CareLevel.PRIMARY.value, support.for_primary),
                (CareLevel.SPECIALISED.value, support.for_specialised),
            )
            if present
        ]
        results.append(
            schemas.SupportSummary(
                **_support_ref(links, support).model_dump(),
                programme_area=_programme_area(support),
                version=edition.number,
                published_at=edition.published_at,
                last_substantive_change_at=edition.last_substantive_change_at,
                next_review_date=edition.next_review_date,
                diagnoses=[_diagnosis(d) for d in diagnoses.get(support.pk, [])],
                care_levels=care_levels,
            )
        )
    params = {**filters, "limit": limit}
    if params.get("updated_since"):
        params["updated_since"] = params["updated_since"].isoformat()
    body = schemas.SupportPage(
        **_page_links(links, "supports", params, total=total, limit=limit, offset=offset),
        results=results,
    )
    return 200, body, api_selectors.list_changed_at()


# ---------------------------------------------------------------- one support


def find_support(slug: str) -> tuple[int | None, schemas.Withdrawn | None]:
    """The id of the public support at this slug or code, or what to say of a withdrawn
    one; Http404 for anything else (unknown, never published)."""
    if is_support_code(slug):
        support = selectors.public_supports().filter(code=slug).first()
        if support is None:
            slug = Support.objects.filter(code=slug).values_list("slug", flat=True).first() or ""
    else:
        support = selectors.public_support(slug)
    if support is not None:
        return support.pk, None
    withdrawn = selectors.withdrawn_support(slug) if slug else None
    if withdrawn is None:
        raise Http404(_("Det finns inget publicerat kunskapsstöd med den adressen."))
    gone, edition = withdrawn
    return None, schemas.Withdrawn(
        detail=_("Kunskapsstödet är avpublicerat."),
        code=gone.code,
        slug=gone.slug,
        title=gone.title,
        withdrawn_at=edition.state_changed_at,
    )


def support_by_id(support_id: int) -> Support:
    # Found by its address a moment ago; withdrawn in between is as good as unknown.
    support = selectors.public_supports().filter(pk=support_id).first()
    if support is None:
        raise Http404(_("Det finns inget publicerat kunskapsstöd med den adressen."))
    return support


def _edition(links: Links, support: Support, edition: Edition) -> schemas.Edition:
    current = edition.state == EditionState.PUBLISHED
    return schemas.Edition(
        version=edition.number,
        major=edition.major,
        minor=edition.minor,
        kind=_choice(edition.kind, EditionKind),
        current=current,
        change_summary=edition.change_summary,
        published_at=edition.published_at,
        superseded_at=None if current else edition.state_changed_at,
        last_substantive_change_at=edition.last_substantive_change_at,
        next_review_date=edition.next_review_date,
        url=links.edition(support, edition),
        html_url=links.support_page(support) if current else links.edition_page(support, edition),
    )


# ---------------------------------------------------------------- regional additions


def _region(region) -> schemas.Region:
    return schemas.Region(code=region.code, name=region.name)


def region_ref(links: Links, region) -> schemas.RegionRef:
    return schemas.RegionRef(
        code=region.code,
        name=region.name,
        url=links.api("region_additions", code=region.code),
        html_url=links.region_page(region),
    )


def _addition(links: Links, support: Support, addition, block_level: str = "") -> schemas.Addition:
    """One published addition as the reading site shows it in its region's view."""
    edition = addition.written_against_edition
    kind = _choice(addition.kind, AdditionKind)
    return schemas.Addition(
        uid=addition.uid,
        anchor=addition.public_anchor,
        region=_region(addition.region),
        kind=kind,
        label=f"{addition.region.name}: {kind.label}",
        html=addition.html,
        text=addition.body,
        care_level=_choice(addition.care_level, CareLevel),
        contact=addition.contact,
        link=addition.link or None,
        section_key=addition.section_key,
        block_uid=addition.block_uid,
        written_against=schemas.WrittenAgainst(
            version=edition.number, url=links.edition(support, edition)
        ),
        stale=addition.needs_review,
        stale_reason=_choice(addition.flag_reason, FlagReason) if addition.needs_review else None,
        flagged_at=addition.flagged_at,
        published_at=addition.published_at,
        updated_at=addition.updated_at,
        html_url=links.base
        + reading.addition_link(reading.support_path(support), addition, block_level),
    )


def region_list(links: Links):
    regions = reading.public_regions()
    return schemas.RegionList(results=[region_ref(links, region) for region in regions])


def region_addition_page(links: Links, region, *, since: datetime | None, limit: int, offset: int):
    """The region's published additions on public supports, the last changed last; with
    `since`, only those changed at or after it."""
    additions = api_selectors.region_additions(region)
    if since is not None:
        additions = additions.filter(updated_at__gte=since)
    total = additions.count()
    rows = list(additions[offset : offset + limit]) if offset < total else []
    levels = reading.current_block_levels(rows)
    results = []
    for addition in rows:
        addition.region = region  # the page's own: no query per addition
        support = addition.support
        results.append(
            schemas.RegionalAdditionItem(
                **_addition(links, support, addition, levels.get(addition.pk, "")).model_dump(),
                support=_support_ref(links, support),
                support_url=links.support_in_region(support, region),
            )
        )
    params = {"updated_since": since.isoformat() if since else None, "limit": limit}
    body = schemas.RegionalAdditionPage(
        **_page_links(
            links,
            "region_additions",
            params,
            total=total,
            limit=limit,
            offset=offset,
            code=region.code,
        ),
        region=region_ref(links, region),
        results=results,
    )
    changed = _latest(
        api_selectors.last_public_change_at(), api_selectors.additions_changed_at(region=region)
    )
    return 200, body, changed


def _block(block, additions=()) -> schemas.Block:
    recommendation = None
    if block.kind == BlockKind.RECOMMENDATION and block.strength:
        recommendation = schemas.Recommendation(
            strength=_choice(block.strength, Strength),
            basis=_choice(block.basis, Basis) if block.basis else None,
        )
    change = None
    if block.change_tag:
        change = schemas.ChangeTag(
            tag=block.change_tag, year=block.change_year, label=block.change_label
        )
    return schemas.Block(
        uid=block.uid,
        kind=block.kind,
        position=block.position,
        care_level=_choice(block.care_level, CareLevel),
        depth=_choice(block.depth, Depth),
        html=block.html,
        text=block.body,
        references_html=block.references_html,
        references=block.references,
        recommendation=recommendation,
        change=change,
        additions=list(additions),
    )


def _sections(links: Links, support: Support, snapshot, additions=()):
    """The snapshot's sections with content, and the region's additions at their places
    (reading.place_additions, as on the reading site): after their block, at the end of
    their section, or, for a section this edition does not have, in the second value."""
    found = selectors.public_sections(snapshot)
    placed = reading.place_additions(found, additions)
    sections = []
    for section in found:
        blocks = [
            _block(
                block,
                [
                    _addition(links, support, a, block.care_level)
                    for a in placed.at_block.get(block.uid, ())
                ],
            )
            for block in section.blocks.all()
        ]
        at_end = [_addition(links, support, a) for a in placed.at_end.get(section.key, ())]
        if blocks or at_end:
            sections.append(
                schemas.Section(
                    key=section.key,
                    title=section.title,
                    heading_level=section.heading_level,
                    blocks=blocks,
                    additions=at_end,
                )
            )
    return sections, [_addition(links, support, a) for a in placed.elsewhere]


def _latest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def support_detail(
    links: Links, support: Support, version: tuple[int, int] | None = None, region=None
):
    """The support with the edition asked for (the current one without a version); with a
    `region`, the current edition with that region's published additions at their places."""
    editions = selectors.public_editions(support)
    wanted = version or (
        support.current_published_edition.major,
        support.current_published_edition.minor,
    )
    shown = next((e for e in editions if (e.major, e.minor) == wanted), None)
    if shown is None:
        raise Http404(_("Kunskapsstödet har ingen publicerad version med det numret."))
    diagnoses = api_selectors.diagnoses_by_support([support.pk]).get(support.pk, [])
    related = api_selectors.related_public(support)
    additions = regional_selectors.published_additions(support, region) if region else []
    sections, elsewhere = _sections(links, support, shown.publication, additions)
    regions = regional_selectors.regions_with_additions(support)
    body = schemas.SupportDetail(
        code=support.code,
        slug=support.slug,
        title=support.title,
        url=links.support(support),
        html_url=links.support_page(support),
        product_type=_product_type(support),
        programme_area=_programme_area(support),
        target_professions=[
            schemas.Choice(code=code, label=str(PROFESSION_LABELS.get(code, code)))
            for code in support.target_professions
        ],
        diagnoses=[_diagnosis(d) for d in diagnoses],
        edition=_edition(links, support, shown),
        sections=sections,
        related=[_support_ref(links, other) for other in related],
        editions=[_edition(links, support, edition) for edition in editions],
        regions=[
            schemas.RegionLink(
                code=r.code,
                name=r.name,
                url=links.support_in_region(support, r),
                html_url=links.base
                + f"{reading.support_path(support)}?{urlencode({'region': r.code})}",
            )
            for r in regions
        ],
        region=region_ref(links, region) if region is not None else None,
        other_additions=elsewhere,
    )
    changed = _latest(
        api_selectors.support_last_change_at(support),
        api_selectors.additions_changed_at(support=support),
    )
    return 200, body, changed


def edition_list(links: Links, support: Support):
    editions = selectors.public_editions(support)
    body = schemas.EditionList(
        code=support.code,
        slug=support.slug,
        title=support.title,
        url=links.support(support),
        results=[_edition(links, support, edition) for edition in editions],
    )
    published = (edition.published_at for edition in editions)
    return 200, body, _latest(*published, api_selectors.support_metadata_changed_at(support))


# ---------------------------------------------------------------- the change feed


def change_page(links: Links, *, since: datetime | None, limit: int, offset: int):
    events = api_selectors.public_events()
    if since is not None:
        events = events.filter(created_at__gte=since)
    total = events.count()
    rows = list(events[offset : offset + limit]) if offset < total else []
    results = []
    for event in rows:
        edition, support = event.edition, event.edition.support
        results.append(
            schemas.Change(
                event=api_selectors.PUBLIC_EVENTS[event.name],
                at=event.created_at,
                code=support.code,
                slug=support.slug,
                title=support.title,
                version=edition.number,
                kind=_choice(edition.kind, EditionKind),
                change_summary=edition.change_summary,
                url=links.support(support),
                edition_url=links.edition(support, edition),
            )
        )
    params = {"updated_since": since.isoformat() if since else None, "limit": limit}
    body = schemas.ChangePage(
        **_page_links(links, "changes", params, total=total, limit=limit, offset=offset),
        results=results,
    )
    return 200, body, api_selectors.feed_changed_at()

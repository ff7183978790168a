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

from .. import selectors
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

    def page(self, name: str, params: dict, offset: int | None) -> str | None:
        if offset is None:
            return None
        query = {key: value for key, value in params.items() if value not in (None, "")}
        query["offset"] = offset
        return f"{self.api(name)}?{urlencode(query)}"


def _page_links(links: Links, name: str, params: dict, *, total: int, limit: int, offset: int):
    following = offset + limit if offset + limit < total else None
    preceding = max(offset - limit, 0) if offset > 0 else None
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": links.page(name, params, following),
        "previous": links.page(name, params, preceding),
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


def _block(block) -> schemas.Block:
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
    )


def _sections(snapshot) -> list[schemas.Section]:
    sections = []
    for section in selectors.public_sections(snapshot):
        blocks = [_block(block) for block in section.blocks.all()]
        if blocks:
            sections.append(
                schemas.Section(
                    key=section.key,
                    title=section.title,
                    heading_level=section.heading_level,
                    blocks=blocks,
                )
            )
    return sections


def _latest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def support_detail(links: Links, support: Support, version: tuple[int, int] | None = None):
    """The support with the edition asked for (the current one without a version)."""
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
        sections=_sections(shown.publication),
        related=[_support_ref(links, other) for other in related],
        editions=[_edition(links, support, edition) for edition in editions],
    )
    return 200, body, api_selectors.support_last_change_at(support)


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

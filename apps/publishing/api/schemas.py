"""The shapes of the API's answers, from which django-ninja writes the OpenAPI schema.

Field names and parameter names are the code's (English, as in the glossary of
docs/domain.md); stored choice values go out as `{"code": ..., "label": ...}` so that a
system can match on the code and show the Swedish label. Every body is validated against
these models when it is built (then cached), so an answer that breaks the schema fails
where it is made, not at a region's end."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(Model):
    code: str = Field(description="Det lagrade värdet, stabilt mellan versioner av API:t.")
    label: str = Field(description="Hur webbplatsen skriver det, på svenska.")


class ProgrammeArea(Model):
    code: str = Field(description="Programområdets kod, till exempel npo-hjart-och-karlsjukdomar.")
    name: str


class ProductType(Model):
    code: str = Field(description="Produkttypens kod, till exempel kliniskt-kunskapsstod.")
    name: str


class Diagnosis(Model):
    code: str = Field(description="ICD-10-kod, till exempel I50.0.")
    description: str = Field(description="WHO:s beskrivning av koden (på engelska).")


class SupportRef(Model):
    code: str = Field(description="Kunskapsstödets kod, till exempel KS-0003. Ändras aldrig.")
    slug: str = Field(description="Adressnamnet som webbplatsens adresser använder.")
    title: str
    product_type: ProductType
    url: str = Field(description="Kunskapsstödet i API:t.")
    html_url: str = Field(description="Kunskapsstödet på webbplatsen.")


class SupportSummary(SupportRef):
    programme_area: ProgrammeArea
    version: str = Field(description="Den gällande versionen, major.minor.")
    published_at: datetime
    last_substantive_change_at: datetime | None = Field(
        description="När innehållet senast ändrades i sak (inte bara språkligt)."
    )
    next_review_date: date | None
    diagnoses: list[Diagnosis]
    care_levels: list[Literal["primary", "specialised"]] = Field(
        description="Vårdnivåerna som texten har innehåll för."
    )


class Page(Model):
    total: int = Field(description="Antal träffar sammanlagt.")
    limit: int
    offset: int
    next: str | None = Field(description="Nästa sida, eller null på sista sidan.")
    previous: str | None = Field(description="Föregående sida, eller null på första sidan.")


class SupportPage(Page):
    results: list[SupportSummary]


class Recommendation(Model):
    strength: Choice = Field(description="Styrka: bor, kan, kan_i_undantagsfall, bor_inte, fou.")
    basis: Choice | None = Field(description="Underlag: evidence eller proven_experience.")


class ChangeTag(Model):
    tag: Literal["new", "changed"] = Field(description="new (ny) eller changed (ändrad).")
    year: int | None
    label: str = Field(description="Som webbplatsen visar det, till exempel ”Ändrad 2026”.")


class Region(Model):
    code: str = Field(description="Regionens kod, till exempel uppsala (se /api/v1/regioner/).")
    name: str


class RegionRef(Region):
    url: str = Field(description="Regionens publicerade tillägg i API:t.")
    html_url: str = Field(description="Regionens sida med tilläggen på webbplatsen.")


class RegionLink(Region):
    url: str = Field(description="Kunskapsstödet med regionens tillägg i API:t (?region=).")
    html_url: str = Field(description="Kunskapsstödet med regionens tillägg på webbplatsen.")


class WrittenAgainst(Model):
    version: str = Field(
        description="Den nationella version som tillägget skrevs mot eller senast bekräftades för."
    )
    url: str = Field(description="Den versionen i API:t.")


class Addition(Model):
    uid: UUID = Field(description="Tilläggets id. Ändras aldrig.")
    anchor: str = Field(
        description="Tilläggets ankare på webbplatsen, till exempel tillagg-1a2b3c4d."
    )
    region: Region
    kind: Choice = Field(
        description="Typ: organisation (organisation och ansvar), referral (remissrutin), "
        "local_drug (lokalt läkemedelsval) eller deviation (avvikelse från den nationella texten)."
    )
    label: str = Field(description="Rubriken som webbplatsen visar: regionen och typen.")
    html: str = Field(description="Texten som sanerad HTML.")
    text: str = Field(description="Texten som Markdown, som den skrevs.")
    care_level: Choice = Field(description="Vårdnivå: primary, specialised eller both.")
    contact: str = Field(description="Kontakt, eller en tom text.")
    link: str | None = Field(description="En länk till regionens egen information, eller null.")
    section_key: str = Field(description="Avsnittet som tillägget står i.")
    block_uid: UUID | None = Field(
        description="Blocket som tillägget står efter, eller null när det står i slutet av "
        "avsnittet."
    )
    written_against: WrittenAgainst
    stale: bool = Field(
        description="true när den nationella texten har ändrats (eller blocket tagits bort) "
        "sedan tillägget skrevs och regionen ännu inte har granskat det. Tillägget visas ändå, "
        "med en upplysning om det."
    )
    stale_reason: Choice | None = Field(
        description="changed (texten har ändrats) eller removed (blocket finns inte längre); "
        "null när tillägget inte behöver granskas."
    )
    flagged_at: datetime | None = Field(description="När tillägget markerades för granskning.")
    published_at: datetime
    updated_at: datetime = Field(description="När tillägget senast ändrades.")
    html_url: str = Field(description="Tillägget på webbplatsen, i regionens vy.")


class RegionalAdditionItem(Addition):
    support: SupportRef
    support_url: str = Field(description="Kunskapsstödet med regionens tillägg i API:t.")


class Block(Model):
    uid: UUID = Field(description="Blockets id, detsamma i alla versioner av kunskapsstödet.")
    kind: Literal["text", "recommendation"]
    position: int
    care_level: Choice = Field(description="Vårdnivå: primary, specialised eller both.")
    depth: Choice = Field(description="Djup: base (bastext) eller in_depth (fördjupning).")
    html: str = Field(description="Texten som sanerad HTML.")
    text: str = Field(description="Texten som Markdown, som den skrevs.")
    references_html: str
    references: str
    recommendation: Recommendation | None = Field(
        description="Styrka och underlag för en rekommendation, null för ett textblock."
    )
    change: ChangeTag | None = Field(
        description="Ändringsmärkning mot förra versionen, null om blocket inte ändrats i sak."
    )
    additions: list[Addition] = Field(
        description="Den valda regionens tillägg efter blocket (med ?region=), annars tom."
    )


class Section(Model):
    key: str
    title: str
    heading_level: int
    blocks: list[Block]
    additions: list[Addition] = Field(
        description="Den valda regionens tillägg i slutet av avsnittet (med ?region=), annars tom."
    )


class Edition(Model):
    version: str = Field(description="major.minor, till exempel 2.1.")
    major: int
    minor: int
    kind: Choice = Field(description="major (huvudversion) eller minor (delversion).")
    current: bool = Field(description="Om det är den gällande versionen.")
    change_summary: str
    published_at: datetime
    superseded_at: datetime | None = Field(description="När en senare version ersatte den.")
    last_substantive_change_at: datetime | None
    next_review_date: date | None
    url: str
    html_url: str = Field(description="Versionen på webbplatsen.")


class SupportDetail(Model):
    code: str
    slug: str
    title: str
    url: str
    html_url: str
    product_type: ProductType
    programme_area: ProgrammeArea
    target_professions: list[Choice]
    diagnoses: list[Diagnosis]
    edition: Edition = Field(description="Versionen som visas: den gällande eller en tidigare.")
    sections: list[Section] = Field(
        description="Avsnitten i ordning; avsnitt utan innehåll finns inte med."
    )
    related: list[SupportRef] = Field(description="Relaterade publicerade kunskapsstöd.")
    editions: list[Edition] = Field(description="Alla publicerade versioner, nyaste först.")
    regions: list[RegionLink] = Field(
        description="Regionerna som har publicerade tillägg till kunskapsstödet."
    )
    region: RegionRef | None = Field(
        description="Regionen vars tillägg svaret har (?region=), annars null."
    )
    other_additions: list[Addition] = Field(
        description="Regionens tillägg i ett avsnitt som den här versionen inte har längre; "
        "de står sist på webbplatsen."
    )


class EditionList(Model):
    code: str
    slug: str
    title: str
    url: str
    results: list[Edition]


class Change(Model):
    event: Literal["published", "withdrawn"] = Field(
        description="published: en ny version publicerades; withdrawn: kunskapsstödet avpublicerades."
    )
    at: datetime
    code: str
    slug: str
    title: str
    version: str
    kind: Choice
    change_summary: str = Field(description="Versionens sammanfattning av ändringarna.")
    url: str = Field(description="Kunskapsstödet i API:t (410 om det är avpublicerat nu).")
    edition_url: str = Field(description="Versionen i API:t.")


class ChangePage(Page):
    results: list[Change]


class RegionalAdditionPage(Page):
    region: RegionRef
    results: list[RegionalAdditionItem]


class RegionList(Model):
    results: list[RegionRef]


class Endpoint(Model):
    name: str
    url: str
    description: str


class Index(Model):
    name: str
    version: str
    documentation: str = Field(description="Beskrivningen av API:t för människor.")
    openapi: str = Field(description="OpenAPI 3-schemat.")
    endpoints: list[Endpoint]


class ProgrammeAreaList(Model):
    results: list[ProgrammeArea]


class ProductTypeList(Model):
    results: list[ProductType]


class ParameterError(Model):
    parameter: str = Field(description="Parametern som är fel.")
    message: str = Field(description="Vad som är fel, på svenska.")


class BadRequest(Model):
    detail: list[ParameterError]


class NotFound(Model):
    detail: str


class Withdrawn(Model):
    detail: str
    code: str
    slug: str
    title: str
    withdrawn_at: datetime | None

"""The public JSON API, version 1 (django-ninja): read-only, no sign-in, published content
only. The OpenAPI 3 schema is generated from this module (served at /api/v1/openapi.json by
apps.publishing.api.urls); the Swedish descriptions here are what the schema and the API
page (/api/) say.

Every operation answers GET and HEAD; HEAD is left out of the schema, as HTTP defines it by
GET. Bodies come from the public cache with ETag and Last-Modified (apps.publishing.api.http).
"""

import json
from typing import Literal

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import ValidationError

from apps.accounts.models import Organisation
from apps.authoring.models import ProductType

from .. import reading
from ..cache import public_cached
from . import bodies, schemas
from .http import cached_json, error_response, render, respond
from .params import (
    CODE_PATTERN,
    DIAGNOSIS_PATTERN,
    SLUG_PATTERN,
    VERSION_PATTERN,
    BadParameter,
    parse_since,
    parse_version,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Deep offsets make the database count and skip rows for nothing: 2,000 supports fit.
MAX_OFFSET = 100_000

api = NinjaAPI(
    title="Nationella kunskapsstöd – API",
    version="1",
    description=(
        "Publicerade nationella kunskapsstöd som JSON, för regionernas egna system. "
        "Bara publicerat innehåll, ingen inloggning. Läs mer på /api/."
    ),
    urls_namespace="api:v1",
    # The schema is served by apps.publishing.api.urls (with ETag and Cache-Control);
    # Swagger UI would need inline scripts, which the site's CSP forbids.
    openapi_url=None,
    docs_url=None,
)
router = Router(tags=["kunskapsstöd"])

BAD_REQUEST = {400: schemas.BadRequest}
NOT_FOUND = {404: schemas.NotFound}
GONE = {410: schemas.Withdrawn}


def public_get(path: str, *, url_name: str, response: dict, summary: str, description: str):
    """GET in the schema, and HEAD by the same function."""

    def decorator(view):
        responses = dict(response)
        router.add_api_operation(
            path,
            ["GET"],
            view,
            response=responses,
            url_name=url_name,
            summary=summary,
            description=description,
            operation_id=url_name,
        )
        router.add_api_operation(path, ["HEAD"], view, response=responses, include_in_schema=False)
        return view

    return decorator


# ---------------------------------------------------------------- errors


def _json(body) -> bytes:
    return body.model_dump_json().encode()


def _bad_request(errors: list[tuple[str, str]]):
    return error_response(
        _json(
            schemas.BadRequest(
                detail=[schemas.ParameterError(parameter=p, message=m) for p, m in errors]
            )
        ),
        400,
    )


def _validation_message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Saknas.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Ska vara ett heltal.")
    if kind == "greater_than_equal":
        return _("Ska vara minst %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Får vara högst %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("Får vara högst %(limit)s tecken.") % {"limit": ctx.get("max_length")}
    if kind == "literal_error":
        # pydantic lists the values in English ("'a' or 'b'").
        values = str(ctx.get("expected", "")).replace(" or ", " " + _("eller") + " ")
        return _("Ska vara ett av: %(values)s.") % {"values": values}
    if kind == "string_pattern_mismatch":
        return _("Har inte rätt form.")
    return _("Ogiltigt värde.")


def on_validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        location = [part for part in error.get("loc", ()) if isinstance(part, str)]
        parameter = location[-1] if location else "?"
        errors.append((parameter, _validation_message(error)))
    return _bad_request(errors)


def on_bad_parameter(request, exc: BadParameter):
    return _bad_request([(exc.parameter, exc.message)])


def on_not_found(request, exc: Http404):
    message = str(exc) if exc.args else _("Hittades inte.")
    return error_response(_json(schemas.NotFound(detail=message)), 404)


class Gone(Exception):
    def __init__(self, entry: tuple):
        super().__init__()
        self.entry = entry


def on_gone(request, exc: Gone):
    return respond(request, exc.entry)


api.add_exception_handler(ValidationError, on_validation_error)
api.add_exception_handler(BadParameter, on_bad_parameter)
api.add_exception_handler(Http404, on_not_found)
api.add_exception_handler(Gone, on_gone)


# ---------------------------------------------------------------- parameters

SLUG = Path(
    ...,
    pattern=SLUG_PATTERN,
    description="Kunskapsstödets adressnamn (som på webbplatsen) eller dess kod, till exempel KS-0003.",
)
LIMIT = Query(
    DEFAULT_LIMIT,
    ge=1,
    le=MAX_LIMIT,
    description=f"Antal träffar per sida, 1–{MAX_LIMIT}.",
)
OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="Hur många träffar som hoppas över.")
SINCE_HELP = (
    "Ett datum eller en tidpunkt enligt ISO 8601, till exempel 2026-03-01 eller "
    "2026-03-01T08:00:00+01:00 (skriv + som %2B i adressen). Ett datum och en tid utan "
    "tidszon räknas i svensk tid."
)


def _resolve(request, slug: str) -> int:
    """The id of the public support at this slug or code, from the cache while no support
    was published or withdrawn (the lists' generation). A withdrawn support answers 410,
    cached the same way; an unknown one 404, not cached."""

    def build():
        support_id, withdrawn = bodies.find_support(slug)
        if withdrawn is not None:
            return ("gone", render(410, withdrawn, withdrawn.withdrawn_at))
        return ("public", support_id)

    kind, value = public_cached("api-address", build, variant=(slug,))
    if kind == "gone":
        raise Gone(value)
    return value


def _links(request) -> bodies.Links:
    return bodies.Links(base=f"{request.scheme}://{request.get_host()}")


# ---------------------------------------------------------------- operations


@public_get(
    "/",
    url_name="index",
    response={200: schemas.Index},
    summary="Ingången till API:t",
    description="Adresserna till API:ts delar, schemat och beskrivningen.",
)
def index(request):
    links = _links(request)

    def build():
        endpoints = [
            ("kunskapsstod", links.api("supports"), _("Publicerade kunskapsstöd, med filter.")),
            ("andringar", links.api("changes"), _("Nya versioner och avpubliceringar.")),
            ("programomraden", links.api("programme_areas"), _("Programområdenas koder.")),
            ("produkttyper", links.api("product_types"), _("Produkttypernas koder.")),
            ("regioner", links.api("regions"), _("Regionerna och deras regionala tillägg.")),
        ]
        body = schemas.Index(
            name=_("Nationella kunskapsstöd – API"),
            version="1",
            documentation=links.base + reverse("api:page"),
            openapi=links.base + reverse("api:openapi"),
            endpoints=[schemas.Endpoint(name=n, url=u, description=d) for n, u, d in endpoints],
        )
        return 200, body, None

    return cached_json(request, "index", build)


@public_get(
    "/kunskapsstod/",
    url_name="supports",
    response={200: schemas.SupportPage, **BAD_REQUEST},
    summary="Publicerade kunskapsstöd",
    description=(
        "De publicerade kunskapsstöden i titelordning, en sida i taget. Avpublicerade finns "
        "inte med (de står i ändringsflödet). Filtren kan kombineras."
    ),
)
def supports(
    request,
    npo: str = Query(
        None,
        pattern=CODE_PATTERN,
        max_length=60,
        description="Programområdets kod, till exempel npo-hjart-och-karlsjukdomar (se /api/v1/programomraden/).",
    ),
    product_type: str = Query(
        None,
        pattern=CODE_PATTERN,
        max_length=40,
        description="Produkttypens kod, till exempel kliniskt-kunskapsstod (se /api/v1/produkttyper/).",
    ),
    care_level: Literal["primary", "specialised"] = Query(
        None,
        description=(
            "primary (primärvård) eller specialised (specialiserad vård): kunskapsstöd "
            "med text för den vårdnivån (eller för båda)."
        ),
    ),
    diagnosis: str = Query(
        None,
        pattern=DIAGNOSIS_PATTERN,
        max_length=10,
        description="Början av en ICD-10-kod: I50 ger I50, I50.0, I50.1 …",
    ),
    updated_since: str = Query(
        None,
        description="Bara kunskapsstöd vars gällande version publicerades vid eller efter "
        "denna tidpunkt. " + SINCE_HELP,
    ),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    filters = {
        "npo": npo,
        "product_type": product_type,
        "care_level": care_level,
        "diagnosis": diagnosis.upper() if diagnosis else None,
        "updated_since": parse_since(updated_since),
    }
    links = _links(request)
    variant = (*(str(value) for value in filters.values()), limit, offset)
    return cached_json(
        request,
        "supports",
        lambda: bodies.support_page(links, filters=filters, limit=limit, offset=offset),
        variant=variant,
    )


def _region(code: str):
    """The region with this code; Http404 (a JSON 404) for a code that names none."""
    region = reading.region_by_code(code)
    if region is None:
        raise Http404(_("Det finns ingen region med koden ”%(code)s”.") % {"code": code})
    return region


@public_get(
    "/kunskapsstod/{slug}/",
    url_name="support",
    response={200: schemas.SupportDetail, **BAD_REQUEST, **NOT_FOUND, **GONE},
    summary="Ett kunskapsstöd",
    description=(
        "Den gällande versionen: uppgifter, datum, avsnitt, block med HTML och "
        "rekommendationerna med styrka, underlag, vårdnivå, djup, referenser och "
        "ändringsmärkning, länkar till relaterade kunskapsstöd och till tidigare versioner. "
        "Med region kommer också regionens publicerade tillägg, vart och ett där det står: "
        "efter sitt block (additions i blocket) eller i slutet av sitt avsnitt (additions i "
        "avsnittet), med den nationella version det skrevs mot och om det behöver granskas "
        "(stale). Den nationella texten är densamma med och utan region. "
        "Ett avpublicerat kunskapsstöd svarar 410 med tidpunkten."
    ),
)
def support(
    request,
    slug: str = SLUG,
    region: str = Query(
        None,
        pattern=CODE_PATTERN,
        max_length=60,
        description="Regionens kod, till exempel uppsala (se /api/v1/regioner/): svaret får "
        "regionens publicerade tillägg.",
    ),
):
    support_id = _resolve(request, slug)
    chosen = _region(region) if region else None
    links = _links(request)
    return cached_json(
        request,
        "support",
        lambda: bodies.support_detail(links, bodies.support_by_id(support_id), region=chosen),
        support_id=support_id,
        variant=(slug, chosen.code if chosen else ""),
    )


@public_get(
    "/kunskapsstod/{slug}/versioner/",
    url_name="editions",
    response={200: schemas.EditionList, **BAD_REQUEST, **NOT_FOUND, **GONE},
    summary="Ett kunskapsstöds publicerade versioner",
    description="Alla versioner som har publicerats och kan läsas, nyaste först.",
)
def editions(request, slug: str = SLUG):
    support_id = _resolve(request, slug)
    links = _links(request)
    return cached_json(
        request,
        "editions",
        lambda: bodies.edition_list(links, bodies.support_by_id(support_id)),
        support_id=support_id,
        variant=(slug,),
    )


@public_get(
    "/kunskapsstod/{slug}/versioner/{version}/",
    url_name="edition",
    response={200: schemas.SupportDetail, **BAD_REQUEST, **NOT_FOUND, **GONE},
    summary="En publicerad version",
    description=(
        "En version av kunskapsstödet, den gällande eller en tidigare, i samma form som "
        "kunskapsstödet självt. Versioner som aldrig publicerats finns inte."
    ),
)
def edition(
    request,
    slug: str = SLUG,
    version: str = Path(
        ..., pattern=VERSION_PATTERN, description="Versionsnumret, till exempel 1.0 eller 2.1."
    ),
):
    wanted = parse_version(version)
    support_id = _resolve(request, slug)
    links = _links(request)
    return cached_json(
        request,
        "edition",
        lambda: bodies.support_detail(links, bodies.support_by_id(support_id), version=wanted),
        support_id=support_id,
        variant=(slug, *wanted),
    )


@public_get(
    "/andringar/",
    url_name="changes",
    response={200: schemas.ChangePage, **BAD_REQUEST},
    summary="Ändringsflödet",
    description=(
        "Publiceringar av nya versioner (published) och avpubliceringar (withdrawn), äldst "
        "först. Spara tidpunkten för den sista posten och fråga med updated_since nästa gång."
    ),
)
def changes(
    request,
    updated_since: str = Query(
        None,
        description="Bara ändringar vid eller efter denna tidpunkt. " + SINCE_HELP,
    ),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    since = parse_since(updated_since)
    links = _links(request)
    return cached_json(
        request,
        "changes",
        lambda: bodies.change_page(links, since=since, limit=limit, offset=offset),
        variant=(str(since), limit, offset),
    )


@public_get(
    "/programomraden/",
    url_name="programme_areas",
    response={200: schemas.ProgrammeAreaList},
    summary="Programområden",
    description="De nationella programområdena och deras koder, för filtret npo.",
)
def programme_areas(request):
    # Names may be corrected without a publication: never cached, one small query.
    body = schemas.ProgrammeAreaList(
        results=[
            schemas.ProgrammeArea(code=code, name=name)
            for code, name in Organisation.objects.filter(kind="npo")
            .order_by("name")
            .values_list("code", "name")
        ]
    )
    return respond(request, render(200, body, None))


@public_get(
    "/produkttyper/",
    url_name="product_types",
    response={200: schemas.ProductTypeList},
    summary="Produkttyper",
    description="Produkttyperna och deras koder, för filtret product_type.",
)
def product_types(request):
    body = schemas.ProductTypeList(
        results=[
            schemas.ProductType(code=code, name=name)
            for code, name in ProductType.objects.order_by("position", "name").values_list(
                "code", "name"
            )
        ]
    )
    return respond(request, render(200, body, None))


@public_get(
    "/regioner/",
    url_name="regions",
    response={200: schemas.RegionList},
    summary="Regioner",
    description="De 21 regionerna och deras koder, för parametern region och regionernas tillägg.",
)
def regions(request):
    return respond(request, render(200, bodies.region_list(_links(request)), None))


@public_get(
    "/regioner/{code}/tillagg/",
    url_name="region_additions",
    response={200: schemas.RegionalAdditionPage, **BAD_REQUEST, **NOT_FOUND},
    summary="En regions tillägg",
    description=(
        "Regionens publicerade tillägg till de publicerade kunskapsstöden, det senast ändrade "
        "sist, en sida i taget. Spara tidpunkten updated_at för det sista och fråga med "
        "updated_since nästa gång. Ett tillägg som regionen arkiverar finns inte längre med: "
        "hämta hela listan (utan updated_since) för att se vilka som finns kvar."
    ),
)
def region_additions(
    request,
    code: str = Path(
        ...,
        pattern=CODE_PATTERN,
        max_length=60,
        description="Regionens kod, till exempel uppsala (se /api/v1/regioner/).",
    ),
    updated_since: str = Query(
        None,
        description="Bara tillägg som publicerades eller ändrades vid eller efter denna "
        "tidpunkt. " + SINCE_HELP,
    ),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    since = parse_since(updated_since)
    region = _region(code)
    links = _links(request)
    return cached_json(
        request,
        "region-additions",
        lambda: bodies.region_addition_page(links, region, since=since, limit=limit, offset=offset),
        variant=(region.code, str(since), limit, offset),
    )


api.add_router("/", router)


RESPONSE_DESCRIPTIONS = {
    "200": "Svaret.",
    "304": "Inte ändrat sedan svaret med den ETag (If-None-Match) eller tidpunkt "
    "(If-Modified-Since) som frågan skickade; inget innehåll.",
    "400": "En parameter har fel form; svaret säger vilken och varför.",
    "404": "Det finns inget publicerat kunskapsstöd eller ingen publicerad version här.",
    "410": "Kunskapsstödet är avpublicerat; svaret säger när.",
}
# What a 404 means where it is not a support or a version that is missing.
NOT_FOUND_DESCRIPTIONS = {
    "support": "Det finns inget publicerat kunskapsstöd här, eller ingen region med koden i "
    "region.",
    "region_additions": "Det finns ingen region med den koden.",
}
CACHE_HEADERS = {
    "ETag": {
        "description": "Svarets version; skicka den som If-None-Match nästa gång.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "När det svaret bygger på senast publicerades eller avpublicerades.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "Hur länge svaret får sparas.", "schema": {"type": "string"}},
}


# What params.parse_since reads (and more: a time without an offset, a week date).
SINCE_SCHEMA = {
    "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
}


def _describe(schema: dict) -> dict:
    """What the generated schema cannot say from the code: Swedish descriptions of the
    statuses, the caching headers and the 304 that every GET may answer, and the forms a
    time may take."""
    for methods in schema["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "updated_since":
                    parameter["schema"] = {**SINCE_SCHEMA, "description": parameter["description"]}
            responses = {str(status): r for status, r in operation["responses"].items()}
            operation["responses"] = responses
            responses["200"]["headers"] = CACHE_HEADERS
            responses["304"] = {"description": "", "headers": CACHE_HEADERS}
            for status, response in responses.items():
                response["description"] = RESPONSE_DESCRIPTIONS[status]
            if "404" in responses and operation.get("operationId") in NOT_FOUND_DESCRIPTIONS:
                responses["404"]["description"] = NOT_FOUND_DESCRIPTIONS[operation["operationId"]]
    return schema


def openapi_document() -> bytes:
    """The schema as bytes, made once per process: it changes only with the code."""
    global _OPENAPI
    if _OPENAPI is None:
        schema = _describe(dict(api.get_openapi_schema(path_prefix=reverse("api:v1:index"))))
        _OPENAPI = json.dumps(schema, ensure_ascii=False, sort_keys=True).encode()
    return _OPENAPI


_OPENAPI: bytes | None = None

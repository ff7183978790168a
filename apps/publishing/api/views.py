"""The API's Django views outside django-ninja: the Swedish page that describes it, drawn
from the same OpenAPI schema that systems read (so the page and the schema never differ),
the schema itself with ETag and Cache-Control, and the JSON 404 for unknown addresses."""

import functools
import hashlib
import json
import re
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import schemas
from .http import CACHE_CONTROL, MAX_AGE, error_response, respond
from .v1 import DEFAULT_LIMIT, MAX_LIMIT, openapi_document


@require_safe
def openapi_json(request) -> HttpResponse:
    content = openapi_document()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return respond(request, (200, content, etag, None))


def json_method_not_allowed(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        body = schemas.NotFound(
            detail=_("API:t går bara att läsa: använd GET (eller HEAD).")
        ).model_dump_json()
        answer = error_response(body.encode(), 405)
        answer["Allow"] = response["Allow"]
        return answer

    return wrapped


def not_found(request, *args, **kwargs) -> HttpResponse:
    body = schemas.NotFound(detail=_("Det finns ingen sådan adress i API:t."))
    return error_response(body.model_dump_json().encode(), 404)


# The codes a description names: stored values and parameter names, which a person reads as
# code (and a screen reader in English), not as Swedish words.
CODES = re.compile(
    r"\b(?:[a-z]+(?:_[a-z]+)+|primary|specialised|both|published|withdrawn|major|minor)\b"
)


def _mark_codes(text: str) -> str:
    return mark_safe(  # noqa: S308 - escaped first; only <code> is added
        CODES.sub(lambda m: f'<code lang="en">{m.group(0)}</code>', escape(text))
    )


def _type_of(schema: dict) -> str:
    """How the page names a parameter's type, from its JSON schema."""
    options = schema.get("anyOf") or [schema]
    kinds = [option for option in options if option.get("type") != "null"]
    if not kinds:
        return ""
    kind = kinds[0]
    if "enum" in kind:
        return " | ".join(str(value) for value in kind["enum"])
    if "const" in kind:
        return str(kind["const"])
    return {"integer": _("heltal"), "string": _("text")}.get(kind.get("type"), kind.get("type", ""))


def _operations(document: dict, base: str) -> list[dict]:
    operations = []
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        parameters = []
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            limits = [
                f"{label} {schema[key]}"
                for key, label in (("minimum", _("minst")), ("maximum", _("högst")))
                if key in schema
            ]
            parameters.append(
                {
                    "name": parameter["name"],
                    "where": _("i adressen") if parameter["in"] == "path" else _("i frågan"),
                    "required": parameter.get("required", False),
                    "type": _type_of(schema),
                    "default": schema.get("default"),
                    "limits": ", ".join(limits),
                    "description_html": _mark_codes(
                        parameter.get("description") or schema.get("description", "")
                    ),
                }
            )
        statuses = [
            {"code": code, "description": response.get("description", "")}
            for code, response in sorted(operation.get("responses", {}).items())
        ]
        operations.append(
            {
                "id": operation.get("operationId", path),
                "method": "GET",
                "path": path,
                "summary": operation.get("summary", ""),
                "description_html": _mark_codes(operation.get("description", "")),
                "parameters": parameters,
                "statuses": statuses,
            }
        )
    return operations


def api_page(request):
    base = f"{request.scheme}://{request.get_host()}"
    document = json.loads(openapi_document())
    supports = base + reverse("api:v1:supports")
    changes = base + reverse("api:v1:changes")
    bad_request = schemas.BadRequest(
        detail=[
            schemas.ParameterError(
                parameter="updated_since",
                message=_(
                    "Ska vara ett datum eller en tidpunkt enligt ISO 8601, till exempel "
                    "2026-03-01 eller 2026-03-01T08:00:00+01:00."
                ),
            )
        ]
    )
    context = {
        "document": document,
        "operations": _operations(document, base),
        "base": base,
        "api_root": base + reverse("api:v1:index"),
        "openapi_url": base + reverse("api:openapi"),
        "examples": {
            "list": f"{supports}?{urlencode({'npo': 'npo-hjart-och-karlsjukdomar', 'care_level': 'primary'})}",
            "diagnosis": f"{supports}?{urlencode({'diagnosis': 'I50'})}",
            "changes": f"{changes}?{urlencode({'updated_since': '2026-03-01T08:00:00+01:00'})}",
            "regions": base + reverse("api:v1:regions"),
            "region_additions": base
            + reverse("api:v1:region_additions", kwargs={"code": "uppsala"})
            + "?"
            + urlencode({"updated_since": "2026-03-01"}),
            "support_in_region": f"{supports}<slug>/?{urlencode({'region': 'uppsala'})}",
            "curl_etag": f"curl -i -H 'If-None-Match: \"…\"' {supports}",
            "bad_request": json.dumps(bad_request.model_dump(), ensure_ascii=False, indent=2),
        },
        "max_age": MAX_AGE,
        "cache_control": CACHE_CONTROL,
        "default_limit": DEFAULT_LIMIT,
        "max_limit": MAX_LIMIT,
    }
    return render(request, "publishing/api.html", context)

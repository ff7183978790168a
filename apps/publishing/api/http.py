"""HTTP for the public API: bodies from the public cache, ETag and Last-Modified, 304 Not
Modified, Cache-Control.

A cached entry holds the rendered bytes, their ETag (a hash of those bytes) and the time of
the last publication or withdrawal that the body depends on. The cache key carries the
generations of apps.publishing.cache, which move on after the commit of every publication
and withdrawal, so an ETag handed out before a change never matches the body after it. The
304 path costs two cache round trips and no query."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from pydantic import BaseModel

from ..cache import public_cached

CONTENT_TYPE = "application/json; charset=utf-8"
# Modest: a region's system may keep an answer five minutes without asking again; after
# that it asks with If-None-Match and gets a 304 while nothing changed.
MAX_AGE = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
# Errors are not for keeping: a support may be published the next minute.
ERROR_CACHE_CONTROL = "no-cache"

Build = Callable[[], tuple[int, BaseModel, datetime | None]]


def render(status: int, body: BaseModel, last_modified: datetime | None) -> tuple:
    content = body.model_dump_json().encode()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    stamp = int(last_modified.timestamp()) if last_modified is not None else None
    return (status, content, etag, stamp)


def cached_json(
    request: HttpRequest,
    name: str,
    build: Build,
    *,
    support_id: int | None = None,
    variant: tuple = (),
) -> HttpResponse:
    """The body `build` makes, from the cache when nothing changed since it was made. An
    exception from `build` (a bad parameter, an unknown support) is not cached."""
    entry = public_cached(
        f"api-{name}",
        lambda: render(*build()),
        support_id=support_id,
        variant=(request.scheme, request.get_host(), *variant),
    )
    return respond(request, entry)


def respond(request: HttpRequest, entry: tuple) -> HttpResponse:
    status, content, etag, stamp = entry
    response = None
    if status == 200:
        response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def error_response(content: bytes, status: int) -> HttpResponse:
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = ERROR_CACHE_CONTROL
    return response

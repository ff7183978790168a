"""The reading site's pages (no sign-in): a support, its earlier editions, the changes
between two of them, the remiss response table, the sitemap.

Every page is built from publication snapshots (apps/publishing/reading.py) and cached until
the support, or any public list, changes (apps/publishing/cache.py). An anonymous reader is
served the whole cached page; a signed-in one gets the cached content inside a header of
their own. A cache hit reads nothing from the database."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import reading, selectors
from ..cache import public_cached, public_key
from ..sitemaps import SITEMAPS

OTHER_PARAMETER = "mot"
ROUND_PARAMETER = "omgang"


class _Withdrawn(Exception):
    def __init__(self, support, edition):
        super().__init__(support.slug)
        self.support, self.edition = support, edition


class _BadInput(Exception):
    """A parameter that names nothing readable: answered 400 with the page's own message,
    and never cached."""

    def __init__(self, context: dict):
        super().__init__(context.get("error", ""))
        self.context = context


def _support_id(slug: str) -> int:
    """The public support at this address, by id, from the cache when it was found since the
    last change to any public list (a support becomes public or stops being public only by a
    change that moves the lists on). Only found ones are cached, so unknown addresses cannot
    fill the cache. A withdrawn support raises _Withdrawn, an unknown one Http404."""
    key = public_key("support-id", variant=(slug,))
    found = cache.get(key)
    if found is None:
        support = selectors.public_support(slug)
        if support is None:
            withdrawn = selectors.withdrawn_support(slug)
            if withdrawn is not None:
                raise _Withdrawn(*withdrawn)
            raise Http404
        found = support.pk
        cache.set(key, found, timeout=settings.PUBLIC_CACHE_SECONDS)
    return found


def _load(slug: str):
    """The support and its readable editions (three queries), inside a page's build."""
    support = selectors.public_support(slug)
    if support is None:  # withdrawn between the id lookup and now
        raise Http404
    return support, selectors.public_editions(support)


def _cached_body(request, name: str, build, *, support_id: int | None, variant: tuple) -> str:
    """The whole page from the cache for an anonymous reader; for a signed-in one the
    cached content inside their own header."""
    if request.user.is_authenticated:
        page = public_cached(f"{name}-content", build, support_id=support_id, variant=variant)
        return _shell(request, page)
    return public_cached(
        f"{name}-page",
        lambda: _shell(request, build()),
        support_id=support_id,
        variant=variant,
    )


def _respond(request, name: str, slug: str, variant: tuple, build, status: int = 200):
    """The page `build()` describes (a dict with the content's `html`, the `title` and any
    `canonical` address or `stylesheets`), from the cache when it can be."""
    try:
        support_id = _support_id(slug)
        body = _cached_body(request, name, build, support_id=support_id, variant=variant)
    except _Withdrawn as gone:
        return _withdrawn(request, gone)
    except _BadInput as bad:
        return HttpResponse(_shell(request, bad.context), status=400)
    response = HttpResponse(body, status=status)
    patch_vary_headers(response, ("Cookie",))
    return response


def _shell(request, page: dict) -> str:
    """The page around its content. Rendered without the request's context processors: the
    public header needs only who is signed in, and the signed-in application's menu and
    counters (four queries) have no place here."""
    context = {
        **page,
        "html": mark_safe(page["html"]),  # noqa: S308 - rendered by a template
        "user": request.user,
    }
    return render_to_string("publishing/reading_page.html", context)


def _withdrawn(request, gone: _Withdrawn):
    return render(
        request,
        "publishing/withdrawn.html",
        {"support": gone.support, "withdrawn": gone.edition},
        status=410,
    )


def _with_level(request, response, level: str, chosen: bool):
    """Remember a level the reader chose, for the next page they open."""
    if chosen and response.status_code == 200:
        response.set_cookie(
            reading.LEVEL_COOKIE,
            level,
            max_age=reading.LEVEL_COOKIE_SECONDS,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response


def _with_region(request, response, choice: reading.RegionChoice):
    """Remember the region a reader chose, or forget it when they chose none."""
    if not choice.chosen or response.status_code != 200:
        return response
    if choice.region is None:
        response.delete_cookie(reading.REGION_COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            reading.REGION_COOKIE,
            choice.region.code,
            max_age=reading.REGION_COOKIE_SECONDS,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response


def _edition_page(
    slug: str,
    number: tuple[int, int] | None,
    level: str,
    region: reading.RegionChoice | None = None,
) -> dict:
    """A readable edition's page; at the support's own address (`number` None) with the
    choice of regions and the chosen region's additions."""
    support, editions = _load(slug)
    if number is None:
        edition = reading.current_of(support, editions)
    else:
        edition = reading.find_edition(editions, number)
    if edition is None or reading.current_of(support, editions) is None:
        raise Http404
    error = ""
    if region is not None and region.unknown:
        error = _(
            "Det finns ingen region med koden ”%(code)s”. Välj en av regionerna i listan."
        ) % {"code": region.unknown}
    page = reading.support_page(
        support,
        editions,
        edition,
        level=level,
        regional=number is None,
        region=region.region if region is not None else None,
        region_error=error,
    )
    title = (
        support.title
        if page.is_current and number is None
        else _("%(title)s, version %(number)s") % {"title": support.title, "number": edition.number}
    )
    context = {
        "title": title,
        "html": render_to_string("publishing/support.html", {"page": page}),
        "canonical": reading.support_path(support) if page.is_current else "",
    }
    if error:
        raise _BadInput(context)
    return context


@require_safe
def support_page(request, slug):
    level, chosen = reading.chosen_level(request)
    region = reading.chosen_region(request)
    # An unknown region's code is never part of a cached key: its page is refused (400).
    variant = ("current", level, region.code if not region.unknown else "?")
    response = _respond(
        request, "support", slug, variant, lambda: _edition_page(slug, None, level, region)
    )
    return _with_region(request, _with_level(request, response, level, chosen), region)


@require_safe
def edition_page(request, slug, major, minor):
    level, chosen = reading.chosen_level(request)
    response = _respond(
        request,
        "edition",
        slug,
        (major, minor, level),
        lambda: _edition_page(slug, (major, minor), level),
    )
    return _with_level(request, response, level, chosen)


def _region_page(region) -> dict:
    return {
        "title": _("Regionala tillägg från %(region)s") % {"region": region.name},
        "html": render_to_string(
            "publishing/region.html",
            {
                "region": region,
                "groups": reading.region_page(region),
                "regions": [r for r in reading.public_regions() if r.pk != region.pk],
            },
        ),
    }


@require_safe
def region_page(request, code):
    """A region's published additions, by support, with links to their places. Cached with
    the public lists, which move on whenever an addition is published or archived."""
    region = reading.region_by_code(code)
    if region is None:
        page = {
            "title": _("Regionen finns inte"),
            "html": render_to_string(
                "publishing/region_unknown.html",
                {"code": code, "regions": reading.public_regions()},
            ),
        }
        return HttpResponse(_shell(request, page), status=404)
    body = _cached_body(
        request, "region", lambda: _region_page(region), support_id=None, variant=(code,)
    )
    response = HttpResponse(body)
    patch_vary_headers(response, ("Cookie",))
    return response


def _changes_page(slug: str, number: tuple[int, int], asked: str | None) -> dict:
    support, editions = _load(slug)
    edition = reading.find_edition(editions, number)
    if edition is None:
        raise Http404
    others = [e for e in editions if e.pk != edition.pk]
    context = {
        "support": support,
        "edition": edition,
        "others": others,
        "edition_url": _reading_url(support, edition),
    }
    page = {
        "title": _("Ändringar: %(title)s, version %(number)s")
        % {"title": support.title, "number": edition.number}
    }
    if asked is None:
        # The edition before this one, or for the first edition the one after it.
        older = [e for e in others if (e.major, e.minor) < (edition.major, edition.minor)]
        other = older[0] if older else (others[-1] if others else None)
    else:
        other = reading.find_edition(editions, reading.parse_version(asked))
        error = ""
        if not others:
            error = _("Det finns ingen annan publicerad version att jämföra med.")
        elif other is None:
            error = _(
                "Det finns ingen publicerad version ”%(asked)s” att jämföra med. Välj en av "
                "versionerna i listan."
            ) % {"asked": asked}
        elif other.pk == edition.pk:
            error = _("Välj en annan version än %(number)s att jämföra med.") % {
                "number": edition.number
            }
        if error:
            context["error"] = error
            page["html"] = render_to_string("publishing/changes.html", context)
            raise _BadInput(page)
    if other is not None:
        old, new = sorted([edition, other], key=lambda e: (e.major, e.minor))
        context.update(
            other=other,
            comparison=reading.compare(old, new),
            old_url=_reading_url(support, old),
            new_url=_reading_url(support, new),
        )
    page["html"] = render_to_string("publishing/changes.html", context)
    return page


def _reading_url(support, edition) -> str:
    """Where readers read this edition: the support's own address for the current one."""
    if edition.pk == support.current_published_edition_id:
        return reading.support_path(support)
    return reading.edition_path(support, edition)


@require_safe
def changes(request, slug, major, minor):
    asked = request.GET.get(OTHER_PARAMETER)
    if asked is not None:
        asked = asked.strip()
    # Only a version that exists is ever cached (the page refuses anything else and a refusal
    # is not cached), and under its number, so "01.0" and "1.0" share one value.
    parsed = reading.parse_version(asked) if asked is not None else None
    variant = (major, minor, *(parsed or (asked,))) if asked is not None else (major, minor)
    return _respond(
        request, "changes", slug, variant, lambda: _changes_page(slug, (major, minor), asked)
    )


def _response_table_page(slug: str, number: tuple[int, int], round_asked: str | None) -> dict:
    support, editions = _load(slug)
    edition = reading.find_edition(editions, number)
    if edition is None:
        raise Http404
    readings = reading.response_rounds(edition, editions)
    shown = readings[0] if readings else None
    if round_asked is not None:
        shown = next((r for r in readings if str(r.consultation.pk) == round_asked), None)
        if shown is None:
            raise Http404
    base = reading.edition_path(support, edition, "publishing:response_table")
    context = {
        "support": support,
        "edition": edition,
        "edition_url": _reading_url(support, edition),
        "readings": readings,
        "reading": shown,
        "consultation": shown.consultation if shown else None,
        "round_links": [
            (r, f"{base}?{ROUND_PARAMETER}={r.consultation.pk}", r is shown) for r in readings
        ],
    }
    return {
        "title": _("Remissammanställning: %(title)s, version %(number)s")
        % {"title": support.title, "number": edition.number},
        "html": render_to_string("publishing/response_table.html", context),
        "stylesheets": ["css/remiss-table.css"],
    }


@require_safe
def response_table(request, slug, major, minor):
    round_asked = request.GET.get(ROUND_PARAMETER)
    if round_asked is not None and not round_asked.isdigit():
        raise Http404
    return _respond(
        request,
        "response-table",
        slug,
        (major, minor, round_asked or ""),
        lambda: _response_table_page(slug, (major, minor), round_asked),
    )


@require_safe
def sitemap(request):
    """The public supports and their earlier editions, for search engines."""
    if "p" in request.GET:  # only the one page there is: more than 50,000 addresses is far
        response = sitemap_view(request, sitemaps=SITEMAPS)
        response.render()
        return response

    def build():
        response = sitemap_view(request, sitemaps=SITEMAPS)
        response.render()
        return response.content

    body = public_cached("sitemap", build, variant=(request.scheme, request.get_host()))
    return HttpResponse(body, content_type="application/xml")

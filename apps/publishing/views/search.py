"""The reading site's start page at `/`: the search form with its filters, and either lists
of what is published (nothing asked yet) or the results of a search.

A GET form, so it works without JavaScript and every search has an address. An anonymous
reader gets the whole page from the public cache (cache.py), keyed by the normalised query,
filters and page: a repeated search reads nothing from the database, and any publication or
withdrawal makes every cached search unreachable. A signed-in reader's page is built each
time, because it also lists the unpublished editions that reader may read."""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.authoring.models import SupportDiagnosis

from .. import search
from ..cache import public_cached
from ..search_forms import SearchForm

PER_PAGE = 20
RECENT = 10
DATALIST_LIMIT = 500


@dataclass
class Result:
    """One found support as the result list shows it."""

    url: str
    title: SafeString
    diagnoses: list[SafeString]
    snippet: SafeString
    product_type: str
    programme_area: str
    number: str
    published_at: object


@dataclass
class Pages:
    number: int
    count: int
    per_page: int = PER_PAGE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.per_page + 1

    @property
    def exists(self) -> bool:
        return self.number <= self.num_pages

    @property
    def has_previous(self) -> bool:
        return 1 < self.number <= self.num_pages

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _results(rows, terms: search.Terms) -> list[Result]:
    pattern = terms.pattern
    results = []
    for document in rows:
        support, edition = document.support, document.edition
        diagnoses = [line for line in document.diagnoses.splitlines() if line]
        results.append(
            Result(
                url=reverse("publishing:support", kwargs={"slug": support.slug}),
                title=search.highlight(document.title, pattern),
                diagnoses=[search.highlight(d, pattern) for d in diagnoses],
                snippet=search.snippet(document.text, pattern),
                product_type=support.product_type.name,
                programme_area=support.programme_area.display_name,
                number=edition.number,
                published_at=edition.published_at,
            )
        )
    return results


def _known_diagnoses() -> list[tuple[str, str]]:
    """The diagnoses of public supports, for the diagnosis field's suggestions."""
    public = search.public_documents().values("support_id")
    return list(
        SupportDiagnosis.objects.filter(support_id__in=public)
        .values_list("code", "description")
        .distinct()
        .order_by("code")[:DATALIST_LIMIT]
    )


FILTER_FIELDS = ("npo", "produkttyp", "vardniva", "diagnos")


def _filter_fields(form: SearchForm) -> str:
    """The form's four filters as HTML. Rendering their widgets (and reading the programme
    areas and product types for the selects) was a good part of every search's cost, and
    they depend only on the values asked for: so, unless one of them has an error to show
    beside it, they come from the public cache, keyed by the values as the reader wrote
    them (what the widgets show)."""

    def build() -> str:
        return render_to_string("publishing/search_filters.html", {"form": form})

    if form.is_bound and any(name in form.errors for name in FILTER_FIELDS):
        return build()
    values = tuple(str(form[name].value() or "") for name in FILTER_FIELDS)
    return mark_safe(public_cached("search-filters", build, variant=values))  # noqa: S308 - rendered by a template


def _lists() -> dict:
    """What the start page shows before anything is asked: the latest publications, and the
    programme areas and product types with how many supports each has."""
    documents = search.public_documents()
    recent = list(documents.order_by("-published_at", "title")[:RECENT])
    by_area = list(
        documents.values(
            "support__programme_area__code",
            "support__programme_area__name",
            "support__programme_area__short_name",
        )
        .annotate(count=Count("pk"))
        .order_by("support__programme_area__name")
    )
    by_type = list(
        documents.values("support__product_type__code", "support__product_type__name")
        .annotate(count=Count("pk"))
        .order_by("support__product_type__name")
    )
    return {
        "recent": _results(recent, search.Terms()),
        "by_area": [
            {
                "code": row["support__programme_area__code"],
                "name": row["support__programme_area__short_name"]
                or row["support__programme_area__name"],
                "count": row["count"],
            }
            for row in by_area
        ],
        "by_type": [
            {
                "code": row["support__product_type__code"],
                "name": row["support__product_type__name"],
                "count": row["count"],
            }
            for row in by_type
        ],
        "total": sum(row["count"] for row in by_area),
    }


def _searched(form: SearchForm, request) -> tuple[dict, int]:
    """The context of a search, and the status to answer it with."""
    terms = search.parse_query(form.cleaned_data["q"])
    filters = form.filters()
    number = form.page_number()
    start = (number - 1) * PER_PAGE
    count, rows = search.search_page(terms, filters, start=start, size=PER_PAGE)
    pages = Pages(number=number, count=count, per_page=PER_PAGE)
    context = {
        "terms": terms,
        "pages": pages,
        "address": form.address(),
        "ignored_query": bool(form.cleaned_data["q"]) and not terms,
        "filtered": bool(filters),
    }
    if not pages.exists:
        context["page_error"] = _("Sidan %(number)s finns inte: sökningen har %(pages)s sidor.") % {
            "number": number,
            "pages": pages.num_pages,
        }
        return context, 404
    context["results"] = _results(rows, terms)
    if number == 1:
        hits, more = search.search_unpublished(request.user, terms, filters)
        context.update(unpublished=hits, unpublished_more=more)
    return context, 200


def _page(request, form: SearchForm | None) -> tuple[int, str]:
    """(status, HTML) of the start page for this request."""
    context: dict = {"form": form or SearchForm(), "searched": form is not None}
    status = 200
    if form is None:
        context.update(_lists())
    elif form.is_valid():
        searched, status = _searched(form, request)
        context.update(searched)
    else:
        status = 400
    context["filter_fields"] = _filter_fields(context["form"])
    context["diagnosis_datalist"] = mark_safe(  # noqa: S308 - rendered by a template
        public_cached(
            "search-datalist",
            lambda: render_to_string(
                "publishing/search_datalist.html", {"diagnosis_suggestions": _known_diagnoses()}
            ),
        )
    )
    return status, render_to_string("publishing/start.html", context, request=request)


def _variant(request) -> tuple:
    """The public cache's key for an anonymous reader's page: the form's values, each with
    its spaces normalised. Decided before the form is validated, so that a cached search,
    a bad one included, reads nothing from the database."""
    return tuple(" ".join(request.GET.get(name, "").split()) for name in SearchForm.base_fields)


@require_safe
def start_page(request):
    asked = any(name in request.GET for name in SearchForm.base_fields)
    form = SearchForm(request.GET) if asked else None
    if request.user.is_authenticated:
        # A signed-in reader's page holds what only they may read: never cached.
        status, body = _page(request, form)
    else:
        status, body = public_cached(
            "search-page" if form is not None else "start-page",
            lambda: _page(request, form),
            variant=_variant(request) if form is not None else (),
        )
    response = HttpResponse(body, status=status)
    patch_vary_headers(response, ("Cookie",))
    return response

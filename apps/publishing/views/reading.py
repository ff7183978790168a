from django.http import Http404
from django.shortcuts import render

from .. import selectors


def support_page(request, slug):
    support = selectors.public_support(slug)
    if support is None:
        raise Http404
    edition = support.current_published_edition
    sections = selectors.public_sections(edition.snapshots.get(purpose="publication"))
    return render(
        request,
        "publishing/support.html",
        {"support": support, "edition": edition, "sections": sections},
    )

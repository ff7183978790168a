"""The regional editor's pages (signed in). Thin: the services decide, the selectors read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def addition_detail(request, uid):
    raise Http404

from django.shortcuts import render

from .. import selectors


def start_page(request):
    return render(request, "publishing/start.html", {"supports": selectors.public_supports()})

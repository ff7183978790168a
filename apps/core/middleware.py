"""Middleware of the core app."""

from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme


class MethodNotAllowedPageMiddleware:
    """A GET on an address that only takes a form (a bookmarked button, a link copied from
    the address bar after a POST) gets a page that says so in Swedish, with a way back,
    instead of Django's empty 405. The status and the Allow header stay as they were."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and request.accepts("text/html")
        ):
            referer = request.headers.get("referer", "")
            back = (
                referer
                if referer
                and url_has_allowed_host_and_scheme(
                    referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                and referer != request.build_absolute_uri()
                else ""
            )
            response.content = render_to_string("405.html", {"back_url": back}, request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

"""The public side, at the root of the site: no sign-in. The reading site's pages
(urls/reading.py), the start page and search (urls/search.py); the API has its own prefix."""

from .reading import urlpatterns as reading_patterns
from .search import urlpatterns as search_patterns

app_name = "publishing"

urlpatterns = [*search_patterns, *reading_patterns]

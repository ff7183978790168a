def axes_username(request, credentials) -> str:
    """The sign-in address as django-axes counts failures: trimmed and lower-case, as the
    user manager looks it up, so "Anna@Region.se" and "anna@region.se" share one count.

    Whatever was typed is stored in axes' tables, so it is cut to their column size and rid
    of NUL bytes, which PostgreSQL refuses (a refused sign-in must never become a 500)."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).replace("\x00", "").strip().lower()[:254]

def axes_username(request, credentials) -> str:
    """The sign-in address as django-axes counts failures: trimmed and lower-case, as the
    user manager looks it up, so "Anna@Region.se" and "anna@region.se" share one count."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()

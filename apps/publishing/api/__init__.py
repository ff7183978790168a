"""The public JSON API under /api/ (django-ninja): version 1 in v1.py, the human-readable
page and the schema's address in urls.py."""

"""Remiss pages: rounds."""

urlpatterns = []

"""Remiss pages: responses."""

urlpatterns = []

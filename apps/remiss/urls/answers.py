"""Remiss pages: answers."""

urlpatterns = []

"""Remiss views: responses."""

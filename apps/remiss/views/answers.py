"""Remiss views: answers."""

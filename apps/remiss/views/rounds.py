"""Remiss views: rounds."""

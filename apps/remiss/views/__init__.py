"""The remiss pages, by area (see urls/)."""

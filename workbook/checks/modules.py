"""Checks for 03_modules: module registries and parameters (owned by that notebook)."""

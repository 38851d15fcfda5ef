"""Checks for 04_data_loading: datasets, samplers, loaders and fit (owned by that notebook)."""

"""Checks for 02_training_loop: training loops and optimizers (owned by that notebook)."""

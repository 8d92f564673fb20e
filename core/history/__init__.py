"""Aggregated history of device readings."""

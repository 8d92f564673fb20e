"""Validate → batch → sinks."""

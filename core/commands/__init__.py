"""Device commands and config pushes: bot → Redis stream → processor → device, and back."""

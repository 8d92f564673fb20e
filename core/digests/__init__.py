"""The morning digest: how the night went, for people with quiet hours."""

"""The audit log of who did what."""

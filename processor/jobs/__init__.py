"""Scheduled jobs of the processor (APScheduler)."""

"""Telegram users known to Dozor."""

"""Filters of the bot's routers."""

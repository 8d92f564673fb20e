"""Outbox delivery: the bot's side of "the alert came, at once and only once"."""

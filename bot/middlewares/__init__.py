"""Middlewares: they provide context (session, user, texts) and decide nothing."""

"""Messages that must reach people: written with the alert, delivered by the bot."""

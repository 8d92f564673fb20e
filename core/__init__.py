"""Settings, models and domain rules shared by the bot and the processor."""

"""The Telegram bot: conversations, access checks, live views."""

"""Device protocols: pure codecs plus thin transports; nothing of users, storage or Telegram."""

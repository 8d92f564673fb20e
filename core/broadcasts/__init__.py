"""Messages from the platform's admins to many people at once, through the outbox."""

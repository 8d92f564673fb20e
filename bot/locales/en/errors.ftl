error-generic = Something went wrong on our side. Please try again in a moment.
error-not-found = This device does not exist or you have no access to it.
error-stale = This button is out of date. Send /devices for a fresh list.
error-invalid-input = I could not use that. Please check it and try again.
private-only = I work in private chats only, so that nobody else sees your devices or codes: open a chat with @{ $bot }.
private-only-button = This works in a private chat with me only.
unknown-command = I do not know that command. Send /help to see what I can do.
unexpected-text = I did not expect a message here. Send /help to see what I can do.
shelly-bad-channel = This device has no such channel. Open the device again from /devices.
shelly-bad-link = A link looks like 0=shellypro3em-…:a (channel, meter, phase a, b or c).
secret-keys-missing = Secrets cannot be stored: SECRET_KEYS is not set on the server.
secret-unreadable = A stored secret cannot be read with the current SECRET_KEYS.
confirmation-expired = ⌛ That confirmation expired (30 s) or was used. Start again from the card.
confirmation-not-yours = 🙅 Only the person who asked can confirm this.
up-to-date = ✓ Up to date.
error-flood = ⏳ Telegram asks me to slow down in this chat. Try again in { $seconds } s.
error-not-allowed = You may not do this on { $device } any more: your role there is { $role }.

"""Shelly Gen2+ devices (Pro 3 relays, Pro 3EM meters): topics, notification codec, RPC frames."""

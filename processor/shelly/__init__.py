"""Shelly devices in the processor: relay switching and the HTTP fallback."""

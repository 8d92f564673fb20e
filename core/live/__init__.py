"""Live device state kept in Redis."""

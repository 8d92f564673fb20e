"""Pure text renderers: numbers, units, times in the user's timezone."""

"""Where accepted readings go: PostgreSQL, Redis live state, InfluxDB."""

"""Our own firmware's MQTT contract (ARCHITECTURE.md, "MQTT contract")."""

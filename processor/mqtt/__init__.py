"""MQTT subscription of the processor."""

"""A CPython device that speaks exactly the MQTT contract of our firmware."""

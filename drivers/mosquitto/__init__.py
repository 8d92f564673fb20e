"""Mosquitto's dynamic security plugin: broker accounts and their topic rights."""

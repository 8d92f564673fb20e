"""Devices, their types, configs and provisioning."""

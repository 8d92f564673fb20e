"""Sharing devices: invites, roles, revocation, ownership transfer and removal."""

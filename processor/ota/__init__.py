"""Firmware updates: the image server devices download from, and the rollouts' job."""

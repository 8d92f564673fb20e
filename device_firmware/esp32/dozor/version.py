"""The version this build of the firmware reports (frozen into the image)."""

VERSION = "2.1.0"

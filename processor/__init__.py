"""The message processor: owns every device connection and turns messages into state."""

"""Telemetry frames: schema, codec, conversion to samples, and the simulator."""

"""Ingestion: telemetry frames from the bus into the time-series store."""

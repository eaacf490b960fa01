"""The telemetry bus: Kafka in real mode, an in-process log embedded."""

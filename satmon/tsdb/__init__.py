"""The time-series store: VictoriaMetrics in real mode, SQLite embedded."""

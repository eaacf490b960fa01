"""Full-text search over jobs and anomalies: Elasticsearch or SQLite FTS5."""

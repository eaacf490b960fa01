"""The results store: inference jobs and their results (PostgreSQL or SQLite)."""

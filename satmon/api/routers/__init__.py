"""One router module per seed route group."""

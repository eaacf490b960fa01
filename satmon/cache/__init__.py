"""Cache of API reads: Redis in real mode, an in-process TTL cache embedded."""

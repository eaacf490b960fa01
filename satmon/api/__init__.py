"""The operation server: FastAPI under /api/v1."""

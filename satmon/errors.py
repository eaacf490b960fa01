"""Errors shared across the parts of the flow."""

from __future__ import annotations


class SatmonError(Exception):
    """Base of satmon's own errors."""


class ServiceUnavailableError(SatmonError):
    """A dependency (server or embedded store) cannot be reached or is not ready."""

    def __init__(self, service: str, url: str, detail: str) -> None:
        self.service = service
        self.url = url
        self.detail = detail
        super().__init__(f"{service} at {url} is unavailable: {detail}")


class NotFoundError(SatmonError):
    """The requested thing does not exist."""


class InvalidRequestError(SatmonError):
    """A request that names a bad field; `field` says which."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

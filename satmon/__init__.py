"""satmon: satellite telemetry monitoring."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("satmon")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

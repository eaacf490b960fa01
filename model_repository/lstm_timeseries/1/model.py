"""Triton python backend entry of this version: see satmon.serving.triton_backend."""

from satmon.serving.triton_backend import TritonPythonModel

__all__ = ["TritonPythonModel"]

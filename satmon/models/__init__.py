"""Forecasting and anomaly-detection models.

Importing this package must not require PyTorch: serving needs only numpy (and
ONNX Runtime for exported models); training code imports torch where it is used.
"""

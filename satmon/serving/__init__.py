"""Model serving: Triton Inference Server in real mode, in-process embedded."""

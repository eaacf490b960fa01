"""Several windows in one Triton request: arrays of different widths padded with NaN.

A request's WINDOW is (k, steps, C) with C the widest window's channel count; a
narrower window's missing columns at the right are NaN. The outputs come back the
same way: FORECAST, LOWER, UPPER (k, longest horizon, widest target count) and
CHANNEL_SCORES (k, widest target count), each window's own part at the top left.
A real value is never NaN (windows must be finite), so padding cannot be mistaken
for data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from satmon.serving.base import FloatArray


def pad_stack(arrays: Sequence[FloatArray]) -> FloatArray:
    """Arrays of one rank and any shapes as one (k, *largest shape) array, NaN-padded."""
    shape = tuple(max(sizes) for sizes in zip(*(a.shape for a in arrays), strict=True))
    stacked = np.full((len(arrays), *shape), np.nan)
    for i, array in enumerate(arrays):
        stacked[(i, *(slice(0, n) for n in array.shape))] = array
    return stacked


def unpad_columns(window: FloatArray) -> FloatArray:
    """A window without the all-NaN columns at its right (the padding)."""
    return window[:, : column_widths(window[np.newaxis])[0]]


def column_widths(windows: FloatArray) -> list[int]:
    """Per window of a padded (k, steps, C) array, its own channel count: up to its last
    column that is not all NaN; one pass over the k windows."""
    present = ~np.isnan(windows).all(axis=1)  # (k, C)
    last_from_right = np.argmax(present[:, ::-1], axis=1)
    widths = np.where(present.any(axis=1), windows.shape[2] - last_from_right, 0)
    return [int(w) for w in widths]


def width(scores: FloatArray) -> int:
    """The number of real entries of a padded CHANNEL_SCORES row."""
    return int(np.count_nonzero(~np.isnan(scores)))

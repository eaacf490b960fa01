"""Helpers for computing a block of ticks at once.

A block covers K ticks of N satellites; arrays have shape (K, N). Linear
recurrences (first-order relaxation, noise processes) are evaluated in closed
form with one matrix product, and episodes that start at random ticks (burns,
image captures) are placed with a short loop over the events, never over
satellites or ticks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray

_LONG_AGO_S = -1e12


@lru_cache(maxsize=64)
def _propagator(keep: float, ticks: int) -> tuple[FloatArray, FloatArray]:
    """Powers keep**k and the matrix M[k, j] = keep**(k-1-j) for j < k (k = 0..ticks)."""
    k = np.arange(ticks + 1)[:, None]
    j = np.arange(ticks)[None, :]
    exponent = k - 1 - j
    matrix: FloatArray = np.where(exponent >= 0, keep ** np.maximum(exponent, 0), 0.0)
    powers: FloatArray = keep ** np.arange(ticks + 1, dtype=np.float64)
    return powers, matrix


def linear_recurrence(
    initial: FloatArray, drive: FloatArray, keep: float
) -> tuple[FloatArray, FloatArray]:
    """x[k+1] = keep * x[k] + drive[k], from x[0] = initial.

    initial has shape S, drive (K, *S); returns x at the K ticks and x after them.
    """
    ticks = drive.shape[0]
    powers, matrix = _propagator(keep, ticks)
    flat = drive.reshape(ticks, -1)
    values: FloatArray = powers[:, None] * initial.reshape(1, -1) + np.dot(matrix, flat)
    return values[:ticks].reshape(drive.shape), values[ticks].reshape(drive.shape[1:])


@dataclass(frozen=True, slots=True)
class Episodes:
    """Episodes over a block: each cell holds the satellite's latest episode so far."""

    ticks: IntArray
    """Tick (within the block) of each episode that started in it, in order."""
    satellites: IntArray
    start_s: FloatArray
    """Shape (K, N)."""
    end_s: FloatArray

    def active(self, t_s: FloatArray) -> BoolArray:
        """Whether an episode is in progress at each tick; t_s has shape (K,)."""
        t = t_s[:, None]
        result: BoolArray = (self.start_s <= t) & (t < self.end_s)
        return result

    def overlap_s(self, t_s: FloatArray, dt_s: float) -> FloatArray:
        """Seconds of each step [t, t + dt) spent in an episode."""
        t = t_s[:, None]
        overlap: FloatArray = np.clip(
            np.minimum(self.end_s, t + dt_s) - np.maximum(self.start_s, t), 0.0, dt_s
        )
        return overlap


@dataclass(slots=True)
class EpisodeClock:
    """Start and end of each satellite's latest episode, carried across blocks."""

    start_s: FloatArray
    end_s: FloatArray

    @classmethod
    def idle(cls, count: int) -> EpisodeClock:
        return cls(np.full(count, _LONG_AGO_S), np.full(count, _LONG_AGO_S))

    def schedule(self, t_s: FloatArray, candidates: BoolArray, durations_s: FloatArray) -> Episodes:
        """Start an episode at each candidate (tick, satellite) unless one is in progress."""
        count = candidates.shape[0]
        start = np.broadcast_to(self.start_s, candidates.shape).copy()
        end = np.broadcast_to(self.end_s, candidates.shape).copy()
        accepted_ticks: list[int] = []
        accepted_satellites: list[int] = []
        times = t_s.tolist()
        ticks, satellites = np.nonzero(candidates)  # row-major: in tick order
        for k, s in zip(ticks.tolist(), satellites.tolist(), strict=True):
            if times[k] < self.end_s[s]:
                continue  # one at a time
            began, ends = times[k], times[k] + float(durations_s[k, s])
            self.start_s[s], self.end_s[s] = began, ends
            start[k:count, s] = began
            end[k:count, s] = ends
            accepted_ticks.append(k)
            accepted_satellites.append(s)
        return Episodes(
            np.array(accepted_ticks, dtype=np.int64),
            np.array(accepted_satellites, dtype=np.int64),
            start,
            end,
        )

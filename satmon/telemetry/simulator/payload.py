"""Imaging payload: captures at random while sunlit and pointing at nadir."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray
from satmon.telemetry.simulator.timeline import EpisodeClock


@dataclass(frozen=True, slots=True)
class PayloadParams:
    captures_per_sunlit_hour: float = 1.5
    capture_s: float = 20.0
    power_w: float = 12.0
    initial_images: tuple[int, int] = (1_000, 20_000)


@dataclass(slots=True)
class PayloadState:
    images_total: IntArray
    captures: EpisodeClock

    @classmethod
    def initial(cls, count: int, rng: np.random.Generator, params: PayloadParams) -> PayloadState:
        low, high = params.initial_images
        return cls(rng.integers(low, high, count, dtype=np.int64), EpisodeClock.idle(count))


@dataclass(frozen=True, slots=True)
class Captures:
    """Payload activity over a block, shape (K, N)."""

    captured: BoolArray
    images_total: IntArray
    power_w: FloatArray
    """Payload power averaged over each step."""


def capture(
    state: PayloadState,
    t_s: FloatArray,
    dt_s: float,
    can_image: BoolArray,
    uniform: FloatArray,
    params: PayloadParams,
) -> Captures:
    """Captures start as a Poisson process in sunlit time; each keeps the payload
    powered for capture_s whatever the step, so its energy does not depend on it."""
    chance = -math.expm1(-params.captures_per_sunlit_hour / 3600.0 * dt_s)
    duration = np.full(can_image.shape, params.capture_s)
    episodes = state.captures.schedule(t_s, can_image & (uniform < chance), duration)
    captured = np.zeros(can_image.shape, dtype=bool)
    captured[episodes.ticks, episodes.satellites] = True
    images_total = state.images_total + np.cumsum(captured, axis=0)
    state.images_total = images_total[-1].copy()
    power = params.power_w * episodes.overlap_s(t_s, dt_s) / dt_s
    return Captures(captured, images_total, power)

"""PromQL selectors built only from validated values.

A label value reaches a query only after it matched a strict pattern in full:
satellite ids follow `SATELLITE_ID_PATTERN` (letters, digits, '-', '_') and
metric names `METRIC_PATTERN` (letters, digits, '_'). Neither admits a quote,
a backslash, a brace or a regex metacharacter, so a validated value cannot
close its string, add a matcher or widen a regex. `re.fullmatch` is used
because `$` in a pattern also matches before a trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from satmon.errors import InvalidRequestError
from satmon.telemetry.schema import SATELLITE_ID_PATTERN

METRIC_PATTERN = r"[A-Za-z_][A-Za-z0-9_]{0,127}"
LABELS = ("satellite_id", "subsystem", "__name__")

_SATELLITE_ID = re.compile(SATELLITE_ID_PATTERN)
_METRIC = re.compile(METRIC_PATTERN)


def satellite_id(value: object, field: str = "satellite_id") -> str:
    if not isinstance(value, str) or _SATELLITE_ID.fullmatch(value) is None:
        raise InvalidRequestError(
            field, f"{value!r} is not a satellite id (letters, digits, '-' and '_')"
        )
    return value


def metric_name(value: object, field: str = "metric") -> str:
    if not isinstance(value, str) or _METRIC.fullmatch(value) is None:
        raise InvalidRequestError(field, f"{value!r} is not a metric name")
    return value


def is_metric_name(value: str) -> bool:
    return _METRIC.fullmatch(value) is not None


def label_name(value: object) -> str:
    if value not in LABELS:
        raise InvalidRequestError("label", f"{value!r} is not one of {', '.join(LABELS)}")
    return str(value)


def selector(*, metrics: Sequence[str] | None = None, satellite: str | None = None) -> str:
    """`{...}` matching the given metrics (all if None) of one satellite (all if None).

    Without a satellite the selector still requires the label, so only satmon's
    series match and the selector is never the match-everything one.
    """
    matchers: list[str] = []
    if metrics is not None:
        names = [metric_name(m, "metrics") for m in metrics]
        if not names:
            raise ValueError("a selector needs at least one metric")
        if len(names) == 1:
            matchers.append(f'__name__="{names[0]}"')
        else:
            matchers.append(f'__name__=~"{"|".join(sorted(set(names)))}"')
    if satellite is None:
        matchers.append('satellite_id!=""')
    else:
        matchers.append(f'satellite_id="{satellite_id(satellite)}"')
    return "{" + ",".join(matchers) + "}"


def seconds(timestamp_ms: int) -> str:
    """A timestamp as the API's unix seconds, exact to the millisecond."""
    whole, millis = divmod(timestamp_ms, 1000)
    return f"{whole}.{millis:03d}"


def duration(milliseconds: int) -> str:
    return f"{milliseconds}ms"

from datetime import UTC, datetime

import pytest

from satmon.api.timerange import resolve
from satmon.errors import InvalidRequestError

pytestmark = pytest.mark.unit

NOW = 1_800_000_000_000


@pytest.mark.parametrize("name", ["1h", "6h", "1d", "1w"])
def test_every_named_range_stays_near_a_thousand_points(name):
    window = resolve(name, None, None, None, now_ms=NOW)
    points = (window.end_ms - window.start_ms) / window.step_ms
    assert 300 <= points <= 1_000
    assert window.end_ms == NOW


def test_start_end_and_an_explicit_step():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2026, 1, 1, 1, tzinfo=UTC)
    window = resolve(None, start, end, "30s")
    assert window.step_ms == 30_000
    assert window.end_ms - window.start_ms == 3_600_000


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("2h", None, None, None), "range"),
        (("1h", None, None, "0.1s"), "step"),
        (("1h", None, None, "fast"), "step"),
        ((None, datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), None), "start"),
    ],
)
def test_bad_windows_name_the_field(args, field):
    with pytest.raises(InvalidRequestError) as caught:
        resolve(*args, now_ms=NOW)
    assert caught.value.field == field

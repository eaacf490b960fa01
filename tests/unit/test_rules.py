import orjson
import pytest

from satmon.analysis.rules import Cooldown, PeriodicRule, ThresholdRule, firing_rules, seed_rules
from satmon.telemetry.codec import decode_frame
from tests.factories import frame_document

pytestmark = pytest.mark.unit


def frame(seq=0, **sections):
    return decode_frame(orjson.dumps(frame_document(seq=seq, **sections)))


def test_seed_rules_fire_on_their_conditions():
    rules = seed_rules(periodic_rate=0.0, seed=1)
    assert firing_rules(frame(eps={"battery_soc_percent": 25.0}), rules, Cooldown(0)) == [
        "low_battery"
    ]
    assert firing_rules(frame(thermal={"obc_temp": 55.0}), rules, Cooldown(0)) == [
        "obc_temperature"
    ]
    assert firing_rules(frame(thermal={"obc_temp": -35.0}), rules, Cooldown(0)) == [
        "obc_temperature"
    ]
    assert firing_rules(frame(aocs={"thruster_active": True}), rules, Cooldown(0)) == [
        "thruster_active"
    ]
    assert firing_rules(frame(), rules, Cooldown(0)) == []


def test_cooldown_holds_a_persisting_condition_per_satellite():
    rules = seed_rules(periodic_rate=0.0, seed=1)
    cooldown = Cooldown(60)
    low = {"battery_soc_percent": 20.0}
    fired = [firing_rules(frame(seq=s, eps=low), rules, cooldown) for s in range(0, 130, 10)]
    assert [s for s, names in zip(range(0, 130, 10), fired, strict=True) if names] == [0, 60, 120]
    other = decode_frame(orjson.dumps(frame_document("SAT-002", seq=10, eps=low)))
    assert firing_rules(other, rules, cooldown) == ["low_battery"]


def test_periodic_rate_is_respected_and_reproducible():
    frames = [frame(seq=i) for i in range(4000)]
    rule, replay = PeriodicRule(0.1, seed=7), PeriodicRule(0.1, seed=7)
    first = [rule.fires(f) for f in frames]
    again = [replay.fires(f) for f in frames]
    assert first == again
    assert 0.08 < sum(first) / len(first) < 0.12


def test_rules_on_unknown_channels_are_refused():
    with pytest.raises(ValueError, match="unknown channel"):
        ThresholdRule("bad", "eps.nonexistent", below=1)

"""Batch aggregation: rollup arithmetic against the raw readings."""

from __future__ import annotations

import random

from drivers.readings import StatusChange, Telemetry
from processor.ingest.batch import Batch

T0 = 1_733_612_400.0  # a minute boundary


def test_rollups_match_the_raw_readings() -> None:
    rng = random.Random(7)
    batch = Batch()
    raw: dict[int, list[tuple[float, float]]] = {}
    for i in range(300):
        at = T0 + i * 0.7
        value = rng.uniform(400, 2000)
        batch.add_telemetry(1, Telemetry("a", at, {"co2": value}))
        raw.setdefault(int(at // 60) * 60, []).append((at, value))
    deltas = {d.minute: d for d in batch.counted().rollup_deltas()}
    assert set(deltas) == set(raw)
    for minute, points in raw.items():
        delta = deltas[minute]
        values = [v for _, v in points]
        assert delta.count == len(values)
        assert delta.min == min(values)
        assert delta.max == max(values)
        assert abs(delta.sum - sum(values)) < 1e-6
        assert delta.last == max(points)[1]


def test_late_reading_does_not_replace_the_latest_value() -> None:
    batch = Batch()
    batch.add_telemetry(1, Telemetry("a", T0 + 10, {"co2": 900}))
    batch.add_telemetry(1, Telemetry("a", T0 + 5, {"co2": 500}))
    (update,) = batch.live_updates({})
    assert update.values == {"co2": 900}
    (delta,) = batch.counted().rollup_deltas()
    assert (delta.last, delta.min, delta.count) == (900, 500, 2)


def test_latest_status_wins_and_online_change_is_flagged() -> None:
    batch = Batch()
    batch.add_telemetry(1, Telemetry("a", T0, {"co2": 900}))
    batch.add_status(1, StatusChange("a", T0 + 1, online=False))
    (contact,) = batch.contacts()
    assert contact.online is False
    assert contact.seen_at is not None and contact.seen_at.timestamp() == T0
    (update,) = batch.live_updates({1: True})
    assert update.online is False and update.online_changed is True

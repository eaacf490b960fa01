import { describe, expect, it } from "vitest";
import type { TrendMetric } from "../hooks/trends";
import { snap, trendRows } from "./trendRows";

function metric(overrides: Partial<TrendMetric> = {}): TrendMetric {
  return {
    metric: "satellite_battery_voltage",
    subsystem: "eps",
    field: "battery_voltage",
    unit: "V",
    description: "",
    limits: null,
    points: [],
    envelope: [],
    prediction: [],
    stats: { points: 0, min: null, max: null, mean: null, std: null, first: null, last: null, change: null },
    anomalies: 0,
    ...overrides,
  };
}

describe("trendRows", () => {
  it("snaps forecasts onto the data's grid so they share rows", () => {
    const rows = trendRows(
      metric({ points: [[10_000, 3.9], [20_000, 3.95]], prediction: [[17_500, 3.93, 3.9, 3.96]] }),
      0,
      10,
    );
    expect(rows).toEqual([
      { t: 10_000, raw: 3.9 },
      { t: 20_000, raw: 3.95, predicted: 3.93, band: [3.9, 3.96] },
    ]);
  });

  it("breaks the line where samples are missing instead of bridging the gap", () => {
    const rows = trendRows(metric({ points: [[10_000, 1], [20_000, 2], [80_000, 3]] }), 0, 10);
    expect(rows.map((r) => [r.t, r.raw])).toEqual([
      [10_000, 1],
      [20_000, 2],
      [30_000, null],
      [80_000, 3],
    ]);
  });

  it("appends only live points newer than the last stepped one", () => {
    const rows = trendRows(metric({ points: [[10_000, 1]] }), 0, 10, [
      { t: 9_000, value: 9 },
      { t: 11_000, value: 2 },
    ]);
    expect(rows.map((r) => [r.t, r.raw])).toEqual([
      [10_000, 1],
      [11_000, 2],
    ]);
  });

  it("snaps a time to the end of the step that holds it", () => {
    expect(snap(10_000, 0, 10_000)).toBe(10_000);
    expect(snap(10_001, 0, 10_000)).toBe(20_000);
  });
});

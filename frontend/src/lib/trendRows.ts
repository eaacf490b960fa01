// From the trend view's series to chart rows on one time axis.
import type { ChartRow } from "../components/TimeSeriesChart";
import type { TrendMetric } from "../hooks/trends";

export interface LivePoint {
  t: number;
  value: number;
}

/** The grid point whose step (g - step, g] holds t, as the API's grid is defined. */
export function snap(t: number, startMs: number, stepMs: number): number {
  return startMs + Math.ceil((t - startMs) / stepMs) * stepMs;
}

/**
 * Rows with `raw` (per-step average), `envelope` ([min, max]), `predicted` and
 * `band` ([lower, upper]). Forecasts snap to the grid so they share rows with the
 * data; a stretch with no samples gets a null row, so the line shows the gap
 * instead of bridging it. Live points newer than the last stepped one are appended.
 */
export function trendRows(metric: TrendMetric, startMs: number, stepS: number, live: readonly LivePoint[] = []): ChartRow[] {
  const stepMs = Math.max(1, Math.round(stepS * 1000));
  const rows = new Map<number, ChartRow>();
  const row = (t: number): ChartRow => {
    let r = rows.get(t);
    if (!r) {
      r = { t };
      rows.set(t, r);
    }
    return r;
  };
  let previous: number | null = null;
  for (const [t, value] of metric.points) {
    if (previous !== null && t - previous > 2.5 * stepMs) row(previous + stepMs).raw = null;
    row(t).raw = value;
    previous = t;
  }
  for (const [t, lo, hi] of metric.envelope) row(t).envelope = [lo, hi];
  for (const [t, value, lower, upper] of metric.prediction) {
    const r = row(snap(t, startMs, stepMs));
    r.predicted = value;
    r.band = [lower, upper];
  }
  const last = previous ?? -Infinity;
  for (const p of live) if (p.t > last) row(p.t).raw = p.value;
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

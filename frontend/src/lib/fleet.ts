// Fleet state per subsystem: the worst limit state of its channels, raised to
// "anomaly" by an open alert; and outliers, values far from the rest of the fleet.
import type { Alert } from "../hooks/alerts";
import type { MetricInfo } from "../hooks/trends";
import type { Satellite } from "../hooks/satellites";
import type { LimitState } from "../theme";

export type CellState = LimitState | "anomaly";

const RANK: Record<CellState, number> = { none: 0, nominal: 1, warning: 2, alarm: 3, anomaly: 4 };

export function worst(a: CellState, b: CellState): CellState {
  return RANK[b] > RANK[a] ? b : a;
}

export interface SubsystemCell {
  state: CellState;
  /** Channels beyond their limits, and channels of open alerts. */
  reasons: string[];
}

export function subsystemCells(sat: Satellite, catalogue: readonly MetricInfo[], openAlerts: readonly Alert[]): Record<string, SubsystemCell> {
  const cells: Record<string, SubsystemCell> = {};
  for (const info of catalogue) {
    const latest = sat.latest[info.metric];
    if (!latest) continue;
    const cell = (cells[info.subsystem] ??= { state: "none", reasons: [] });
    cell.state = worst(cell.state, latest.state);
    if (latest.state === "warning" || latest.state === "alarm") cell.reasons.push(`${info.field} ${latest.state}`);
  }
  for (const alert of openAlerts) {
    if (alert.satellite_id !== sat.satellite_id) continue;
    const cell = (cells[alert.subsystem] ??= { state: "none", reasons: [] });
    cell.state = "anomaly";
    cell.reasons.push(`anomaly score ${alert.anomaly_score.toFixed(2)} (${alert.anomaly_channels.join(", ") || "subsystem"})`);
  }
  return cells;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Metrics where a satellite's latest value is far from the fleet's: a robust z-score
 * (distance from the median over 1.4826 median absolute deviations) above `threshold`.
 * Needs at least three satellites reporting the metric.
 */
export function outliers(fleet: readonly Satellite[], metrics: readonly string[], threshold = 3.5): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const metric of metrics) {
    const values = fleet.flatMap((s) => (s.latest[metric] ? [{ id: s.satellite_id, v: s.latest[metric].value }] : []));
    if (values.length < 3) continue;
    const m = median(values.map((x) => x.v));
    const mad = median(values.map((x) => Math.abs(x.v - m))) * 1.4826;
    if (mad === 0) continue;
    for (const { id, v } of values) {
      if (Math.abs(v - m) / mad > threshold) found.set(id, [...(found.get(id) ?? []), metric]);
    }
  }
  return found;
}

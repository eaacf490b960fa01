// One metric at a glance: latest value, unit, change over the range, limit state.
import { formatSigned, formatValue, metricLabel } from "../lib/format";
import type { LimitState } from "../theme";
import { StatePill } from "./StatePill";

export interface MetricCardProps {
  metric: string;
  unit: string;
  value: number | null;
  change: number | null;
  state: LimitState;
  rangeLabel: string;
  anomalies: number;
}

export function MetricCard({ metric, unit, value, change, state, rangeLabel, anomalies }: MetricCardProps) {
  return (
    <article className={`card metric-card metric-${state}`} data-testid="metric-card" data-metric={metric}>
      <header>
        <h3>{metricLabel(metric)}</h3>
        <StatePill state={state} />
      </header>
      <div className="metric-value">
        <span className="number" data-testid="metric-value">
          {formatValue(value, unit)}
        </span>
        <span className="unit">{unit}</span>
      </div>
      <footer className="muted">
        <span>
          {formatSigned(change, unit, value ?? undefined)} {unit} over {rangeLabel}
        </span>
        {anomalies > 0 ? <span className="anomaly-count">{anomalies} anomal{anomalies === 1 ? "y" : "ies"}</span> : null}
      </footer>
    </article>
  );
}

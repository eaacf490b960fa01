// Statistics of each charted metric over the range.
import type { TrendMetric } from "../hooks/trends";
import { formatValue, metricLabel } from "../lib/format";

export function StatsPanel({ metrics, stepS }: { metrics: TrendMetric[]; stepS: number }) {
  return (
    <section className="panel stats-panel" aria-label="Statistics">
      <h2>Statistics</h2>
      <table className="table" data-testid="stats-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="num">Min</th>
            <th className="num">Max</th>
            <th className="num">Mean</th>
            <th className="num">Std</th>
            <th className="num">Anomalies</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => {
            const ref = m.stats.mean ?? undefined;
            return (
              <tr key={m.metric}>
                <td>
                  {metricLabel(m.metric)} <span className="muted">({m.unit})</span>
                </td>
                <td className="num">{formatValue(m.stats.min, m.unit, ref)}</td>
                <td className="num">{formatValue(m.stats.max, m.unit, ref)}</td>
                <td className="num">{formatValue(m.stats.mean, m.unit, ref)}</td>
                <td className="num">{formatValue(m.stats.std, m.unit, ref)}</td>
                <td className={`num ${m.anomalies > 0 ? "text-alarm" : ""}`}>{m.anomalies}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">
        Min and max are of every sample; mean and std of the plotted points, one per {stepS} s. Anomalies: alerts of the
        metric's subsystem in the range.
      </p>
    </section>
  );
}

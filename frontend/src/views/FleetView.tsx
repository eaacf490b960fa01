// Fleet: every satellite's state per subsystem at a glance; click through to its trends.
import { useEffect, useState } from "react";
import { StatePill } from "../components/StatePill";
import { Empty, ErrorState, Loading } from "../components/States";
import { useAlerts } from "../hooks/alerts";
import { useSatellites } from "../hooks/satellites";
import { useMetricCatalogue } from "../hooks/trends";
import { outliers, subsystemCells } from "../lib/fleet";
import { formatAge, formatUtc, metricLabel } from "../lib/format";
import { Link } from "../lib/router";
import { SILENT_AFTER_MS, SUBSYSTEMS, SUBSYSTEM_LABELS } from "../theme";

export function FleetView() {
  const satellites = useSatellites(5_000);
  const catalogue = useMetricCatalogue();
  const open = useAlerts({ acknowledged: false });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  if (satellites.error && !satellites.data) return <ErrorState error={satellites.error} what="the fleet" onRetry={satellites.reload} />;
  if (satellites.loading || catalogue.loading) return <Loading label="Loading the fleet…" height={300} />;
  const fleet = satellites.data ?? [];
  if (fleet.length === 0) {
    return <Empty title="No data yet">No satellite has reported telemetry.</Empty>;
  }
  const metrics = (catalogue.data ?? []).filter((m) => m.kind === "float" && m.modelled).map((m) => m.metric);
  const odd = outliers(fleet, metrics);

  return (
    <div className="view fleet-view">
      <section className="panel">
        <h2>Fleet</h2>
        <table className="table fleet-table" data-testid="fleet-table">
          <thead>
            <tr>
              <th>Satellite</th>
              <th>Last report (UTC)</th>
              {SUBSYSTEMS.map((s) => (
                <th key={s}>{SUBSYSTEM_LABELS[s]}</th>
              ))}
              <th>Outliers against the fleet</th>
            </tr>
          </thead>
          <tbody>
            {fleet.map((sat) => {
              const cells = subsystemCells(sat, catalogue.data ?? [], open.data ?? []);
              const silent = now - sat.last_seen_ms > SILENT_AFTER_MS;
              const unusual = odd.get(sat.satellite_id) ?? [];
              return (
                <tr key={sat.satellite_id} className={unusual.length ? "outlier" : ""} data-testid="fleet-row">
                  <td>
                    <Link to={`/trends?sat=${encodeURIComponent(sat.satellite_id)}`} className="strong">
                      {sat.satellite_id}
                    </Link>
                  </td>
                  <td>
                    {silent ? <StatePill state="silent" /> : null} {formatUtc(sat.last_seen_ms)}{" "}
                    <span className="muted">({formatAge(sat.last_seen_ms, now)})</span>
                  </td>
                  {SUBSYSTEMS.map((s) => {
                    const cell = cells[s];
                    return (
                      <td key={s} title={cell?.reasons.join("; ") || "All channels within limits"}>
                        {cell ? <StatePill state={cell.state} /> : <span className="muted">—</span>}
                      </td>
                    );
                  })}
                  <td>{unusual.length ? unusual.map(metricLabel).join(", ") : <span className="muted">none</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="muted small">
          A subsystem shows its worst channel against the yellow and red limits, or Anomaly while an alert on it is not
          acknowledged. Outliers: latest values more than 3.5 robust standard deviations from the fleet's median.
        </p>
      </section>
    </div>
  );
}

// Alerts: what v_anomaly_alerts holds, newest first; acknowledge, or open the job.
import { useState } from "react";
import type { ApiError } from "../api/client";
import { StatePill } from "../components/StatePill";
import { Empty, ErrorState, Loading } from "../components/States";
import { type Alert, acknowledgeAlert, alertKey, useAlerts } from "../hooks/alerts";
import { formatIso } from "../lib/format";
import { Link, setParams, useLocation } from "../lib/router";
import { SUBSYSTEM_LABELS } from "../theme";

const OPERATOR_KEY = "satmon.operator";
type Show = "open" | "acknowledged" | "all";

export function AlertsView() {
  const { params } = useLocation();
  const show: Show = params.get("show") === "acknowledged" ? "acknowledged" : params.get("show") === "all" ? "all" : "open";
  const alerts = useAlerts({ acknowledged: show === "all" ? undefined : show === "acknowledged" });
  const [operator, setOperator] = useState(() => window.localStorage.getItem(OPERATOR_KEY) ?? "");
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const acknowledge = async (alert: Alert) => {
    const name = operator.trim();
    if (!name) {
      setFailure("Enter your name or call sign first: an acknowledgement records who made it.");
      return;
    }
    window.localStorage.setItem(OPERATOR_KEY, name);
    setBusy(alertKey(alert));
    setFailure(null);
    try {
      await acknowledgeAlert(alert, name);
      alerts.reload();
    } catch (cause) {
      setFailure((cause as ApiError).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="view alerts-view">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Which alerts">
          {(["open", "acknowledged", "all"] as const).map((s) => (
            <button key={s} type="button" className={show === s ? "active" : ""} aria-pressed={show === s} onClick={() => setParams({ show: s })}>
              {s === "open" ? "Open" : s === "acknowledged" ? "Acknowledged" : "All"}
            </button>
          ))}
        </div>
        <label className="field">
          <span>Acknowledge as</span>
          <input value={operator} onChange={(e) => setOperator(e.target.value)} placeholder="name or call sign" maxLength={64} data-testid="operator" />
        </label>
      </div>
      {failure ? (
        <div className="banner banner-alarm" role="alert">
          {failure}
        </div>
      ) : null}
      {alerts.error && !alerts.data ? (
        <ErrorState error={alerts.error} what="the alerts" onRetry={alerts.reload} />
      ) : !alerts.data ? (
        <Loading label="Loading alerts…" />
      ) : alerts.data.length === 0 ? (
        <Empty title={show === "open" ? "No open alerts" : "No alerts"}>
          {show === "open" ? "Every anomaly found so far has been acknowledged, or none was found." : "No analysis has found an anomaly yet."}
        </Empty>
      ) : (
        <section className="panel">
          <table className="table" data-testid="alerts-table">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Satellite</th>
                <th>Subsystem</th>
                <th className="num">Score</th>
                <th>Channels</th>
                <th>Trigger</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {alerts.data.map((a) => (
                <tr key={alertKey(a)} data-testid="alert-row" data-key={alertKey(a)}>
                  <td>{formatIso(a.created_at)}</td>
                  <td>{a.satellite_id ?? "—"}</td>
                  <td>{SUBSYSTEM_LABELS[a.subsystem] ?? a.subsystem}</td>
                  <td className="num text-alarm">{a.anomaly_score.toFixed(2)}</td>
                  <td>{a.anomaly_channels.join(", ") || "—"}</td>
                  <td className="muted">{a.trigger_reason ?? a.source}</td>
                  <td>
                    {a.acknowledgement ? (
                      <span title={a.acknowledgement.note ?? undefined}>
                        <StatePill state="nominal" label="Acknowledged" /> {a.acknowledgement.acknowledged_by},{" "}
                        {formatIso(a.acknowledgement.acknowledged_at)}
                      </span>
                    ) : (
                      <StatePill state="anomaly" label="Open" />
                    )}
                  </td>
                  <td className="actions">
                    <Link to={`/jobs/${encodeURIComponent(a.job_id)}`}>Open job</Link>
                    {a.acknowledgement ? null : (
                      <button type="button" className="button" disabled={busy === alertKey(a)} onClick={() => void acknowledge(a)}>
                        Acknowledge
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

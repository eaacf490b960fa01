// One job: its status, each subsystem's score and forecast, or a series forecast.
import { StatePill } from "../components/StatePill";
import { Empty, ErrorState, Loading } from "../components/States";
import { type ChartRow, type ChartSeries, TimeSeriesChart } from "../components/TimeSeriesChart";
import { type JobResult, useJobResult } from "../hooks/jobs";
import { formatIso } from "../lib/format";
import { Link } from "../lib/router";
import { SUBSYSTEM_LABELS, colors } from "../theme";
import { statusPill } from "./JobsView";

type Subsystem = JobResult["subsystems"][number];

const FORECAST: ChartSeries[] = [
  { key: "band", name: "95 % band", color: colors.green, kind: "band" },
    { key: "forecast", name: "Forecast", color: colors.green, kind: "line", dashed: true },
];

export function JobView({ jobId }: { jobId: string }) {
  const result = useJobResult(jobId);
  if (result.error && !result.data) {
    return result.error.status === 404 ? (
      <Empty title={`No job ${jobId}`}>It may have been removed, or the link is wrong.</Empty>
    ) : (
      <ErrorState error={result.error} what={`job ${jobId}`} onRetry={result.reload} />
    );
  }
  if (!result.data) return <Loading label={`Loading job ${jobId}…`} />;
  const { job, subsystems, result: series } = result.data;
  return (
    <div className="view job-view" data-testid="job-view" data-status={job.status}>
      <p>
        <Link to="/jobs">← Jobs</Link>
      </p>
      <section className="panel">
        <header className="panel-header">
          <h2 className="mono">{job.job_id}</h2>
          {statusPill(job.status)}
        </header>
        <dl className="facts">
          <dt>Satellite</dt>
          <dd>{job.satellite_id ?? "—"}</dd>
          <dt>Source</dt>
          <dd>{job.source}</dd>
          <dt>Reason</dt>
          <dd>{job.trigger_reason ?? "—"}</dd>
          <dt>Model</dt>
          <dd>{job.model_name}</dd>
          <dt>Created</dt>
          <dd>{formatIso(job.created_at)}</dd>
          <dt>Completed</dt>
          <dd>{formatIso(job.completed_at)}</dd>
          <dt>Anomalies</dt>
          <dd className={job.anomalies_detected ? "text-alarm" : ""}>{job.anomalies_detected}</dd>
        </dl>
        {job.error_message ? <div className="banner banner-alarm">{job.error_message}</div> : null}
        {job.status === "pending" || job.status === "processing" ? <Loading label="Running…" height={60} /> : null}
      </section>
      {series ? (
        <section className="panel" data-testid="series-result">
          <header className="panel-header">
            <h3>Forecast</h3>
            <span>
              score <strong className={series.anomaly_detected ? "text-alarm" : ""}>{series.anomaly_score.toFixed(3)}</strong>{" "}
              {series.anomaly_detected ? <StatePill state="anomaly" /> : <StatePill state="nominal" label="Normal" />}
            </span>
          </header>
          <TimeSeriesChart
            rows={seriesRows(result.data)}
            series={FORECAST}
            xDomain={[0, Math.max(1, series.forecast.length - 1)]}
            unit=""
            label="Forecast of the submitted series"
            height={240}
          />
          <p className="muted small">x: steps after the last value of the series; forecast in {series.inference_time_ms.toFixed(1)} ms.</p>
        </section>
      ) : null}
      {subsystems.map((s) => (
        <SubsystemPanel key={s.subsystem} result={s} />
      ))}
    </div>
  );
}

export function seriesRows(result: JobResult): ChartRow[] {
  const r = result.result;
  if (!r) return [];
  return r.forecast.map((value, i) => ({ t: i, forecast: value, band: [r.lower[i] ?? value, r.upper[i] ?? value] }));
}

function SubsystemPanel({ result }: { result: Subsystem }) {
  const channels = Object.entries(result.forecast?.channels ?? {});
  return (
    <section className="panel" data-testid="subsystem-result">
      <header className="panel-header">
        <h3>{SUBSYSTEM_LABELS[result.subsystem] ?? result.subsystem}</h3>
        <span>
          score{" "}
          <strong className={result.anomaly_detected ? "text-alarm" : ""}>{result.anomaly_score?.toFixed(3) ?? "—"}</strong>{" "}
          {result.anomaly_detected ? <StatePill state="anomaly" /> : result.status === "completed" ? <StatePill state="nominal" label="Normal" /> : statusPill(result.status)}
        </span>
      </header>
      {result.error_message ? <div className="banner banner-alarm">{result.error_message}</div> : null}
      <div className="score-bars">
        {Object.entries(result.channel_scores).map(([channel, score]) => (
          <div key={channel} className="score-bar">
            <span className={result.anomaly_channels.includes(channel) ? "text-alarm" : ""}>{channel}</span>
            <span className="bar">
              <span style={{ width: `${Math.min(100, score * 100)}%`, background: score >= 0.5 ? colors.red : colors.green }} />
            </span>
            <span className="num">{score.toFixed(2)}</span>
          </div>
        ))}
      </div>
      {result.forecast ? (
        <div className="mini-charts">
          {channels.map(([channel, f]) => {
            const start = result.forecast?.start_ms ?? 0;
            const step = result.forecast?.step_ms ?? 1000;
            const rows: ChartRow[] = f.mean.map((v, i) => ({ t: start + i * step, forecast: v, band: [f.lower[i] ?? v, f.upper[i] ?? v] }));
            return (
              <div key={channel} className="mini-chart">
                <div className="small muted">{channel}</div>
                <TimeSeriesChart
                  rows={rows}
                  series={FORECAST}
                  xDomain={[start, start + Math.max(1, f.mean.length - 1) * step]}
                  unit=""
                  height={140}
                  label={`Forecast of ${channel}`}
                />
              </div>
            );
          })}
        </div>
      ) : null}
    </section>
  );
}

// Trends: one satellite's metrics over a range, raw against predicted, with limits,
// anomalies and statistics; refreshed every 30 s and updated live in between.
import { useEffect, useMemo, useRef, useState } from "react";
import { MetricCard } from "../components/MetricCard";
import { StatsPanel } from "../components/StatsPanel";
import { Empty, ErrorState, Loading } from "../components/States";
import { type ChartMarker, type ChartSeries, TimeSeriesChart } from "../components/TimeSeriesChart";
import { type LiveTelemetry, useLive } from "../hooks/live";
import { useSatellites } from "../hooks/satellites";
import { type TrendMetric, useMetricCatalogue, useTrendView } from "../hooks/trends";
import { formatAge, formatUtc, metricLabel } from "../lib/format";
import { setParams, useLocation } from "../lib/router";
import { RANGE_LABELS, RANGE_NAMES, type TimeRange, isRangeName, parseUtcInput, toUtcInput } from "../lib/timeRange";
import { type LivePoint, snap, trendRows } from "../lib/trendRows";
import { type LimitState, SILENT_AFTER_MS, SUBSYSTEM_LABELS, colors } from "../theme";

export const DEFAULT_METRICS = [
  "satellite_battery_voltage",
  "satellite_solar_power",
  "satellite_temperature",
  "satellite_altitude",
];
const MAX_METRICS = 8;
const LIVE_TAIL_MAX_STEP_S = 30;

const SERIES: ChartSeries[] = [
  { key: "envelope", name: "Min–max", color: colors.blue, kind: "band" },
  { key: "band", name: "Forecast band", color: colors.green, kind: "band" },
  { key: "raw", name: "Measured", color: colors.blue, kind: "line" },
  { key: "predicted", name: "Predicted", color: colors.green, kind: "points", dashed: true },
];

function rangeFrom(params: URLSearchParams): TimeRange {
  const start = Number(params.get("start"));
  const end = Number(params.get("end"));
  if (params.get("range") === "custom" && start > 0 && end > start) return { kind: "custom", startMs: start, endMs: end };
  const name = params.get("range");
  return { kind: "named", name: isRangeName(name) ? name : "1h" };
}

function useLiveTail(live: LiveTelemetry | undefined, resetKey: unknown): LiveTelemetry[] {
  const [tail, setTail] = useState<LiveTelemetry[]>([]);
  const lastKey = useRef(resetKey);
  useEffect(() => {
    if (lastKey.current !== resetKey) {
      lastKey.current = resetKey;
      setTail([]);
    }
  }, [resetKey]);
  useEffect(() => {
    if (live) setTail((t) => (t.length && t[t.length - 1]?.timestamp_ms === live.timestamp_ms ? t : [...t, live].slice(-600)));
  }, [live]);
  return tail;
}

export function TrendsView() {
  const { params } = useLocation();
  const satellites = useSatellites();
  const catalogue = useMetricCatalogue();
  const satelliteId = params.get("sat") ?? satellites.data?.[0]?.satellite_id ?? null;
  const chosen = params.getAll("metric");
  const metrics = chosen.length ? chosen.slice(0, MAX_METRICS) : DEFAULT_METRICS;
  const range = rangeFrom(params);
  const step = params.get("step") ?? undefined;
  const view = useTrendView(satelliteId, metrics, range, step);
  const live = useLive(satelliteId);
  const liveNow = satelliteId ? live.telemetry[satelliteId] : undefined;
  const tail = useLiveTail(liveNow, view.updatedAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  if (satellites.error && !satellites.data) return <ErrorState error={satellites.error} what="the satellites" onRetry={satellites.reload} />;
  if (satellites.loading) return <Loading label="Loading satellites…" height={420} />;
  if (!satellites.data?.length || !satelliteId) {
    return (
      <Empty title="No data yet" height={420}>
        No satellite has reported telemetry. `satmon up` starts a simulator that reports every second; in real mode, check
        that frames reach the time-series store.
      </Empty>
    );
  }

  const data = view.data;
  const rangeLabel = range.kind === "named" ? RANGE_LABELS[range.name] : "the range";
  const lastSeen = liveNow?.timestamp_ms ?? data?.last_seen_ms ?? null;
  const silent = lastSeen !== null && now - lastSeen > SILENT_AFTER_MS;
  const liveTail = range.kind === "named" && data !== undefined && data.step_s <= LIVE_TAIL_MAX_STEP_S;

  return (
    <div className="view trends-view">
      <div className="toolbar">
        <label className="field">
          <span>Satellite</span>
          <select value={satelliteId} onChange={(e) => setParams({ sat: e.target.value })} data-testid="satellite-select">
            {satellites.data.map((s) => (
              <option key={s.satellite_id} value={s.satellite_id}>
                {s.satellite_id}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Time range">
          {RANGE_NAMES.map((name) => (
            <button
              key={name}
              type="button"
              className={range.kind === "named" && range.name === name ? "active" : ""}
              aria-pressed={range.kind === "named" && range.name === name}
              onClick={() => setParams({ range: name, start: null, end: null })}
            >
              {name}
            </button>
          ))}
          <CustomRange range={range} />
        </div>
        <MetricPicker metrics={metrics} catalogue={catalogue.data ?? []} />
        <LiveIndicator status={live.status} updatedAt={view.updatedAt} now={now} />
      </div>

      {silent && lastSeen !== null ? (
        <div className="banner banner-warning" data-testid="silent-banner">
          {satelliteId} is silent: last report {formatUtc(lastSeen)} ({formatAge(lastSeen, now)}).
        </div>
      ) : null}

      {view.error && !data ? (
        <ErrorState error={view.error} what={`the trends of ${satelliteId}`} onRetry={view.reload} height={420} />
      ) : !data ? (
        <Loading label={`Loading ${satelliteId}…`} height={420} />
      ) : data.last_seen_ms === null ? (
        <Empty title={`No telemetry from ${satelliteId}`} height={420}>
          It has never reported, or its data was removed.
        </Empty>
      ) : (
        <>
          <div className="cards" data-testid="metric-cards">
            {data.metrics.map((m) => {
              const liveValue = liveNow?.values[m.metric];
              return (
                <MetricCard
                  key={m.metric}
                  metric={m.metric}
                  unit={m.unit}
                  value={liveValue?.value ?? m.stats.last ?? null}
                  change={m.stats.change ?? null}
                  state={(liveValue?.state ?? limitState(m, m.stats.last)) as LimitState}
                  rangeLabel={rangeLabel}
                  anomalies={m.anomalies}
                />
              );
            })}
          </div>
          <div className="charts" data-testid="charts" data-step={data.step_s} data-start={data.start_ms} data-satellite={data.satellite_id}>
            {data.metrics.map((m) => (
              <MetricChart
                key={m.metric}
                metric={m}
                startMs={data.start_ms}
                endMs={Math.max(data.end_ms, liveTail ? (liveNow?.timestamp_ms ?? 0) : 0)}
                stepS={data.step_s}
                markers={data.alerts
                  .filter((a) => a.subsystem === m.subsystem)
                  .map((a) => ({
                    t: snap(Date.parse(a.created_at), data.start_ms, data.step_s * 1000),
                    color: a.acknowledgement ? colors.yellow : colors.red,
                    label: `${a.job_id}/${a.subsystem}`,
                  }))}
                live={liveTail ? livePoints(tail, m.metric) : []}
              />
            ))}
          </div>
          <StatsPanel metrics={data.metrics} stepS={data.step_s} />
        </>
      )}
    </div>
  );
}

function limitState(metric: TrendMetric, value: number | null | undefined): LimitState {
  if (!metric.limits || value === null || value === undefined) return "none";
  const [redLo, redHi] = metric.limits.red;
  const [yellowLo, yellowHi] = metric.limits.yellow;
  if (value < redLo || value > redHi) return "alarm";
  if (value < yellowLo || value > yellowHi) return "warning";
  return "nominal";
}

function livePoints(tail: readonly LiveTelemetry[], metric: string): LivePoint[] {
  const out: LivePoint[] = [];
  for (const event of tail) {
    const v = event.values[metric];
    if (v) out.push({ t: v.timestamp_ms, value: v.value });
  }
  return out;
}

function MetricChart(props: { metric: TrendMetric; startMs: number; endMs: number; stepS: number; markers: ChartMarker[]; live: LivePoint[] }) {
  const { metric, startMs, endMs, stepS, markers, live } = props;
  const rows = useMemo(() => trendRows(metric, startMs, stepS, live), [metric, startMs, stepS, live]);
  return (
    <section className="panel chart-panel" data-testid="metric-chart" data-metric={metric.metric} data-points={metric.points.length}>
      <header>
        <h3>
          {metricLabel(metric.metric)} <span className="muted">({metric.unit})</span>
        </h3>
        <span className="muted small">
          {SUBSYSTEM_LABELS[metric.subsystem] ?? metric.subsystem} · step {stepS} s
        </span>
      </header>
      {metric.points.length === 0 ? (
        <Empty title="No samples in this range" height={220} />
      ) : (
        <TimeSeriesChart
          rows={rows}
          series={metric.prediction.length ? SERIES : SERIES.filter((s) => s.key === "raw" || s.key === "envelope")}
          xDomain={[startMs, endMs]}
          unit={metric.unit}
          limits={metric.limits ? { yellow: metric.limits.yellow, red: metric.limits.red } : null}
          markers={markers}
          label={`${metricLabel(metric.metric)} over time`}
        />
      )}
    </section>
  );
}

function CustomRange({ range }: { range: TimeRange }) {
  const [open, setOpen] = useState(range.kind === "custom");
  const now = Date.now();
  const [start, setStart] = useState(toUtcInput(range.kind === "custom" ? range.startMs : now - 6 * 3600_000));
  const [end, setEnd] = useState(toUtcInput(range.kind === "custom" ? range.endMs : now));
  const startMs = parseUtcInput(start);
  const endMs = parseUtcInput(end);
  const valid = startMs !== null && endMs !== null && startMs < endMs;
  return (
    <>
      <button type="button" className={range.kind === "custom" ? "active" : ""} aria-pressed={range.kind === "custom"} onClick={() => setOpen(!open)}>
        Custom
      </button>
      {open ? (
        <form
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) setParams({ range: "custom", start: String(startMs), end: String(endMs) });
          }}
        >
          <label>
            From (UTC) <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            To (UTC) <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
          </label>
          <button type="submit" className="button" disabled={!valid}>
            Show
          </button>
        </form>
      ) : null}
    </>
  );
}

function MetricPicker({ metrics, catalogue }: { metrics: string[]; catalogue: Array<{ metric: string; subsystem: string; unit: string; kind: string }> }) {
  const numeric = catalogue.filter((m) => m.kind !== "bool");
  const toggle = (metric: string) => {
    const next = metrics.includes(metric) ? metrics.filter((m) => m !== metric) : [...metrics, metric].slice(0, MAX_METRICS);
    if (next.length) setParams({ metric: next });
  };
  return (
    <details className="metric-picker">
      <summary>Metrics ({metrics.length})</summary>
      <div className="metric-options">
        {numeric.map((m) => (
          <label key={m.metric}>
            <input type="checkbox" checked={metrics.includes(m.metric)} onChange={() => toggle(m.metric)} />
            {metricLabel(m.metric)} <span className="muted">{m.unit}</span>
          </label>
        ))}
      </div>
    </details>
  );
}

function LiveIndicator({ status, updatedAt, now }: { status: string; updatedAt: number | null; now: number }) {
  return (
    <div className={`live live-${status}`} data-testid="live-indicator" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {status === "live" ? "Live" : status === "offline" ? "Live updates lost" : "Connecting"}
      {updatedAt ? <span className="muted"> · refreshed {formatAge(updatedAt, now)}</span> : null}
    </div>
  );
}

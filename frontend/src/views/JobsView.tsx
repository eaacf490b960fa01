// Jobs and search: the job list with filters, full-text search, and a manual inference.
import { useState } from "react";
import { Empty, ErrorState, Loading } from "../components/States";
import { StatePill } from "../components/StatePill";
import { type Job, type JobStatus, useJobs } from "../hooks/jobs";
import { useSatellites } from "../hooks/satellites";
import { useSearch } from "../hooks/search";
import { formatIso } from "../lib/format";
import { Link, setParams, useLocation } from "../lib/router";
import { ManualInferenceForm } from "./ManualInferenceForm";

const STATUSES: JobStatus[] = ["pending", "processing", "completed", "failed"];
const PAGE = 25;

export function statusPill(status: string) {
  const state = status === "completed" ? "nominal" : status === "failed" ? "alarm" : status === "processing" ? "warning" : "none";
  return <StatePill state={state} label={status} />;
}

export function JobsView() {
  const { params } = useLocation();
  const status = (params.get("status") ?? "") as JobStatus | "";
  const satelliteId = params.get("sat") ?? "";
  const source = params.get("source") ?? "";
  const offset = Number(params.get("offset") ?? 0) || 0;
  const q = params.get("q") ?? "";
  const jobs = useJobs({ status, satelliteId, source, limit: PAGE, offset });
  const satellites = useSatellites(60_000);
  const [text, setText] = useState(q);

  return (
    <div className="view jobs-view">
      <div className="two-columns">
        <section className="panel">
          <h2>Search</h2>
          <form
            className="search-form"
            onSubmit={(e) => {
              e.preventDefault();
              setParams({ q: text.trim() || null });
            }}
          >
            <input
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="job id, satellite, subsystem, channel, reason… (end a word with * for a prefix)"
              aria-label="Search jobs"
              data-testid="search-input"
            />
            <button type="submit" className="button">
              Search
            </button>
          </form>
          {q ? <SearchResults q={q} /> : <p className="muted small">Searches every finished job; all words must match.</p>}
        </section>
        <ManualInferenceForm satellites={(satellites.data ?? []).map((s) => s.satellite_id)} />
      </div>

      <section className="panel">
        <header className="panel-header">
          <h2>Jobs</h2>
          <div className="filters">
            <select value={status} onChange={(e) => setParams({ status: e.target.value || null, offset: null })} aria-label="Status">
              <option value="">any status</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <select value={satelliteId} onChange={(e) => setParams({ sat: e.target.value || null, offset: null })} aria-label="Satellite">
              <option value="">any satellite</option>
              {(satellites.data ?? []).map((s) => (
                <option key={s.satellite_id} value={s.satellite_id}>
                  {s.satellite_id}
                </option>
              ))}
            </select>
            <select value={source} onChange={(e) => setParams({ source: e.target.value || null, offset: null })} aria-label="Source">
              <option value="">any source</option>
              <option value="kafka_auto_trigger">triggered</option>
              <option value="manual">manual</option>
            </select>
          </div>
        </header>
        {jobs.error && !jobs.data ? (
          <ErrorState error={jobs.error} what="the jobs" onRetry={jobs.reload} />
        ) : !jobs.data ? (
          <Loading label="Loading jobs…" />
        ) : jobs.data.items.length === 0 ? (
          <Empty title="No jobs match">Jobs appear as the trigger fires on incoming telemetry, or when you submit one.</Empty>
        ) : (
          <>
            <JobTable jobs={jobs.data.items} />
            <div className="pager">
              <span className="muted">
                {offset + 1}–{offset + jobs.data.items.length} of {jobs.data.total}
              </span>
              <button type="button" className="button" disabled={offset === 0} onClick={() => setParams({ offset: String(Math.max(0, offset - PAGE)) })}>
                Newer
              </button>
              <button
                type="button"
                className="button"
                disabled={offset + PAGE >= jobs.data.total}
                onClick={() => setParams({ offset: String(offset + PAGE) })}
              >
                Older
              </button>
            </div>
          </>
        )}
      </section>
    </div>
  );
}

function JobTable({ jobs }: { jobs: Job[] }) {
  return (
    <table className="table" data-testid="jobs-table">
      <thead>
        <tr>
          <th>Created (UTC)</th>
          <th>Job</th>
          <th>Satellite</th>
          <th>Source</th>
          <th>Reason</th>
          <th>Status</th>
          <th className="num">Anomalies</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.job_id} data-testid="job-row">
            <td>{formatIso(j.created_at)}</td>
            <td>
              <Link to={`/jobs/${encodeURIComponent(j.job_id)}`} className="mono">
                {j.job_id}
              </Link>
            </td>
            <td>{j.satellite_id ?? "—"}</td>
            <td>{j.source}</td>
            <td className="muted">{j.trigger_reason ?? "—"}</td>
            <td>{statusPill(j.status)}</td>
            <td className={`num ${j.anomalies_detected ? "text-alarm" : ""}`}>{j.anomalies_detected}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SearchResults({ q }: { q: string }) {
  const found = useSearch(q);
  if (found.error) return <ErrorState error={found.error} what="the search results" onRetry={found.reload} height={80} />;
  if (!found.data) return <Loading label="Searching…" height={80} />;
  if (found.data.hits.length === 0) return <Empty title={`Nothing matches “${q}”`} height={80} />;
  return (
    <ul className="hits" data-testid="search-results">
      <li className="muted small">{found.data.total} found</li>
      {found.data.hits.map((h) => (
        <li key={h.job_id} data-testid="search-hit">
          <Link to={`/jobs/${encodeURIComponent(h.job_id)}`} className="mono">
            {h.job_id}
          </Link>{" "}
          {statusPill(h.status)} <span className="muted">{h.satellite_id ?? "no satellite"} · {formatIso(h.created_at)}</span>
          {h.anomalous_subsystems.length ? <span className="text-alarm"> · anomalous: {h.anomalous_subsystems.join(", ")}</span> : null}
        </li>
      ))}
    </ul>
  );
}

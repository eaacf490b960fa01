// A manual inference: forecast a series you paste, or analyse a satellite's stored
// telemetry per subsystem. On submit, the job's page opens and follows it.
import { type FormEvent, useState } from "react";
import type { ApiError } from "../api/client";
import { type InferenceCreate, submitInference, useModels } from "../hooks/jobs";
import { navigate } from "../lib/router";

export function parseSeries(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const values = parts.map(Number);
  const bad = parts.findIndex((_, i) => !Number.isFinite(values[i]));
  if (bad >= 0) return `“${parts[bad]}” is not a number`;
  if (values.length < 3) return "give at least 3 values";
  return values;
}

export function ManualInferenceForm({ satellites }: { satellites: string[] }) {
  const models = useModels();
  const [mode, setMode] = useState<"series" | "satellite">("series");
  const [series, setSeries] = useState("");
  const [satellite, setSatellite] = useState("");
  const [model, setModel] = useState("");
  const [horizon, setHorizon] = useState("10");
  const [windowSize, setWindowSize] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const request: InferenceCreate = {
      model_name: model || null,
      config: { forecast_horizon: Number(horizon) || null, window_size: windowSize ? Number(windowSize) : null },
      metadata: { satellite_id: satellite || null, source: "manual" },
    };
    if (mode === "series") {
      const values = parseSeries(series);
      if (typeof values === "string") {
        setProblem(`Series: ${values}.`);
        return;
      }
      request.data = values;
    } else if (!satellite) {
      setProblem("Choose the satellite whose stored telemetry to analyse.");
      return;
    }
    setSending(true);
    try {
      const submitted = await submitInference(request);
      navigate(`/jobs/${encodeURIComponent(submitted.job_id)}`);
    } catch (cause) {
      const error = cause as ApiError;
      setProblem(error.body?.fields.length ? error.body.fields.map((f) => `${f.field}: ${f.reason}`).join("; ") : error.message);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="panel">
      <h2>Manual inference</h2>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="inference-form">
        <div className="segmented" role="group" aria-label="What to analyse">
          <button type="button" className={mode === "series" ? "active" : ""} aria-pressed={mode === "series"} onClick={() => setMode("series")}>
            A series
          </button>
          <button type="button" className={mode === "satellite" ? "active" : ""} aria-pressed={mode === "satellite"} onClick={() => setMode("satellite")}>
            A satellite's telemetry
          </button>
        </div>
        {mode === "series" ? (
          <label className="field wide">
            <span>Values, oldest first</span>
            <textarea
              rows={3}
              value={series}
              onChange={(e) => setSeries(e.target.value)}
              placeholder="25.0, 26.1, 27.3, 28.5, 29.2"
              data-testid="series-input"
            />
          </label>
        ) : null}
        <div className="form-row">
          <label className="field">
            <span>Satellite{mode === "series" ? " (optional)" : ""}</span>
            <select value={satellite} onChange={(e) => setSatellite(e.target.value)} data-testid="form-satellite">
              <option value="">{mode === "series" ? "none" : "choose…"}</option>
              {satellites.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Model</span>
            <select value={model} onChange={(e) => setModel(e.target.value)}>
              <option value="">default</option>
              {(models.data ?? []).map((m) => (
                <option key={m.name} value={m.name} disabled={!m.ready}>
                  {m.name}
                  {m.default ? " (default)" : ""}
                </option>
              ))}
            </select>
          </label>
          <label className="field narrow">
            <span>Horizon</span>
            <input type="number" min={1} max={1000} value={horizon} onChange={(e) => setHorizon(e.target.value)} />
          </label>
          <label className="field narrow">
            <span>Window</span>
            <input type="number" min={3} placeholder="auto" value={windowSize} onChange={(e) => setWindowSize(e.target.value)} />
          </label>
        </div>
        {problem ? (
          <div className="form-error" role="alert">
            {problem}
          </div>
        ) : null}
        <button type="submit" className="button primary" disabled={sending} data-testid="submit-inference">
          {sending ? "Submitting…" : "Submit"}
        </button>
      </form>
    </section>
  );
}

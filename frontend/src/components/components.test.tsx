import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { App } from "../App";
import { fakeFetch, path } from "../test/fakeFetch";
import { MetricCard } from "./MetricCard";
import { ErrorState } from "./States";
import { timeTicks, yDomainOf } from "./TimeSeriesChart";

describe("MetricCard", () => {
  it("shows the value with its unit, the change and the limit state", () => {
    render(<MetricCard metric="satellite_battery_voltage" unit="V" value={3.2} change={-0.15} state="warning" rangeLabel="1 h" anomalies={2} />);
    expect(screen.getByText("Battery voltage")).toBeTruthy();
    expect(screen.getByTestId("metric-value").textContent).toBe("3.200");
    expect(screen.getByText("Warning")).toBeTruthy();
    expect(screen.getByText(/−0.150 V over 1 h/)).toBeTruthy();
    expect(screen.getByText("2 anomalies")).toBeTruthy();
  });
});

describe("ErrorState", () => {
  it("names the service that is down", () => {
    render(<ErrorState error={new ApiError(503, "x", { status: 503, code: "service_unavailable", message: "x", fields: [], service: "victoriametrics" })} what="trends" />);
    expect(screen.getByRole("alert").textContent).toContain("victoriametrics");
  });

  it("says when the API cannot be reached at all", () => {
    render(<ErrorState error={new ApiError(0, "x", null)} what="trends" />);
    expect(screen.getByRole("alert").textContent).toContain("does not answer");
  });
});

describe("TimeSeriesChart helpers", () => {
  it("puts round UTC ticks across the range", () => {
    const hour = 3600_000;
    expect(timeTicks([0, hour])).toEqual([0, 600_000, 1_200_000, 1_800_000, 2_400_000, 3_000_000, 3_600_000]);
    expect(timeTicks([0, 7 * 24 * hour]).length).toBeLessThanOrEqual(7);
  });

  it("fits the y axis to the data and bands, not to far-away limits", () => {
    const domain = yDomainOf([{ t: 0, raw: 10, band: [9, 12] }, { t: 1, raw: 11 }], [
      { key: "raw", name: "", color: "", kind: "line" },
      { key: "band", name: "", color: "", kind: "band" },
    ]);
    expect(domain?.[0]).toBeLessThan(9);
    expect(domain?.[1]).toBeGreaterThan(12);
    expect(domain?.[1]).toBeLessThan(13);
  });
});

describe("the Trends view", () => {
  const quiet = [path("/api/v1/ready", { status: "ready", checks: {} }), path("/api/v1/alerts", []), path("/api/v1/trends/metrics", [])];

  it("says there is no data yet when no satellite has reported", async () => {
    fakeFetch(path("/api/v1/trends/satellites", []), ...quiet);
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("empty").textContent).toContain("No data yet"));
  });

  it("shows a silent satellite as silent", async () => {
    const old = Date.now() - 10 * 60_000;
    fakeFetch(
      path("/api/v1/trends/satellites", [{ satellite_id: "SAT-001", last_seen_ms: old, latest: {} }]),
      path("/api/v1/dashboard/trends", { satellite_id: "SAT-001", start_ms: old - 3600_000, end_ms: Date.now(), step_s: 5, last_seen_ms: old, metrics: [], alerts: [] }),
      ...quiet,
    );
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("silent-banner").textContent).toMatch(/SAT-001 is silent: last report .* UTC \(10 min ago\)/));
  });

  it("names the services /ready reports down", async () => {
    fakeFetch(
      path("/api/v1/trends/satellites", []),
      path("/api/v1/ready", { status: "unavailable", checks: { results: { ok: false, service: "postgresql", url: "u" } } }, 503),
      path("/api/v1/alerts", []),
      path("/api/v1/trends/metrics", []),
    );
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("service-banner").textContent).toContain("postgresql (results)"));
  });
});

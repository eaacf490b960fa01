import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeFetch, path } from "../test/fakeFetch";
import { acknowledgeAlert, useAlerts } from "./alerts";
import { parseLiveEvent } from "./live";
import { downServices, useReady } from "./ready";
import { useTrendView } from "./trends";

const alert = {
  job_id: "kafka-SAT-001-1",
  satellite_id: "SAT-001",
  subsystem: "eps",
  model_name: "holt_linear_baseline",
  anomaly_score: 0.9,
  anomaly_channels: ["battery_voltage"],
  source: "kafka_auto_trigger",
  trigger_reason: "low_battery",
  created_at: "2026-01-01T00:00:00Z",
  acknowledgement: null,
};

describe("useAlerts", () => {
  it("asks for open alerts and returns them", async () => {
    const calls = fakeFetch(path("/api/v1/alerts", [alert]));
    const { result } = renderHook(() => useAlerts({ acknowledged: false }));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.data).toEqual([alert]));
    expect(result.current.loading).toBe(false);
    expect(calls[0]?.url.searchParams.get("acknowledged")).toBe("false");
  });

  it("turns the API's error shape into an ApiError naming the service", async () => {
    fakeFetch(
      path("/api/v1/alerts", { error: { status: 503, code: "service_unavailable", message: "postgresql is down", fields: [], service: "postgresql" } }, 503),
    );
    const { result } = renderHook(() => useAlerts());
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.error?.status).toBe(503);
    expect(result.current.error?.service).toBe("postgresql");
    expect(result.current.data).toBeUndefined();
  });

  it("keeps the data on screen when a refresh fails", async () => {
    let fail = false;
    fakeFetch((url) => (url.pathname === "/api/v1/alerts" ? (fail ? { status: 500, body: {} } : { body: [alert] }) : undefined));
    const { result } = renderHook(() => useAlerts());
    await waitFor(() => expect(result.current.data).toHaveLength(1));
    fail = true;
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.error?.status).toBe(500));
    expect(result.current.data).toHaveLength(1);
  });
});

describe("acknowledgeAlert", () => {
  it("posts who acknowledged to the alert's URL", async () => {
    const calls = fakeFetch((url, init) =>
      url.pathname === "/api/v1/alerts/kafka-SAT-001-1/eps/acknowledge" && init?.method === "POST"
        ? { body: { job_id: alert.job_id, subsystem: "eps", acknowledged_by: "ops", note: null, acknowledged_at: "2026-01-01T00:01:00Z" } }
        : undefined,
    );
    const ack = await acknowledgeAlert(alert, "ops");
    expect(ack.acknowledged_by).toBe("ops");
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ acknowledged_by: "ops", note: null });
  });
});

describe("useTrendView", () => {
  it("waits for a satellite, then asks for every metric of the range in one request", async () => {
    const calls = fakeFetch(path("/api/v1/dashboard/trends", { satellite_id: "SAT-001", metrics: [], alerts: [] }));
    const { result, rerender } = renderHook(({ sat }: { sat: string | null }) => useTrendView(sat, ["a", "b"], { kind: "named", name: "1w" }), {
      initialProps: { sat: null as string | null },
    });
    expect(calls).toHaveLength(0);
    rerender({ sat: "SAT-001" });
    await waitFor(() => expect(result.current.data).toBeDefined());
    expect(calls).toHaveLength(1);
    const params = calls[0]!.url.searchParams;
    expect(params.getAll("metric")).toEqual(["a", "b"]);
    expect(params.get("range")).toBe("1w");
    expect(params.get("satellite_id")).toBe("SAT-001");
  });
});

describe("useReady", () => {
  it("reads the checks of a 503 and names what is down", async () => {
    fakeFetch(
      path(
        "/api/v1/ready",
        {
          status: "unavailable",
          checks: {
            tsdb: { ok: true, service: "sqlite-tsdb", url: "x" },
            results: { ok: false, service: "postgresql", url: "y", detail: "refused" },
          },
        },
        503,
      ),
    );
    const { result } = renderHook(() => useReady());
    await waitFor(() => expect(result.current.data).toBeDefined());
    expect(downServices(result.current.data)).toEqual([{ role: "results", service: "postgresql", detail: "refused" }]);
  });
});

describe("parseLiveEvent", () => {
  it("accepts the two kinds of event and nothing else", () => {
    expect(parseLiveEvent('{"type":"telemetry","satellite_id":"S","timestamp_ms":1,"values":{}}')?.type).toBe("telemetry");
    expect(parseLiveEvent(JSON.stringify({ type: "alert", alert }))?.type).toBe("alert");
    expect(parseLiveEvent('{"type":"other"}')).toBeNull();
    expect(parseLiveEvent("not json")).toBeNull();
  });
});

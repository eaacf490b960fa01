// /live: server-sent events of new telemetry and new alerts. The server ends each
// stream after a while; the hook reconnects, asking for the alerts since the last
// one it saw, so none is missed in between.
import { useEffect, useRef, useState } from "react";
import { API, queryString, type Schemas } from "../api/client";

export type LiveTelemetry = Schemas["LiveTelemetryEvent"];
export type LiveAlert = Schemas["LiveAlertEvent"];
export type LiveStatus = "connecting" | "live" | "offline";

export interface LiveState {
  status: LiveStatus;
  telemetry: Record<string, LiveTelemetry>;
  /** New alerts, newest first. */
  alerts: Array<LiveAlert["alert"]>;
}

const RECONNECT_MS = 1_000;
const OFFLINE_AFTER_FAILURES = 3;
const MAX_ALERTS = 100;

export function parseLiveEvent(text: string): LiveTelemetry | LiveAlert | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || !("type" in value)) return null;
    const type = (value as { type: unknown }).type;
    if (type === "telemetry") return value as LiveTelemetry;
    if (type === "alert") return value as LiveAlert;
    return null;
  } catch {
    return null;
  }
}

export function useLive(satelliteId: string | null = null): LiveState {
  const [state, setState] = useState<LiveState>({ status: "connecting", telemetry: {}, alerts: [] });
  const since = useRef<string>(new Date(Date.now() - 10_000).toISOString());

  useEffect(() => {
    if (typeof EventSource === "undefined") return undefined;
    let source: EventSource | null = null;
    let timer: number | undefined;
    let failures = 0;
    let closed = false;

    const connect = () => {
      const url = `${API}/live${queryString({ satellite_id: satelliteId, alerts_since: since.current })}`;
      source = new EventSource(url);
      source.onopen = () => {
        failures = 0;
        setState((s) => (s.status === "live" ? s : { ...s, status: "live" }));
      };
      source.onmessage = (message: MessageEvent<string>) => {
        const event = parseLiveEvent(message.data);
        if (event === null) return;
        if (event.type === "telemetry") {
          setState((s) => ({ ...s, status: "live", telemetry: { ...s.telemetry, [event.satellite_id]: event } }));
        } else {
          const alert = event.alert;
          if (alert.created_at > since.current) since.current = alert.created_at;
          setState((s) =>
            s.alerts.some((a) => a.job_id === alert.job_id && a.subsystem === alert.subsystem)
              ? s
              : { ...s, alerts: [alert, ...s.alerts].slice(0, MAX_ALERTS) },
          );
        }
      };
      source.onerror = () => {
        // The server ended the stream, or could not be reached: reconnect ourselves,
        // with the alert cursor moved on.
        source?.close();
        if (closed) return;
        failures += 1;
        if (failures >= OFFLINE_AFTER_FAILURES) setState((s) => ({ ...s, status: "offline" }));
        timer = window.setTimeout(connect, RECONNECT_MS * Math.min(failures, 5));
      };
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      source?.close();
    };
  }, [satelliteId]);

  return state;
}

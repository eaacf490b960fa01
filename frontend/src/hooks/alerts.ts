// /alerts: anomaly alerts and their acknowledgement.
import { API, getJson, postJson, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type Alert = Schemas["AlertStatusPublic"];
export type Acknowledgement = Schemas["AcknowledgementPublic"];

export interface AlertFilter {
  acknowledged?: boolean;
  satelliteId?: string;
  since?: string;
  limit?: number;
}

export function alertKey(alert: Pick<Alert, "job_id" | "subsystem">): string {
  return `${alert.job_id}/${alert.subsystem}`;
}

export function useAlerts(filter: AlertFilter = {}, refreshMs = 15_000) {
  const query = {
    acknowledged: filter.acknowledged,
    satellite_id: filter.satelliteId,
    since: filter.since,
    limit: filter.limit ?? 200,
  };
  return useResource<Alert[]>(
    `alerts:${JSON.stringify(query)}`,
    (signal) => getJson<Alert[]>(`${API}/alerts`, query, signal),
    { refreshMs },
  );
}

export function acknowledgeAlert(alert: Pick<Alert, "job_id" | "subsystem">, by: string, note?: string) {
  const body: Schemas["AcknowledgementCreate"] = { acknowledged_by: by, note: note || null };
  return postJson<Acknowledgement>(
    `${API}/alerts/${encodeURIComponent(alert.job_id)}/${alert.subsystem}/acknowledge`,
    body,
  );
}

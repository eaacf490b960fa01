// /dashboard/trends and /trends/metrics: what the Trends view charts.
import { API, getJson, type Schemas } from "../api/client";
import { type TimeRange, rangeQuery } from "../lib/timeRange";
import { useResource } from "./useResource";

export type TrendView = Schemas["TrendViewPublic"];
export type TrendMetric = Schemas["TrendMetricPublic"];
export type MetricInfo = Schemas["MetricPublic"];

export const TRENDS_REFRESH_MS = 30_000;

export function useTrendView(satelliteId: string | null, metrics: readonly string[], range: TimeRange, step?: string) {
  const query = { satellite_id: satelliteId, metric: metrics, step, ...rangeQuery(range) };
  return useResource<TrendView>(
    `trends:${JSON.stringify(query)}`,
    (signal) => getJson<TrendView>(`${API}/dashboard/trends`, query, signal),
    { refreshMs: range.kind === "custom" ? undefined : TRENDS_REFRESH_MS, enabled: satelliteId !== null && metrics.length > 0 },
  );
}

export function useMetricCatalogue() {
  return useResource<MetricInfo[]>("metrics", (signal) => getJson<MetricInfo[]>(`${API}/trends/metrics`, {}, signal));
}

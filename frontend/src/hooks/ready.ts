// /ready: which of the API's dependencies answer. A 503 still carries the checks.
import { API, ApiError, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type Readiness = Schemas["Readiness"];

async function readiness(signal: AbortSignal): Promise<Readiness> {
  let response: Response;
  try {
    response = await fetch(`${API}/ready`, { signal, headers: { Accept: "application/json" } });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "The satmon API cannot be reached", null);
  }
  if (response.status === 200 || response.status === 503) return (await response.json()) as Readiness;
  throw new ApiError(response.status, `HTTP ${response.status}`, null);
}

export function useReady(refreshMs = 10_000) {
  return useResource<Readiness>("ready", readiness, { refreshMs });
}

export function downServices(ready: Readiness | undefined): Array<{ role: string; service: string; detail: string | null }> {
  if (!ready) return [];
  return Object.entries(ready.checks)
    .filter(([, check]) => !check.ok)
    .map(([role, check]) => ({ role, service: check.service, detail: check.detail ?? null }));
}

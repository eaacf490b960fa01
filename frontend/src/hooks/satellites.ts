// /trends/satellites: every satellite's latest values and limit states.
import { API, getJson, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type Satellite = Schemas["SatellitePublic"];

export function useSatellites(refreshMs = 10_000) {
  return useResource<Satellite[]>(
    "satellites",
    (signal) => getJson<Satellite[]>(`${API}/trends/satellites`, {}, signal),
    { refreshMs },
  );
}

// /dashboard/ground-track: positions, tracks, stations and the sub-solar point.
import { API, getJson, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type GroundTrack = Schemas["GroundTrackPublic"];
export type SatelliteTrack = Schemas["SatelliteTrackPublic"];

export function useGroundTrack(minutes = 95, refreshMs = 5_000) {
  return useResource<GroundTrack>(
    `ground:${minutes}`,
    (signal) => getJson<GroundTrack>(`${API}/dashboard/ground-track`, { minutes }, signal),
    { refreshMs },
  );
}

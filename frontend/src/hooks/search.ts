// /search/results: full-text search over finished jobs.
import { API, getJson, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type SearchResults = Schemas["SearchResultsPublic"];

export function useSearch(query: string) {
  const q = query.trim();
  return useResource<SearchResults>(
    `search:${q}`,
    (signal) => getJson<SearchResults>(`${API}/search/results`, { q, limit: 50 }, signal),
    { enabled: q.length > 0 },
  );
}

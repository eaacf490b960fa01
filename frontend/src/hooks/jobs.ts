// /query/jobs and /inference: the job list, one job's result, submitting a manual job.
import { API, getJson, postJson, type Schemas } from "../api/client";
import { useResource } from "./useResource";

export type Job = Schemas["JobPublic"];
export type JobPage = Schemas["JobPage"];
export type JobResult = Schemas["InferenceResultPublic"];
export type Model = Schemas["ModelPublic"];
export type InferenceCreate = Schemas["InferenceCreate"];
export type JobStatus = "pending" | "processing" | "completed" | "failed";

export interface JobFilter {
  status?: JobStatus | "";
  satelliteId?: string;
  source?: string;
  limit?: number;
  offset?: number;
}

export function useJobs(filter: JobFilter, refreshMs = 10_000) {
  const query = {
    status: filter.status,
    satellite_id: filter.satelliteId,
    source: filter.source,
    limit: filter.limit ?? 50,
    offset: filter.offset ?? 0,
  };
  return useResource<JobPage>(
    `jobs:${JSON.stringify(query)}`,
    (signal) => getJson<JobPage>(`${API}/query/jobs`, query, signal),
    { refreshMs },
  );
}

export function isFinished(status: string): boolean {
  return status === "completed" || status === "failed";
}

export function useJobResult(jobId: string | null) {
  const resource = useResource<JobResult>(
    `job:${jobId ?? ""}`,
    (signal) => getJson<JobResult>(`${API}/inference/result/${encodeURIComponent(jobId ?? "")}`, {}, signal),
    { enabled: jobId !== null, refreshMs: 1_000 },
  );
  return resource;
}

export function useModels() {
  return useResource<Model[]>("models", (signal) => getJson<Model[]>(`${API}/inference/models`, {}, signal));
}

export function submitInference(request: InferenceCreate) {
  return postJson<Schemas["InferenceSubmitted"]>(`${API}/inference/submit`, request);
}

// The generic data hook every resource hook is built on: one request per key,
// aborted when the key changes, refreshed on an interval, and the previous data
// kept while a refresh runs so nothing on screen jumps.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  /** True until the first answer for the current key. */
  loading: boolean;
  /** When the data on screen was fetched (ms since the epoch). */
  updatedAt: number | null;
  reload: () => void;
}

export interface ResourceOptions {
  /** Milliseconds between refreshes; none by default. */
  refreshMs?: number;
  /** Skip fetching (e.g. until a satellite is chosen). */
  enabled?: boolean;
}

export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  { refreshMs, enabled = true }: ResourceOptions = {},
): Resource<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: ApiError | null; updatedAt: number | null }>({
    key,
    data: undefined,
    error: null,
    updatedAt: null,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (!enabled) return undefined;
    const controller = new AbortController();
    loadRef
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ key, data, error: null, updatedAt: Date.now() });
      })
      .catch((cause: unknown) => {
        if (controller.signal.aborted) return;
        const error = cause instanceof ApiError ? cause : new ApiError(0, String(cause), null);
        // Keep the last good data of the same key on screen beside the error.
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error,
          updatedAt: previous.key === key ? previous.updatedAt : null,
        }));
      });
    return () => controller.abort();
  }, [key, tick, enabled]);

  useEffect(() => {
    if (!enabled || !refreshMs) return undefined;
    const timer = window.setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => window.clearInterval(timer);
  }, [enabled, refreshMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    loading: enabled && (!current || (state.data === undefined && state.error === null)),
    updatedAt: current ? state.updatedAt : null,
    reload,
  };
}

// Time ranges of the Trends view: a named range ending now, or a custom UTC window.
export type RangeName = "1h" | "6h" | "1d" | "1w";
export const RANGE_NAMES: readonly RangeName[] = ["1h", "6h", "1d", "1w"];

export type TimeRange = { kind: "named"; name: RangeName } | { kind: "custom"; startMs: number; endMs: number };

export const RANGE_LABELS: Record<RangeName, string> = { "1h": "1 h", "6h": "6 h", "1d": "1 day", "1w": "1 week" };

export function rangeQuery(range: TimeRange): { range?: string; start?: string; end?: string } {
  if (range.kind === "named") return { range: range.name };
  return { start: new Date(range.startMs).toISOString(), end: new Date(range.endMs).toISOString() };
}

export function isRangeName(value: string | null): value is RangeName {
  return value !== null && (RANGE_NAMES as readonly string[]).includes(value);
}

/** "2026-01-15T12:00" (what a datetime-local input holds) read as UTC. */
export function parseUtcInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function toUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

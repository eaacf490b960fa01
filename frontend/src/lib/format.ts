// How numbers and times read on screen: times always in UTC, labelled as such.
const pad = (n: number) => String(n).padStart(2, "0");

export function formatUtc(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ""}`;
  return `${date} ${time} UTC`;
}

export function formatIso(iso: string | null | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatUtc(ms);
}

/** An axis tick: the time of day, with the date where the span crosses days. */
export function formatTick(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return spanMs > 36 * 3600_000 ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}` : hm;
}

export function decimalsFor(unit: string, magnitude: number): number {
  if (unit === "count" || unit === "bool") return 0;
  const abs = Math.abs(magnitude);
  if (abs >= 1000) return 0;
  if (abs >= 100) return 1;
  if (abs >= 10) return 2;
  return 3;
}

export function formatValue(value: number | null | undefined, unit: string, reference?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const digits = decimalsFor(unit, reference ?? value);
  return value.toFixed(digits);
}

export function formatSigned(value: number | null | undefined, unit: string, reference?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = formatValue(Math.abs(value), unit, reference ?? value);
  if (Number(text) === 0) return `±${text}`;
  return `${value > 0 ? "+" : "−"}${text}`;
}

export function formatAge(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export function metricLabel(metric: string): string {
  const words = metric.replace(/^satellite_/, "").split("_");
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

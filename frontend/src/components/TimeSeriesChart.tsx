// The one chart wrapper over Recharts: time on x (UTC), one unit on y, lines,
// bands, limit lines and event markers. Animation is off: data refreshes every
// few seconds and a chart that moves on its own is tiring to watch.
import { memo } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { colors } from "../theme";
import { formatTick, formatUtc, formatValue } from "../lib/format";

export type ChartValue = number | [number, number] | null;
export type ChartRow = { t: number } & { [series: string]: ChartValue };

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  kind: "line" | "band" | "points";
  dashed?: boolean;
}

export interface ChartMarker {
  t: number;
  color: string;
  label: string;
}

export interface ChartLimits {
  yellow: [number, number];
  red: [number, number];
}

export interface TimeSeriesChartProps {
  rows: ChartRow[];
  series: ChartSeries[];
  xDomain: [number, number];
  unit: string;
  limits?: ChartLimits | null;
  markers?: ChartMarker[];
  height?: number;
  label: string;
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

/** Round UTC times across the domain, at most `max` of them. */
export function timeTicks([start, end]: [number, number], max = 7): number[] {
  const span = end - start;
  if (!(span > 0)) return [start];
  const step = TICK_STEPS_MS.find((s) => span / s <= max - 1) ?? Math.ceil(span / (max - 1) / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** The y range of the data, padded, so limit lines far away do not flatten it. */
export function yDomainOf(rows: ChartRow[], series: ChartSeries[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    for (const s of series) {
      const v = row[s.key];
      if (v === null || v === undefined) continue;
      const [a, b] = Array.isArray(v) ? v : [v, v];
      if (a < lo) lo = a;
      if (b > hi) hi = b;
    }
  }
  if (!Number.isFinite(lo)) return null;
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.max(Math.abs(hi) * 0.02, 0.5);
  return [lo - pad, hi + pad];
}

function TimeSeriesChartImpl({ rows, series, xDomain, unit, limits, markers = [], height = 220, label }: TimeSeriesChartProps) {
  const span = xDomain[1] - xDomain[0];
  const domain = yDomainOf(rows, series) ?? [0, 1];
  const reference = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
  const limitLines: Array<{ y: number; color: string; name: string }> = limits
    ? [
        { y: limits.red[0], color: colors.red, name: "red low" },
        { y: limits.yellow[0], color: colors.yellow, name: "yellow low" },
        { y: limits.yellow[1], color: colors.yellow, name: "yellow high" },
        { y: limits.red[1], color: colors.red, name: "red high" },
      ]
    : [];
  return (
    <div className="chart" style={{ height }} role="img" aria-label={label} data-testid="chart">
      <ResponsiveContainer width="100%" height="100%" minWidth={0} initialDimension={{ width: 600, height }}>
        <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={colors.border} strokeDasharray="2 4" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={xDomain}
            ticks={timeTicks(xDomain)}
            allowDataOverflow
            tickFormatter={(t: number) => formatTick(t, span)}
            stroke={colors.muted}
            tick={{ fontSize: 11 }}
            minTickGap={40}
          />
          <YAxis
            domain={domain}
            allowDataOverflow
            width={64}
            stroke={colors.muted}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => formatValue(v, unit, reference)}
            label={{ value: unit, angle: -90, position: "insideLeft", fill: colors.muted, fontSize: 11 }}
          />
          <Tooltip
            isAnimationActive={false}
            contentStyle={{ background: colors.panel, border: `1px solid ${colors.border}`, color: colors.text }}
            labelFormatter={(t) => (typeof t === "number" ? formatUtc(t) : String(t))}
            formatter={(value, name) => {
              const text = Array.isArray(value)
                ? `${formatValue(Number(value[0]), unit, reference)} – ${formatValue(Number(value[1]), unit, reference)}`
                : formatValue(Number(value), unit, reference);
              return [`${text} ${unit}`, name];
            }}
          />
          {limitLines.map((l) => (
            <ReferenceLine key={l.name} y={l.y} stroke={l.color} strokeDasharray="6 4" strokeOpacity={0.7} ifOverflow="discard" />
          ))}
          {series.map((s) =>
            s.kind === "band" ? (
              <Area
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stroke="none"
                fill={s.color}
                fillOpacity={0.16}
                isAnimationActive={false}
                connectNulls={false}
                activeDot={false}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeWidth={s.kind === "points" ? 1.25 : 1.5}
                strokeDasharray={s.dashed ? "5 3" : undefined}
                dot={s.kind === "points" ? { r: 1.5, fill: s.color, strokeWidth: 0 } : false}
                activeDot={{ r: 3 }}
                isAnimationActive={false}
                connectNulls={false}
                type="linear"
              />
            ),
          )}
          {markers.map((m) => (
            <ReferenceLine key={`${m.t}-${m.label}`} x={m.t} stroke={m.color} strokeWidth={1.5} ifOverflow="discard" />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

export const TimeSeriesChart = memo(TimeSeriesChartImpl);

import { type LimitState, stateColor, stateLabel } from "../theme";

export function StatePill({ state, label }: { state: LimitState | "anomaly" | "silent"; label?: string }) {
  const color = state === "anomaly" ? stateColor.alarm : state === "silent" ? stateColor.none : stateColor[state];
  const text = label ?? (state === "anomaly" ? "Anomaly" : state === "silent" ? "Silent" : stateLabel[state]);
  return (
    <span className={`pill pill-${state}`} style={{ borderColor: color, color }}>
      <span className="dot" style={{ background: color }} aria-hidden="true" />
      {text}
    </span>
  );
}

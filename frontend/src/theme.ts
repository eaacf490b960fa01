// The seed's dark theme, plus yellow and red for limit and anomaly states.
export const colors = {
  background: "#191a1f",
  panel: "#202228",
  border: "#2c2f37",
  text: "#ffffff",
  muted: "#9ba1ad",
  blue: "#4a9eff",
  green: "#4ade80",
  yellow: "#facc15",
  red: "#f87171",
} as const;

export type LimitState = "nominal" | "warning" | "alarm" | "none";

export const stateColor: Record<LimitState, string> = {
  nominal: colors.green,
  warning: colors.yellow,
  alarm: colors.red,
  none: colors.muted,
};

export const stateLabel: Record<LimitState, string> = {
  nominal: "Nominal",
  warning: "Warning",
  alarm: "Alarm",
  none: "No limits",
};

export const SUBSYSTEMS = ["eps", "thermal", "aocs", "comm"] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];
export const SUBSYSTEM_LABELS: Record<string, string> = {
  eps: "Power",
  thermal: "Thermal",
  aocs: "Attitude & orbit",
  comm: "Comms",
  payload: "Payload",
};

/** A satellite that has not reported for this long is shown as silent. */
export const SILENT_AFTER_MS = 60_000;

import { describe, expect, it } from "vitest";
import type { Alert } from "../hooks/alerts";
import type { Satellite } from "../hooks/satellites";
import type { MetricInfo } from "../hooks/trends";
import { outliers, subsystemCells } from "./fleet";

const sat = (id: string, values: Record<string, [number, "nominal" | "warning" | "alarm" | "none"]>): Satellite => ({
  satellite_id: id,
  last_seen_ms: 0,
  latest: Object.fromEntries(Object.entries(values).map(([m, [value, state]]) => [m, { value, timestamp_ms: 0, state }])),
});

const info = (metric: string, subsystem: string): MetricInfo => ({
  metric,
  subsystem,
  field: metric.replace("satellite_", ""),
  unit: "",
  kind: "float",
  description: "",
  valid: null,
  limits: null,
  modelled: true,
});

const catalogue = [info("satellite_battery_voltage", "eps"), info("satellite_solar_power", "eps"), info("satellite_obc_temp", "thermal")];

describe("subsystemCells", () => {
  it("takes the worst channel of a subsystem, and an open alert over any limit state", () => {
    const s = sat("SAT-1", {
      satellite_battery_voltage: [3.9, "nominal"],
      satellite_solar_power: [101, "warning"],
      satellite_obc_temp: [20, "nominal"],
    });
    const alert = { satellite_id: "SAT-1", subsystem: "thermal", anomaly_score: 0.8, anomaly_channels: ["obc_temp"] } as Alert;
    const cells = subsystemCells(s, catalogue, [alert]);
    expect(cells.eps?.state).toBe("warning");
    expect(cells.eps?.reasons).toEqual(["solar_power warning"]);
    expect(cells.thermal?.state).toBe("anomaly");
    expect(cells.aocs).toBeUndefined();
  });
});

describe("outliers", () => {
  it("flags a satellite far from the fleet's median, not the spread of the rest", () => {
    const fleet = [3.90, 3.91, 3.92, 3.89, 3.2].map((v, i) => sat(`SAT-${i}`, { satellite_battery_voltage: [v, "nominal"] }));
    expect([...outliers(fleet, ["satellite_battery_voltage"]).entries()]).toEqual([["SAT-4", ["satellite_battery_voltage"]]]);
  });

  it("needs three satellites to say what is unusual", () => {
    const fleet = [1, 100].map((v, i) => sat(`SAT-${i}`, { satellite_battery_voltage: [v, "nominal"] }));
    expect(outliers(fleet, ["satellite_battery_voltage"]).size).toBe(0);
  });
});

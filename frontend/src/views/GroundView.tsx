// Ground track: where each satellite is, its last orbit (bright in sunlight, dim in
// eclipse), night on Earth, and which ground stations see it. The world map is
// TopoJSON shipped with the app: no tile server, works offline.
import { geoCircle, geoEquirectangular, geoGraticule10, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { useEffect, useMemo, useState } from "react";
import { feature } from "topojson-client";
import type { Topology } from "topojson-specification";
import worldUrl from "world-atlas/countries-110m.json?url";
import { Empty, ErrorState, Loading } from "../components/States";
import { type GroundTrack, type SatelliteTrack, useGroundTrack } from "../hooks/ground";
import { formatUtc } from "../lib/format";
import { Link } from "../lib/router";
import { colors } from "../theme";

const WIDTH = 960;
const HEIGHT = 480;
const SATELLITE_COLORS = [colors.blue, colors.green, "#c084fc", "#f472b6", "#38bdf8", "#fb923c"];

type Land = FeatureCollection<Geometry>;

function useWorld(): Land | null {
  const [land, setLand] = useState<Land | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch(worldUrl)
      .then((r) => r.json() as Promise<Topology>)
      .then((topology) => {
        const countries = topology.objects.countries;
        if (!cancelled && countries) setLand(feature(topology, countries) as Land);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return land;
}

/** Runs of the track with the same daylight, split where it wraps at ±180°. */
interface Segment {
  eclipse: boolean;
  points: Array<[number, number]>;
}

export function trackSegments(track: SatelliteTrack["track"]): Segment[] {
  const segments: Segment[] = [];
  let previous: { lon: number; lat: number; eclipse: boolean } | null = null;
  for (const [, lat, lon, eclipse] of track) {
    const wrapped = previous !== null && Math.abs(lon - previous.lon) > 180;
    const open = segments[segments.length - 1];
    if (open === undefined || previous === null || previous.eclipse !== eclipse || wrapped) {
      // A change of light continues from the last point, so the line has no hole.
      const start: Array<[number, number]> = previous !== null && !wrapped ? [[previous.lon, previous.lat]] : [];
      segments.push({ eclipse, points: [...start, [lon, lat]] });
    } else {
      open.points.push([lon, lat]);
    }
    previous = { lon, lat, eclipse };
  }
  return segments.filter((s) => s.points.length > 1);
}

export function GroundView() {
  const ground = useGroundTrack();
  const land = useWorld();
  if (ground.error && !ground.data) return <ErrorState error={ground.error} what="the ground track" onRetry={ground.reload} height={480} />;
  if (!ground.data) return <Loading label="Loading positions…" height={480} />;
  if (ground.data.satellites.length === 0) {
    return (
      <Empty title="No positions yet" height={480}>
        No satellite has reported its latitude and longitude.
      </Empty>
    );
  }
  return <GroundMap data={ground.data} land={land} />;
}

function GroundMap({ data, land }: { data: GroundTrack; land: Land | null }) {
  const projection = useMemo(() => geoEquirectangular().fitSize([WIDTH, HEIGHT], { type: "Sphere" }), []);
  const path = useMemo(() => geoPath(projection), [projection]);
  const night = geoCircle()
    .center([data.subsolar.longitude + 180, -data.subsolar.latitude])
    .radius(90)();
  const seen = new Set(data.satellites.flatMap((s) => s.in_view));
  const coverage = data.satellites.find((s) => s.coverage_radius_deg !== null)?.coverage_radius_deg ?? null;
  const point = (lon: number, lat: number) => projection([lon, lat]) ?? [0, 0];

  return (
    <div className="view ground-view">
      <section className="panel">
        <header className="panel-header">
          <h2>Ground track</h2>
          <span className="muted small">
            {formatUtc(data.now_ms)} · last {Math.round((data.satellites[0]?.track.length ?? 0) / 2)} min · night shaded ·
            circles: where a station sees a satellite at its altitude
          </span>
        </header>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="map" role="img" aria-label="World map with satellite positions" data-testid="ground-map">
          <path d={path({ type: "Sphere" }) ?? ""} fill="#12161d" />
          <path d={path(geoGraticule10()) ?? ""} fill="none" stroke={colors.border} strokeWidth={0.5} />
          {land ? <path d={path(land) ?? ""} fill="#2a2f3a" stroke="#3a404c" strokeWidth={0.4} data-testid="land" /> : null}
          <path d={path(night) ?? ""} fill="#000" fillOpacity={0.35} />
          {coverage !== null
            ? data.stations.map((s) => (
                <path
                  key={`cov-${s.name}`}
                  d={path(geoCircle().center([s.longitude, s.latitude]).radius(coverage)()) ?? ""}
                  fill={seen.has(s.name) ? colors.green : "none"}
                  fillOpacity={0.08}
                  stroke={seen.has(s.name) ? colors.green : colors.muted}
                  strokeOpacity={seen.has(s.name) ? 0.8 : 0.3}
                  strokeWidth={0.8}
                />
              ))
            : null}
          {data.satellites.map((sat, i) => {
            const color = SATELLITE_COLORS[i % SATELLITE_COLORS.length] ?? colors.blue;
            return trackSegments(sat.track).map((seg, j) => (
              <path
                key={`${sat.satellite_id}-${j}`}
                d={path({ type: "LineString", coordinates: seg.points } as Feature["geometry"]) ?? ""}
                fill="none"
                stroke={color}
                strokeWidth={1.5}
                strokeOpacity={seg.eclipse ? 0.35 : 0.95}
                strokeDasharray={seg.eclipse ? "3 3" : undefined}
              />
            ));
          })}
          {data.stations.map((s) => {
            const [x, y] = point(s.longitude, s.latitude);
            return (
              <g key={s.name} transform={`translate(${x},${y})`}>
                <rect x={-3} y={-3} width={6} height={6} fill={seen.has(s.name) ? colors.green : colors.muted} />
                <text x={6} y={4} fontSize={10} fill={colors.muted}>
                  {s.name}
                </text>
              </g>
            );
          })}
          {data.satellites.map((sat, i) => {
            const [x, y] = point(sat.position.longitude, sat.position.latitude);
            const color = SATELLITE_COLORS[i % SATELLITE_COLORS.length] ?? colors.blue;
            return (
              <g key={sat.satellite_id} transform={`translate(${x},${y})`} data-testid="satellite-marker">
                <circle r={6} fill={color} stroke={colors.background} strokeWidth={2} />
                <text x={9} y={-8} fontSize={12} fill={colors.text}>
                  {sat.satellite_id}
                </text>
              </g>
            );
          })}
        </svg>
      </section>
      <section className="panel">
        <table className="table" data-testid="ground-table">
          <thead>
            <tr>
              <th>Satellite</th>
              <th className="num">Latitude</th>
              <th className="num">Longitude</th>
              <th className="num">Altitude (km)</th>
              <th>Light</th>
              <th>Stations in view</th>
              <th>Link</th>
            </tr>
          </thead>
          <tbody>
            {data.satellites.map((sat) => (
              <tr key={sat.satellite_id}>
                <td>
                  <Link to={`/trends?sat=${encodeURIComponent(sat.satellite_id)}`}>{sat.satellite_id}</Link>
                </td>
                <td className="num">{sat.position.latitude.toFixed(2)}°</td>
                <td className="num">{sat.position.longitude.toFixed(2)}°</td>
                <td className="num">{sat.altitude_km?.toFixed(1) ?? "—"}</td>
                <td>{sat.eclipse === null ? "—" : sat.eclipse ? "Eclipse" : "Sunlit"}</td>
                <td>{sat.in_view.length ? sat.in_view.join(", ") : <span className="muted">none</span>}</td>
                <td>{sat.link_up === null ? "—" : sat.link_up ? "Up" : "Down"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

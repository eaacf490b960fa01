import { lazy, Suspense } from "react";

import { ServiceBanner } from "./components/ServiceBanner";
import { Loading } from "./components/States";
import { useAlerts } from "./hooks/alerts";
import { Link, useLocation } from "./lib/router";
import { TrendsView } from "./views/TrendsView";

// The trends view opens first and is in the main bundle; the others (the ground
// track brings the world map and d3-geo) load when first visited.
const AlertsView = lazy(() => import("./views/AlertsView").then((m) => ({ default: m.AlertsView })));
const FleetView = lazy(() => import("./views/FleetView").then((m) => ({ default: m.FleetView })));
const GroundView = lazy(() => import("./views/GroundView").then((m) => ({ default: m.GroundView })));
const JobView = lazy(() => import("./views/JobView").then((m) => ({ default: m.JobView })));
const JobsView = lazy(() => import("./views/JobsView").then((m) => ({ default: m.JobsView })));

const NAV = [
  { to: "/trends", label: "Trends" },
  { to: "/fleet", label: "Fleet" },
  { to: "/ground", label: "Ground track" },
  { to: "/alerts", label: "Alerts" },
  { to: "/jobs", label: "Jobs & search" },
] as const;

function Page({ path }: { path: string }) {
  const job = /^\/jobs\/(.+)$/.exec(path);
  if (job?.[1]) return <JobView jobId={decodeURIComponent(job[1])} />;
  switch (path) {
    case "/fleet":
      return <FleetView />;
    case "/ground":
      return <GroundView />;
    case "/alerts":
      return <AlertsView />;
    case "/jobs":
      return <JobsView />;
    default:
      return <TrendsView />;
  }
}

export function App() {
  const { path } = useLocation();
  const open = useAlerts({ acknowledged: false, limit: 1000 }, 15_000);
  const openCount = open.data?.length ?? 0;
  const current = path === "/" ? "/trends" : path;
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          satmon
        </div>
        <nav aria-label="Views">
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} className={current.startsWith(item.to) ? "active" : ""}>
              {item.label}
              {item.to === "/alerts" && openCount > 0 ? (
                <span className="badge" data-testid="open-alerts" title={`${openCount} open alerts`}>
                  {openCount >= 1000 ? "999+" : openCount}
                </span>
              ) : null}
            </Link>
          ))}
        </nav>
        <div className="muted small utc-note">All times UTC</div>
      </header>
      <ServiceBanner />
      <main>
        <Suspense fallback={<Loading label="Loading view…" />}>
          <Page path={current} />
        </Suspense>
      </main>
    </div>
  );
}
